// Removing straight motion blur (a shaking hand) from a photo, for the
// decoder's last passes. Not part of the public API (decoder.cc,
// docs/qr.md).
//
// A streak of a module or two smears a code's modules into their
// neighbours along one direction; no binariser recovers them, but the blur
// is a known kind of filter and can be inverted once its direction and
// length are known. Both are estimated from the photo: gradients along the
// streak are the weakest, and along it each edge's derivative becomes a box
// as long as the streak, which shows as a dip in the derivative's
// autocorrelation at that lag.
#ifndef QRCLOUD_LIBS_QR_INTERNAL_DEBLUR_H_
#define QRCLOUD_LIBS_QR_INTERNAL_DEBLUR_H_

#include <optional>

#include "libs/qr/image.h"

namespace qrcloud::qr::internal {

struct MotionBlur {
  double angle = 0;   // radians, [0, π)
  double length = 0;  // pixels
};

// The streak `image` seems to be blurred by, or nullopt when it shows none
// worth removing (under 2 pixels) or cannot tell. Time grows with the area:
// callers pass photos of about 1 MP or less.
std::optional<MotionBlur> EstimateMotionBlur(const GrayImage& image);

// `image` with the streak `blur` removed (Wiener deconvolution along the
// streak, row by row).
GrayImage RemoveMotionBlur(const GrayImage& image, const MotionBlur& blur);

}  // namespace qrcloud::qr::internal

#endif  // QRCLOUD_LIBS_QR_INTERNAL_DEBLUR_H_
