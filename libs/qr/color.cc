#include "libs/qr/color.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace qrcloud::qr {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One sRGB channel, linearised per WCAG 2.
double Linear(uint8_t channel) {
  double c = channel / 255.0;
  return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

}  // namespace

absl::StatusOr<Rgb> ParseColor(absl::string_view field, absl::string_view text) {
  auto invalid = [&] {
    return core::InvalidField(
        field, absl::StrCat("\"", text, "\" is not a colour; use #rrggbb, e.g. #000000"));
  };
  if (text.size() != 7 || text[0] != '#') return invalid();
  uint8_t channels[3];
  for (int i = 0; i < 3; ++i) {
    int hi = HexDigit(text[1 + 2 * i]);
    int lo = HexDigit(text[2 + 2 * i]);
    if (hi < 0 || lo < 0) return invalid();
    channels[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return Rgb{channels[0], channels[1], channels[2]};
}

std::string FormatColor(Rgb color) {
  return absl::StrFormat("#%02x%02x%02x", color.r, color.g, color.b);
}

double RelativeLuminance(Rgb color) {
  return 0.2126 * Linear(color.r) + 0.7152 * Linear(color.g) + 0.0722 * Linear(color.b);
}

double ContrastRatio(Rgb a, Rgb b) {
  double la = RelativeLuminance(a);
  double lb = RelativeLuminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

absl::StatusOr<Palette> MakePalette(absl::string_view foreground, absl::string_view background,
                                    bool allow_inverted) {
  QRCLOUD_ASSIGN_OR_RETURN(Rgb fg, ParseColor("foreground", foreground));
  QRCLOUD_ASSIGN_OR_RETURN(Rgb bg, ParseColor("background", background));
  double ratio = ContrastRatio(fg, bg);
  if (ratio < kMinContrastRatio) {
    return core::InvalidField(
        "foreground",
        absl::StrFormat("%s on %s has a contrast ratio of %.2f:1; scanners need at least 3:1 "
                        "(e.g. a darker foreground or a lighter background)",
                        FormatColor(fg), FormatColor(bg), ratio));
  }
  if (!allow_inverted && RelativeLuminance(fg) > RelativeLuminance(bg)) {
    return core::InvalidField(
        "foreground",
        absl::StrFormat("%s is lighter than the background %s; many scanners cannot read "
                        "light-on-dark codes — use a dark foreground, or allow inverted codes "
                        "explicitly",
                        FormatColor(fg), FormatColor(bg)));
  }
  return Palette{fg, bg};
}

}  // namespace qrcloud::qr
