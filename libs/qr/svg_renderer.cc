#include "libs/qr/svg_renderer.h"

#include <charconv>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::qr {
namespace {

void AppendInt(int value, std::string* out) {
  char digits[12];
  char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out->append(digits, end);
}

// "M{x} {y}h{n}v1h-{n}z": one closed rectangle for a run of n modules.
void AppendRun(int x, int y, int n, std::string* d) {
  d->push_back('M');
  AppendInt(x, d);
  d->push_back(' ');
  AppendInt(y, d);
  d->push_back('h');
  AppendInt(n, d);
  d->append("v1h-");
  AppendInt(n, d);
  d->push_back('z');
}

// Path data for the dark modules: one closed rectangle per horizontal run.
std::string ModulePath(const Matrix& matrix, const ResolvedStyle& style) {
  std::string d;
  int n = matrix.size();
  d.reserve(static_cast<size_t>(n) * n);
  int q = style.quiet_zone;
  for (int y = 0; y < n; ++y) {
    int x = 0;
    while (x < n) {
      if (!matrix.dark(x, y) || UnderLogo(style.logo_area, x, y)) {
        ++x;
        continue;
      }
      int start = x;
      while (x < n && matrix.dark(x, y) && !UnderLogo(style.logo_area, x, y)) ++x;
      AppendRun(start + q, y + q, x - start, &d);
    }
  }
  return d;
}

// An <image> centred in the logo's pad, half a module in from its edge.
std::string LogoImage(const ResolvedStyle& style) {
  const LogoArea& area = *style.logo_area;
  double inset = style.quiet_zone + area.first + 0.5;
  return absl::StrCat("<image x=\"", inset, "\" y=\"", inset, "\" width=\"", area.modules - 1,
                      "\" height=\"", area.modules - 1, "\" xlink:href=\"data:image/png;base64,",
                      absl::Base64Escape(style.logo_png), "\"/>");
}

}  // namespace

absl::StatusOr<std::string> RenderSvg(const Matrix& matrix, const SvgOptions& options) {
  QRCLOUD_ASSIGN_OR_RETURN(ResolvedStyle style, ResolveStyle(matrix, options.style));
  if (options.size_px < 0 || options.size_px > kMaxSvgPixels) {
    return core::InvalidField("size", absl::StrCat("is ", options.size_px, " px; use 1 to ",
                                                   kMaxSvgPixels, ", or 0 for no fixed size"));
  }
  int side = matrix.size() + 2 * style.quiet_zone;
  std::string svg =
      absl::StrCat("<svg xmlns=\"http://www.w3.org/2000/svg\"",
                   style.logo_area ? " xmlns:xlink=\"http://www.w3.org/1999/xlink\"" : "",
                   " viewBox=\"0 0 ", side, " ", side, "\"");
  if (options.size_px > 0) {
    absl::StrAppend(&svg, " width=\"", options.size_px, "\" height=\"", options.size_px, "\"");
  }
  absl::StrAppend(&svg, " shape-rendering=\"crispEdges\"><rect width=\"", side, "\" height=\"",
                  side, "\" fill=\"", FormatColor(style.palette.background), "\"/><path fill=\"",
                  FormatColor(style.palette.foreground), "\" d=\"", ModulePath(matrix, style),
                  "\"/>");
  if (style.logo_area) absl::StrAppend(&svg, LogoImage(style));
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace qrcloud::qr
