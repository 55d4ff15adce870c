// Colours of a printed code, and the contrast rule every renderer applies.
//
// Scanners look for dark modules on a light ground. A pair is accepted when
// its WCAG contrast ratio is at least 3:1 and the foreground is the darker of
// the two; light-on-dark ("inverted") codes are refused unless the caller
// allows them, because many phone scanners cannot read them.
#ifndef QRCLOUD_LIBS_QR_COLOR_H_
#define QRCLOUD_LIBS_QR_COLOR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::qr {

inline constexpr double kMinContrastRatio = 3.0;

struct Rgb {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
  bool operator==(const Rgb&) const = default;
};

// Parses "#rrggbb" (either case). INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<Rgb> ParseColor(absl::string_view field, absl::string_view text);

// "#rrggbb", lower case.
std::string FormatColor(Rgb color);

// WCAG 2 relative luminance, 0 (black) to 1 (white).
double RelativeLuminance(Rgb color);

// WCAG 2 contrast ratio, 1 to 21, symmetric in its arguments.
double ContrastRatio(Rgb a, Rgb b);

// The colours a code is drawn with.
struct Palette {
  Rgb foreground;  // dark modules
  Rgb background;  // light modules, quiet zone and logo pad
};

// Parses and checks a foreground/background pair. INVALID_ARGUMENT naming
// "foreground" or "background" for a malformed colour, and "foreground" when
// the contrast is below 3:1 or (unless `allow_inverted`) the foreground is
// lighter than the background.
absl::StatusOr<Palette> MakePalette(absl::string_view foreground, absl::string_view background,
                                    bool allow_inverted);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_COLOR_H_
