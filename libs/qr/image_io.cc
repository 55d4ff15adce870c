#include "libs/qr/image_io.h"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <jpeglib.h>
// clang-format on

#include <algorithm>
#include <csetjmp>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/qr/internal/cairo_util.h"

namespace qrcloud::qr {
namespace {

constexpr absl::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
constexpr absl::string_view kJpegSignature = "\xff\xd8\xff";

absl::Status BadImage(absl::string_view why) { return core::InvalidField("image", why); }

// libjpeg reports fatal errors through error_exit, which must not return:
// it jumps back to the setjmp in the function that started the work.
struct JpegError {
  jpeg_error_mgr manager;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

// Warnings ("Premature end of JPEG file") are not worth a line on stderr:
// a damaged upload shows in what is decoded from it.
void IgnoreJpegMessage(j_common_ptr) {}

void OnJpegError(j_common_ptr info) {
  auto* error = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, error->message);
  longjmp(error->jump, 1);
}

// The scale denominator (1, 2, 4 or 8) that brings the image under the limit.
unsigned int JpegScale(const jpeg_decompress_struct& info) {
  unsigned int denom = 1;
  while (denom < 8 && static_cast<double>(info.image_width / denom) * (info.image_height / denom) >
                          kMaxImagePixels) {
    denom *= 2;
  }
  return denom;
}

// Holds no object with a destructor between setjmp and the libjpeg calls.
bool DecodeJpeg(absl::string_view bytes, JpegError* error, GrayImage* out) {
  jpeg_decompress_struct info;
  info.err = jpeg_std_error(&error->manager);
  error->manager.error_exit = OnJpegError;
  error->manager.output_message = IgnoreJpegMessage;
  if (setjmp(error->jump)) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  jpeg_read_header(&info, TRUE);
  info.out_color_space = JCS_GRAYSCALE;
  info.scale_num = 1;
  info.scale_denom = JpegScale(info);
  jpeg_start_decompress(&info);
  if (static_cast<double>(info.output_width) * info.output_height > kMaxImagePixels) {
    std::snprintf(error->message, sizeof(error->message), "more than %ld pixels", kMaxImagePixels);
    jpeg_destroy_decompress(&info);
    return false;
  }
  *out = GrayImage(static_cast<int>(info.output_width), static_cast<int>(info.output_height));
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = out->row(static_cast<int>(info.output_scanline));
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return true;
}

// Width and height from the IHDR chunk, which must follow the signature.
bool PngDimensions(absl::string_view bytes, long* width, long* height) {
  if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return false;
  auto be32 = [&](size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at);
    return (long{p[0]} << 24) | (long{p[1]} << 16) | (long{p[2]} << 8) | long{p[3]};
  };
  *width = be32(16);
  *height = be32(20);
  return true;
}

// Luminance of a cairo ARGB32 (premultiplied) surface composited over white.
GrayImage SurfaceLuminance(cairo_surface_t* surface) {
  int width = cairo_image_surface_get_width(surface);
  int height = cairo_image_surface_get_height(surface);
  int stride = cairo_image_surface_get_stride(surface);
  bool alpha = cairo_image_surface_get_format(surface) == CAIRO_FORMAT_ARGB32;
  const unsigned char* data = cairo_image_surface_get_data(surface);
  GrayImage out(width, height);
  for (int y = 0; y < height; ++y) {
    const auto* in = reinterpret_cast<const uint32_t*>(data + y * stride);
    uint8_t* o = out.row(y);
    for (int x = 0; x < width; ++x) {
      uint32_t p = in[x];
      unsigned white = alpha ? 255 - (p >> 24) : 0;
      unsigned r = ((p >> 16) & 0xff) + white;
      unsigned g = ((p >> 8) & 0xff) + white;
      unsigned b = (p & 0xff) + white;
      o[x] = static_cast<uint8_t>((306 * r + 601 * g + 117 * b + 0x200) >> 10);
    }
  }
  return out;
}

absl::StatusOr<GrayImage> ReadPngImage(absl::string_view bytes) {
  long width = 0, height = 0;
  if (!PngDimensions(bytes, &width, &height)) return BadImage("is a damaged PNG (no IHDR)");
  if (width * height > kMaxImagePixels) {
    return BadImage(absl::StrCat("is ", width, "×", height, " px; at most ", kMaxImagePixels,
                                 " pixels are accepted"));
  }
  absl::StatusOr<internal::SurfacePtr> surface = internal::ReadPng("image", bytes);
  if (!surface.ok()) return BadImage("is a damaged PNG");
  cairo_surface_flush(surface->get());
  return SurfaceLuminance(surface->get());
}

absl::StatusOr<GrayImage> ReadJpegImage(absl::string_view bytes) {
  JpegError error;
  GrayImage image;
  if (!DecodeJpeg(bytes, &error, &image)) {
    return BadImage(absl::StrCat("is a JPEG that cannot be read (", error.message, ")"));
  }
  return image;
}

// Holds no object with a destructor between setjmp and the libjpeg calls.
bool EncodeJpeg(const GrayImage& image, int quality, JpegError* error, unsigned char** buffer,
                unsigned long* size) {
  jpeg_compress_struct info;
  info.err = jpeg_std_error(&error->manager);
  error->manager.error_exit = OnJpegError;
  if (setjmp(error->jump)) {
    jpeg_destroy_compress(&info);
    return false;
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, buffer, size);
  info.image_width = static_cast<JDIMENSION>(image.width);
  info.image_height = static_cast<JDIMENSION>(image.height);
  info.input_components = 1;
  info.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    auto row = const_cast<JSAMPROW>(image.row(static_cast<int>(info.next_scanline)));
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  return true;
}

}  // namespace

absl::StatusOr<GrayImage> ReadImage(absl::string_view bytes) {
  if (bytes.substr(0, kPngSignature.size()) == kPngSignature) return ReadPngImage(bytes);
  if (bytes.substr(0, kJpegSignature.size()) == kJpegSignature) return ReadJpegImage(bytes);
  if (bytes.empty()) return BadImage("is empty; send PNG or JPEG bytes");
  return BadImage("is neither PNG nor JPEG; those are the formats accepted");
}

absl::StatusOr<std::string> WriteJpeg(const GrayImage& image, int quality) {
  if (image.empty()) return absl::InvalidArgumentError("cannot write an empty image as JPEG");
  JpegError error;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  bool ok = EncodeJpeg(image, std::clamp(quality, 1, 100), &error, &buffer, &size);
  std::string out;
  if (ok) out.assign(reinterpret_cast<char*>(buffer), size);
  std::free(buffer);
  if (!ok) return absl::InternalError(absl::StrCat("JPEG encoding failed: ", error.message));
  return out;
}

}  // namespace qrcloud::qr
