// CodeStyle: how a code looks on every output format — colours, quiet zone
// and an optional centred logo — and the checks that keep it scannable.
#ifndef QRCLOUD_LIBS_QR_CODE_STYLE_H_
#define QRCLOUD_LIBS_QR_CODE_STYLE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/qr/color.h"
#include "libs/qr/matrix.h"

namespace qrcloud::qr {

// The standard quiet zone (ISO/IEC 18004): four light modules on each side.
inline constexpr int kDefaultQuietZone = 4;
inline constexpr int kMaxQuietZone = 40;

// The largest share of the symbol (quiet zone excluded) a logo and its pad
// may hide. Level H recovers ~30% of codewords; 8% of area leaves room for
// print defects and a worn sticker on top.
inline constexpr double kMaxLogoArea = 0.08;

struct Logo {
  std::string png;     // PNG bytes; drawn centred, aspect kept
  double area = 0.06;  // share of the symbol's area cleared for logo + pad, ≤ kMaxLogoArea
};

struct CodeStyle {
  std::string foreground = "#000000";
  std::string background = "#ffffff";
  bool allow_inverted = false;         // accept a light foreground on a dark background
  int quiet_zone = kDefaultQuietZone;  // light modules around the symbol, 0..40
  std::optional<Logo> logo;            // needs a matrix encoded at EcLevel::kHigh
};

// The square of modules cleared for a logo: columns and rows
// [first, first + modules). Invariant: centred, so first * 2 + modules ==
// the matrix size.
struct LogoArea {
  int first = 0;
  int modules = 0;
};

// A style checked against the matrix it will draw.
struct ResolvedStyle {
  Palette palette;
  int quiet_zone = kDefaultQuietZone;
  std::optional<LogoArea> logo_area;  // set iff the style has a logo
  std::string logo_png;               // the logo's PNG bytes, checked to decode
};

// Checks `style` for `matrix`. INVALID_ARGUMENT naming "foreground",
// "background", "quietZone", "logo.area" (outside (0, 0.08]), "logo.png"
// (not a PNG) or "logo" (matrix not at level H).
absl::StatusOr<ResolvedStyle> ResolveStyle(const Matrix& matrix, const CodeStyle& style);

// The modules cleared for a logo covering `area` of a size×size symbol: the
// largest centred square not above that share (at least 1 module).
LogoArea LogoAreaFor(int size, double area);

// True if the module lies under the logo's pad and must be left light.
bool UnderLogo(const std::optional<LogoArea>& logo, int x, int y);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_CODE_STYLE_H_
