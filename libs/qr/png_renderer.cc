#include "libs/qr/png_renderer.h"

#include <png.h>
#include <zlib.h>

#include <csetjmp>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/qr/internal/cairo_util.h"

namespace qrcloud::qr {
namespace {

// Pixel geometry. Invariant: the code with its quiet zone spans
// module × modules pixels, the remainder of `size` split before and after it
// (the far side gets the odd pixel).
struct Layout {
  int size = 0;
  int module = 0;  // pixels per module
  int origin = 0;  // pixel of the symbol's first module (quiet zone and margin before it)
};

// Pixel rows ready for libpng: `rows[i]` points into `storage`; identical
// rows share storage.
struct Raster {
  int size = 0;
  bool one_bit = false;
  Palette palette;
  std::vector<std::vector<uint8_t>> storage;
  std::vector<png_bytep> rows;
};

absl::StatusOr<Layout> MakeLayout(const Matrix& matrix, int quiet_zone, int size) {
  if (size < kMinPngSize || size > kMaxPngSize) {
    return core::InvalidField("size", absl::StrCat("is ", size, " px; PNG codes are ", kMinPngSize,
                                                   " to ", kMaxPngSize, " px"));
  }
  int modules = matrix.size() + 2 * quiet_zone;
  if (size < modules) {
    return core::InvalidField(
        "size", absl::StrCat("is ", size, " px, too small for this code's ", modules,
                             " modules (quiet zone included) at one pixel each; use at least ",
                             modules, " px or a smaller quiet zone"));
  }
  Layout layout;
  layout.size = size;
  layout.module = size / modules;
  layout.origin = (size - layout.module * modules) / 2 + quiet_zone * layout.module;
  return layout;
}

// One pixel row per module row as 0 (light) / 1 (dark) indices.
std::vector<uint8_t> IndexRow(const Matrix& matrix, const ResolvedStyle& style,
                              const Layout& layout, int y) {
  std::vector<uint8_t> row(layout.size, 0);
  for (int x = 0; x < matrix.size(); ++x) {
    if (!matrix.dark(x, y) || UnderLogo(style.logo_area, x, y)) continue;
    std::memset(row.data() + layout.origin + x * layout.module, 1, layout.module);
  }
  return row;
}

std::vector<uint8_t> Pack(const std::vector<uint8_t>& index_row, bool one_bit,
                          const Palette& palette) {
  if (one_bit) {
    std::vector<uint8_t> packed((index_row.size() + 7) / 8, 0);
    for (size_t x = 0; x < index_row.size(); ++x) {
      if (index_row[x]) packed[x / 8] |= static_cast<uint8_t>(0x80 >> (x % 8));
    }
    return packed;
  }
  std::vector<uint8_t> rgb(index_row.size() * 3);
  for (size_t x = 0; x < index_row.size(); ++x) {
    const Rgb& c = index_row[x] ? palette.foreground : palette.background;
    rgb[3 * x] = c.r;
    rgb[3 * x + 1] = c.g;
    rgb[3 * x + 2] = c.b;
  }
  return rgb;
}

// Rows for a code without a logo: n + 1 distinct rows, shared by reference.
Raster ModuleRaster(const Matrix& matrix, const ResolvedStyle& style, const Layout& layout,
                    bool one_bit) {
  Raster raster{layout.size, one_bit, style.palette, {}, {}};
  std::vector<uint8_t> blank(layout.size, 0);
  raster.storage.push_back(Pack(blank, one_bit, style.palette));
  for (int y = 0; y < matrix.size(); ++y) {
    raster.storage.push_back(Pack(IndexRow(matrix, style, layout, y), one_bit, style.palette));
  }
  raster.rows.assign(layout.size, raster.storage[0].data());
  for (int y = 0; y < matrix.size(); ++y) {
    int top = layout.origin + y * layout.module;
    for (int i = 0; i < layout.module; ++i) raster.rows[top + i] = raster.storage[y + 1].data();
  }
  return raster;
}

// Rows for a code with a logo: modules drawn into a cairo RGB24 surface, the
// logo painted over its pad, then converted to packed RGB.
absl::StatusOr<Raster> LogoRaster(const Matrix& matrix, const ResolvedStyle& style,
                                  const Layout& layout) {
  Raster modules = ModuleRaster(matrix, style, layout, /*one_bit=*/false);
  internal::SurfacePtr surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, layout.size, layout.size));
  cairo_surface_flush(surface.get());
  unsigned char* data = cairo_image_surface_get_data(surface.get());
  int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < layout.size; ++y) {
    auto* out = reinterpret_cast<uint32_t*>(data + y * stride);
    const uint8_t* in = modules.rows[y];
    for (int x = 0; x < layout.size; ++x) {
      out[x] = (uint32_t{in[3 * x]} << 16) | (uint32_t{in[3 * x + 1]} << 8) | in[3 * x + 2];
    }
  }
  cairo_surface_mark_dirty(surface.get());
  internal::ContextPtr cr(cairo_create(surface.get()));
  int corner = layout.origin - style.quiet_zone * layout.module;
  QRCLOUD_RETURN_IF_ERROR(internal::DrawLogo(cr.get(), style, corner, corner, layout.module));
  cairo_surface_flush(surface.get());

  Raster raster{layout.size, false, style.palette, {}, {}};
  raster.storage.resize(layout.size);
  for (int y = 0; y < layout.size; ++y) {
    const auto* in = reinterpret_cast<const uint32_t*>(data + y * stride);
    std::vector<uint8_t>& row = raster.storage[y];
    row.resize(layout.size * 3);
    for (int x = 0; x < layout.size; ++x) {
      row[3 * x] = static_cast<uint8_t>(in[x] >> 16);
      row[3 * x + 1] = static_cast<uint8_t>(in[x] >> 8);
      row[3 * x + 2] = static_cast<uint8_t>(in[x]);
    }
    raster.rows.push_back(row.data());
  }
  return raster;
}

void AppendPngData(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), length);
}

// libpng reports errors by longjmp; this function holds no object with a
// destructor between setjmp and the calls that may jump.
bool EncodePng(Raster& raster, std::string* out) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, AppendPngData, nullptr);
  png_set_IHDR(png, info, raster.size, raster.size, raster.one_bit ? 1 : 8,
               raster.one_bit ? PNG_COLOR_TYPE_PALETTE : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_color palette[2] = {
      {raster.palette.background.r, raster.palette.background.g, raster.palette.background.b},
      {raster.palette.foreground.r, raster.palette.foreground.g, raster.palette.foreground.b}};
  if (raster.one_bit) png_set_PLTE(png, info, palette, 2);
  // A code's pixel rows repeat module after module, so the "up" filter turns
  // most of them into zeros, which run-length deflate packs at almost no
  // cost; libpng's filter search and zlib's match finding would spend far
  // more time for a few bytes less.
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  png_set_compression_strategy(png, Z_RLE);
  png_write_info(png, info);
  png_write_image(png, raster.rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

absl::StatusOr<std::string> RenderPng(const Matrix& matrix, const PngOptions& options) {
  QRCLOUD_ASSIGN_OR_RETURN(ResolvedStyle style, ResolveStyle(matrix, options.style));
  QRCLOUD_ASSIGN_OR_RETURN(Layout layout, MakeLayout(matrix, style.quiet_zone, options.size));
  bool has_logo = style.logo_area.has_value();
  if (has_logo && options.color == PngColor::kOneBit) {
    return core::InvalidField("color", "a 1-bit PNG cannot show a logo; use RGB (or automatic)");
  }
  Raster raster;
  if (has_logo) {
    QRCLOUD_ASSIGN_OR_RETURN(raster, LogoRaster(matrix, style, layout));
  } else {
    raster = ModuleRaster(matrix, style, layout, options.color != PngColor::kRgb);
  }
  std::string out;
  if (!EncodePng(raster, &out)) return absl::InternalError("PNG encoding failed");
  return out;
}

}  // namespace qrcloud::qr
