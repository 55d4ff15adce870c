// Test support: small images the QR tests need — a logo, and reading PNG
// dimensions and colour type from the header.
#ifndef QRCLOUD_LIBS_QR_TESTING_TEST_IMAGES_H_
#define QRCLOUD_LIBS_QR_TESTING_TEST_IMAGES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace qrcloud::qr::testing {

// A width×height PNG logo: an orange disc with a dark ring, on transparency.
std::string LogoPng(int width, int height);

struct PngHeader {
  int width = 0;
  int height = 0;
  int bit_depth = 0;
  int color_type = 0;  // 0 gray, 2 RGB, 3 palette, 6 RGBA
};

// The IHDR fields; all zero if `png` is not a PNG.
PngHeader ReadPngHeader(absl::string_view png);

}  // namespace qrcloud::qr::testing

#endif  // QRCLOUD_LIBS_QR_TESTING_TEST_IMAGES_H_
