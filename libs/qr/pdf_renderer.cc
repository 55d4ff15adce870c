#include "libs/qr/pdf_renderer.h"

#include <cairo-pdf.h>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/qr/internal/cairo_util.h"

namespace qrcloud::qr {

absl::StatusOr<std::string> RenderPdf(const Matrix& matrix, const PdfOptions& options) {
  QRCLOUD_ASSIGN_OR_RETURN(ResolvedStyle style, ResolveStyle(matrix, options.style));
  if (!(options.size_pt >= kMinPdfPoints && options.size_pt <= kMaxPdfPoints)) {
    return core::InvalidField(
        "size", absl::StrCat("is ", options.size_pt, " pt; use ", kMinPdfPoints, " to ",
                             kMaxPdfPoints, " pt (72 pt = 1 inch)"));
  }
  std::string out;
  internal::SurfacePtr surface(cairo_pdf_surface_create_for_stream(
      internal::AppendToString, &out, options.size_pt, options.size_pt));
  {
    internal::ContextPtr cr(cairo_create(surface.get()));
    QRCLOUD_RETURN_IF_ERROR(internal::DrawCode(cr.get(), matrix, style,
                                               internal::CodeBox{0, 0, options.size_pt, false}));
  }
  QRCLOUD_RETURN_IF_ERROR(internal::FinishSurface(surface.get()));
  return out;
}

}  // namespace qrcloud::qr
