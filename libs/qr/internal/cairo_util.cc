#include "libs/qr/internal/cairo_util.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/qr/image_header.h"
#include "libs/qr/internal/module_outline.h"

namespace qrcloud::qr::internal {
namespace {

// The largest logo image accepted, in pixels per side: ample for print,
// small enough that a hostile upload cannot exhaust memory.
constexpr int kMaxLogoPixels = 4096;

struct ReadCursor {
  absl::string_view rest;
};

cairo_status_t ReadFromCursor(void* closure, unsigned char* data, unsigned int length) {
  auto* cursor = static_cast<ReadCursor*>(closure);
  if (cursor->rest.size() < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, cursor->rest.data(), length);
  cursor->rest.remove_prefix(length);
  return CAIRO_STATUS_SUCCESS;
}

// The module size and top-left corner actually used for `box`.
struct Grid {
  double x;
  double y;
  double module;
};

Grid SnapToPixels(cairo_t* cr, const CodeBox& box, int modules) {
  double module = box.side / modules;
  double device_x = module;
  double device_y = 0;
  cairo_user_to_device_distance(cr, &device_x, &device_y);
  double pixels_per_unit = device_x / module;
  double snapped = std::max(1.0, std::floor(device_x)) / pixels_per_unit;
  double inset = (box.side - snapped * modules) / 2;
  double x = box.x + inset;
  double y = box.y + inset;
  cairo_user_to_device(cr, &x, &y);
  x = std::round(x);
  y = std::round(y);
  cairo_device_to_user(cr, &x, &y);
  return {x, y, snapped};
}

// Adds the outlines of the dark modules: one closed polygon per region.
void AddModulePath(cairo_t* cr, const Matrix& matrix, const ResolvedStyle& style,
                   const Grid& grid) {
  double origin_x = grid.x + style.quiet_zone * grid.module;
  double origin_y = grid.y + style.quiet_zone * grid.module;
  for (const std::vector<GridPoint>& polygon : TraceOutlines(matrix, style.logo_area)) {
    cairo_move_to(cr, origin_x + polygon[0].x * grid.module, origin_y + polygon[0].y * grid.module);
    for (size_t i = 1; i < polygon.size(); ++i) {
      cairo_line_to(cr, origin_x + polygon[i].x * grid.module,
                    origin_y + polygon[i].y * grid.module);
    }
    cairo_close_path(cr);
  }
}

}  // namespace

// The logo image sits inside its pad, half a module in from the pad's edge.
absl::Status DrawLogo(cairo_t* cr, const ResolvedStyle& style, double x, double y, double module) {
  Grid grid{x, y, module};
  QRCLOUD_ASSIGN_OR_RETURN(SurfacePtr logo, ReadPng("logo.png", style.logo_png));
  const LogoArea& area = *style.logo_area;
  double pad = (style.quiet_zone + area.first) * grid.module;
  double inner = (area.modules - 1) * grid.module;
  double width = cairo_image_surface_get_width(logo.get());
  double height = cairo_image_surface_get_height(logo.get());
  double scale = inner / std::max(width, height);
  cairo_save(cr);
  cairo_translate(cr, grid.x + pad + grid.module / 2 + (inner - width * scale) / 2,
                  grid.y + pad + grid.module / 2 + (inner - height * scale) / 2);
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, logo.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
  return absl::OkStatus();
}

absl::StatusOr<SurfacePtr> ReadPng(absl::string_view field, absl::string_view png) {
  // The header first: cairo allocates the whole declared image before it
  // reads a pixel.
  QRCLOUD_ASSIGN_OR_RETURN(
      ImageHeader header,
      ProbeImage(field, png,
                 ImageLimits{kMaxLogoPixels, int64_t{kMaxLogoPixels} * kMaxLogoPixels}));
  if (header.content_type != "image/png") {
    return core::InvalidField(field, absl::StrCat("is ", header.content_type, "; give PNG bytes"));
  }
  ReadCursor cursor{png};
  SurfacePtr surface(cairo_image_surface_create_from_png_stream(ReadFromCursor, &cursor));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return core::InvalidField(field, "is not a readable PNG image; give PNG bytes");
  }
  return surface;
}

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

absl::StatusOr<std::string> WritePng(cairo_surface_t* surface) {
  std::string out;
  cairo_status_t status = cairo_surface_write_to_png_stream(surface, AppendToString, &out);
  if (status != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(
        absl::StrCat("PNG encoding failed: ", cairo_status_to_string(status)));
  }
  return out;
}

absl::Status FinishSurface(cairo_surface_t* surface) {
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(absl::StrCat("drawing failed: ", cairo_status_to_string(status)));
  }
  return absl::OkStatus();
}

void SetSourceRgb(cairo_t* cr, Rgb color) {
  cairo_set_source_rgb(cr, color.r / 255.0, color.g / 255.0, color.b / 255.0);
}

absl::Status DrawCode(cairo_t* cr, const Matrix& matrix, const ResolvedStyle& style,
                      const CodeBox& box) {
  int modules = matrix.size() + 2 * style.quiet_zone;
  Grid grid = box.snap ? SnapToPixels(cr, box, modules) : Grid{box.x, box.y, box.side / modules};
  cairo_save(cr);
  if (box.snap) cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
  SetSourceRgb(cr, style.palette.background);
  cairo_rectangle(cr, grid.x, grid.y, grid.module * modules, grid.module * modules);
  cairo_fill(cr);
  SetSourceRgb(cr, style.palette.foreground);
  AddModulePath(cr, matrix, style, grid);
  cairo_fill(cr);
  cairo_restore(cr);
  if (!style.logo_area.has_value()) return absl::OkStatus();
  return DrawLogo(cr, style, grid.x, grid.y, grid.module);
}

}  // namespace qrcloud::qr::internal
