// ZBar's QR reader through its C API, kept to this file: zbar.h pulls in
// ZBar's C++ wrappers when compiled as C++, and their names collide with
// macros ZXing-C++'s headers define (FormatError, …). Not part of the
// public API; the decoder uses it as its fallback (decoder.cc).
#ifndef QRCLOUD_LIBS_QR_INTERNAL_ZBAR_SCAN_H_
#define QRCLOUD_LIBS_QR_INTERNAL_ZBAR_SCAN_H_

#include <array>
#include <string>
#include <vector>

#include "libs/qr/image.h"
#include "libs/qr/image_ops.h"

namespace qrcloud::qr::internal {

struct ZbarSymbol {
  // The code's data bytes, unconverted (ZBAR_CFG_BINARY).
  std::string bytes;
  // The code's corners in the image (pixel centres), in ZBar's order:
  // top-left, bottom-left, bottom-right, top-right of the symbol.
  std::array<PointF, 4> corners;
};

// The QR codes ZBar reads in `image`, with ZBar configured for QR Code
// only. ZBar corrects errors with Reed–Solomon but reports no status, and
// its results can be wrong: callers must confirm them. Structured-append
// groups, which ZBar joins into one result, are left out.
std::vector<ZbarSymbol> ScanQrWithZbar(const GrayImage& image);

}  // namespace qrcloud::qr::internal

#endif  // QRCLOUD_LIBS_QR_INTERNAL_ZBAR_SCAN_H_
