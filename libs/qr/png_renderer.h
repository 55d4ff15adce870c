// PNG output for a code: an exact pixel size with whole-pixel modules.
//
// The image is exactly `size` × `size` pixels. Each module is
// floor(size / (modules + 2 × quiet zone)) pixels; the pixels left over are
// split evenly as extra light margin, so module edges stay sharp and every
// module has the same width — what a scanner and a printer both want.
#ifndef QRCLOUD_LIBS_QR_PNG_RENDERER_H_
#define QRCLOUD_LIBS_QR_PNG_RENDERER_H_

#include <string>

#include "absl/status/statusor.h"
#include "libs/qr/code_style.h"
#include "libs/qr/matrix.h"

namespace qrcloud::qr {

inline constexpr int kMinPngSize = 64;
inline constexpr int kMaxPngSize = 4096;

enum class PngColor {
  kAuto,    // 1-bit without a logo, 8-bit RGB with one
  kOneBit,  // a two-entry palette (foreground, background): smallest files
  kRgb,     // 8-bit RGB
};

struct PngOptions {
  CodeStyle style;
  int size = 300;  // pixels per side, 64..4096
  PngColor color = PngColor::kAuto;
};

// The PNG bytes. INVALID_ARGUMENT naming "size" when outside 64..4096 or too
// small for one pixel per module, "color" for a 1-bit image with a logo, and
// the errors of ResolveStyle().
absl::StatusOr<std::string> RenderPng(const Matrix& matrix, const PngOptions& options = {});

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_PNG_RENDERER_H_
