// Compact SVG output for a code: one <path> holding every dark module, in a
// viewBox measured in modules, crisp at any size.
#ifndef QRCLOUD_LIBS_QR_SVG_RENDERER_H_
#define QRCLOUD_LIBS_QR_SVG_RENDERER_H_

#include <string>

#include "absl/status/statusor.h"
#include "libs/qr/code_style.h"
#include "libs/qr/matrix.h"

namespace qrcloud::qr {

inline constexpr int kMaxSvgPixels = 100000;

struct SvgOptions {
  CodeStyle style;
  // Width and height attributes in px; 0 leaves them out so the SVG fills
  // its container. 1..100000 otherwise.
  int size_px = 0;
};

// The SVG document. Dark modules are merged into horizontal runs, each one
// "M x y h n v1 h-n z" inside a single path; the viewBox spans the symbol
// plus the quiet zone, one unit per module. A logo is embedded as a PNG data
// URI. Errors: those of ResolveStyle(), and "size" out of range.
absl::StatusOr<std::string> RenderSvg(const Matrix& matrix, const SvgOptions& options = {});

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_SVG_RENDERER_H_
