// GrayImage: an 8-bit grayscale raster, the one image type the decoder, its
// pre-processing and the degraded photo set work on.
#ifndef QRCLOUD_LIBS_QR_IMAGE_H_
#define QRCLOUD_LIBS_QR_IMAGE_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qrcloud::qr {

struct GrayImage {
  GrayImage() = default;
  // A width×height image filled with `value`. Requires width, height >= 0.
  GrayImage(int w, int h, uint8_t value = 0)
      : width(w), height(h), pixels(static_cast<size_t>(w) * h, value) {
    assert(w >= 0 && h >= 0);
  }

  bool empty() const { return width == 0 || height == 0; }
  // Requires 0 <= x < width, 0 <= y < height.
  uint8_t at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
  uint8_t& at(int x, int y) { return pixels[static_cast<size_t>(y) * width + x]; }
  uint8_t* row(int y) { return pixels.data() + static_cast<size_t>(y) * width; }
  const uint8_t* row(int y) const { return pixels.data() + static_cast<size_t>(y) * width; }

  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // row-major, stride == width
};

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_IMAGE_H_
