// Cairo plumbing shared by the PNG, PDF and sticker renderers: owning
// pointers, PNG streams in and out of memory, and drawing a code on a cairo
// context. Not part of the public API.
#ifndef QRCLOUD_LIBS_QR_INTERNAL_CAIRO_UTIL_H_
#define QRCLOUD_LIBS_QR_INTERNAL_CAIRO_UTIL_H_

#include <cairo.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/qr/code_style.h"
#include "libs/qr/matrix.h"

namespace qrcloud::qr::internal {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

// An image surface from PNG bytes, or INVALID_ARGUMENT naming `field`.
absl::StatusOr<SurfacePtr> ReadPng(absl::string_view field, absl::string_view png);

// A cairo write function appending to the std::string passed as `closure`.
cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length);

// Encodes an image surface as PNG.
absl::StatusOr<std::string> WritePng(cairo_surface_t* surface);

// Finishes a vector (PDF/SVG) surface whose stream appends to `out`, and
// reports cairo's error if drawing failed.
absl::Status FinishSurface(cairo_surface_t* surface);

void SetSourceRgb(cairo_t* cr, Rgb color);

// Where a code goes: its top-left corner and side (quiet zone included), in
// the context's user units. With `snap` the module size is rounded down to
// whole device pixels and the corner to a pixel, so raster output is crisp;
// the code is then centred in the requested square.
struct CodeBox {
  double x = 0;
  double y = 0;
  double side = 0;
  bool snap = false;
};

// Draws the logo of `style` in its pad, for a code whose top-left corner
// (quiet zone included) is at (x, y) with modules of `module` units.
absl::Status DrawLogo(cairo_t* cr, const ResolvedStyle& style, double x, double y, double module);

// Draws background, modules and logo of `matrix` per `style` into `box`.
// Requires `style` to come from ResolveStyle(matrix, …).
absl::Status DrawCode(cairo_t* cr, const Matrix& matrix, const ResolvedStyle& style,
                      const CodeBox& box);

}  // namespace qrcloud::qr::internal

#endif  // QRCLOUD_LIBS_QR_INTERNAL_CAIRO_UTIL_H_
