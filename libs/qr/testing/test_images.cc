#include "libs/qr/testing/test_images.h"

#include <cairo.h>

#include <cmath>

#include "libs/qr/internal/cairo_util.h"

namespace qrcloud::qr::testing {

std::string LogoPng(int width, int height) {
  internal::SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  internal::ContextPtr cr(cairo_create(surface.get()));
  double r = std::min(width, height) / 2.0;
  cairo_arc(cr.get(), width / 2.0, height / 2.0, r * 0.95, 0, 2 * M_PI);
  cairo_set_source_rgb(cr.get(), 0.95, 0.55, 0.1);
  cairo_fill_preserve(cr.get());
  cairo_set_source_rgb(cr.get(), 0.3, 0.1, 0.0);
  cairo_set_line_width(cr.get(), r * 0.15);
  cairo_stroke(cr.get());
  cairo_surface_flush(surface.get());
  return internal::WritePng(surface.get()).value();
}

PngHeader ReadPngHeader(absl::string_view png) {
  if (png.size() < 26 || png.substr(1, 3) != "PNG" || png.substr(12, 4) != "IHDR") return {};
  auto u8 = [&](size_t i) { return static_cast<unsigned char>(png[i]); };
  auto be32 = [&](size_t i) {
    return static_cast<int>((u8(i) << 24) | (u8(i + 1) << 16) | (u8(i + 2) << 8) | u8(i + 3));
  };
  return PngHeader{be32(16), be32(20), u8(24), u8(25)};
}

}  // namespace qrcloud::qr::testing
