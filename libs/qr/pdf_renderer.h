// Vector PDF output for a code: one page holding the code, for print.
#ifndef QRCLOUD_LIBS_QR_PDF_RENDERER_H_
#define QRCLOUD_LIBS_QR_PDF_RENDERER_H_

#include <string>

#include "absl/status/statusor.h"
#include "libs/qr/code_style.h"
#include "libs/qr/matrix.h"

namespace qrcloud::qr {

// 0.5 inch to about 1.4 m: from a receipt corner to a poster.
inline constexpr double kMinPdfPoints = 36;
inline constexpr double kMaxPdfPoints = 4000;

struct PdfOptions {
  CodeStyle style;
  double size_pt = 144;  // page side in points (1/72 inch); the code fills the page
};

// A one-page PDF; modules are filled rectangles (merged per run), so the
// code prints sharp at any size. INVALID_ARGUMENT naming "size" when outside
// 36..4000 pt, and the errors of ResolveStyle().
absl::StatusOr<std::string> RenderPdf(const Matrix& matrix, const PdfOptions& options = {});

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_PDF_RENDERER_H_
