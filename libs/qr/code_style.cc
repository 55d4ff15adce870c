#include "libs/qr/code_style.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/qr/internal/cairo_util.h"

namespace qrcloud::qr {
namespace {

absl::Status CheckLogo(const Matrix& matrix, const Logo& logo) {
  if (matrix.level() != EcLevel::kHigh) {
    return core::InvalidField(
        "logo", absl::StrCat("a logo hides modules, so the code must be encoded at level H "
                             "(this one is ",
                             std::string(1, EcLevelLetter(matrix.level())), ")"));
  }
  if (!(logo.area > 0) || logo.area > kMaxLogoArea) {
    return core::InvalidField(
        "logo.area", absl::StrFormat("is %.3f; a logo may cover more than 0 and at most %.2f "
                                     "(%.0f%%) of the code, or the code stops scanning",
                                     logo.area, kMaxLogoArea, kMaxLogoArea * 100));
  }
  return internal::ReadPng("logo.png", logo.png).status();
}

}  // namespace

LogoArea LogoAreaFor(int size, double area) {
  int modules = static_cast<int>(std::floor(std::sqrt(area) * size));
  if ((modules - size) % 2 != 0) --modules;  // same parity as size, so it centres exactly
  if (modules < 1) modules = size % 2 == 0 ? 2 : 1;
  return LogoArea{(size - modules) / 2, modules};
}

bool UnderLogo(const std::optional<LogoArea>& logo, int x, int y) {
  if (!logo.has_value()) return false;
  int end = logo->first + logo->modules;
  return x >= logo->first && x < end && y >= logo->first && y < end;
}

absl::StatusOr<ResolvedStyle> ResolveStyle(const Matrix& matrix, const CodeStyle& style) {
  ResolvedStyle resolved;
  QRCLOUD_ASSIGN_OR_RETURN(resolved.palette,
                           MakePalette(style.foreground, style.background, style.allow_inverted));
  if (style.quiet_zone < 0 || style.quiet_zone > kMaxQuietZone) {
    return core::InvalidField("quietZone", absl::StrCat("is ", style.quiet_zone,
                                                        "; use 0 to 40 modules (4 is standard)"));
  }
  resolved.quiet_zone = style.quiet_zone;
  if (style.logo.has_value()) {
    QRCLOUD_RETURN_IF_ERROR(CheckLogo(matrix, *style.logo));
    resolved.logo_area = LogoAreaFor(matrix.size(), style.logo->area);
    resolved.logo_png = style.logo->png;
  }
  return resolved;
}

}  // namespace qrcloud::qr
