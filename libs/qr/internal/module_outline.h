// The dark modules of a code as closed outlines rather than one square (or
// run) each: PDF and cairo output stay small, and viewers draw no hairline
// seams between neighbouring modules. Not part of the public API.
#ifndef QRCLOUD_LIBS_QR_INTERNAL_MODULE_OUTLINE_H_
#define QRCLOUD_LIBS_QR_INTERNAL_MODULE_OUTLINE_H_

#include <optional>
#include <vector>

#include "libs/qr/code_style.h"
#include "libs/qr/matrix.h"

namespace qrcloud::qr::internal {

struct GridPoint {
  int x = 0;
  int y = 0;
  bool operator==(const GridPoint&) const = default;
};

// Closed polygons, in module units (corner (x, y) is the top-left of module
// (x, y)), whose union under the non-zero winding rule is exactly the dark
// modules not under `logo`. Dark regions run clockwise (y down), the light
// holes inside them anticlockwise; each polygon lists only its corners.
std::vector<std::vector<GridPoint>> TraceOutlines(const Matrix& matrix,
                                                  const std::optional<LogoArea>& logo);

}  // namespace qrcloud::qr::internal

#endif  // QRCLOUD_LIBS_QR_INTERNAL_MODULE_OUTLINE_H_
