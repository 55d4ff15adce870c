// Codes on curved surfaces (bottles, cups): finding QR finder patterns
// without decoding, and unrolling the cylinder they suggest into flat views
// a decoder can read. Not part of the public API; the decoder uses it when
// its other passes read nothing (decoder.cc, docs/qr.md).
//
// Why: ZXing-C++ and ZBar sample a code through one projective transform
// (ZBar: a few), which fits a flat code seen in perspective. Round a
// cylinder the modules narrow towards the code's sides and, seen from above
// or below, the rows bend; past about ±40° of the cylinder both decoders
// sample the wrong modules. The finder patterns are still found — they are
// small and stay 1:1:3:1:1 — and their shapes give the cylinder away: a
// pattern at angle θ from the line of sight is cos θ as wide as it is tall.
#ifndef QRCLOUD_LIBS_QR_INTERNAL_CYLINDER_H_
#define QRCLOUD_LIBS_QR_INTERNAL_CYLINDER_H_

#include <vector>

#include "libs/qr/image.h"
#include "libs/qr/image_ops.h"

namespace qrcloud::qr::internal {

struct FinderPattern {
  PointF center;
  double module = 0;  // vertical module size in pixels
  int hits = 0;       // scan lines that crossed it
};

// Candidate finder patterns in `binary` (dark < 128), most-crossed first.
// At most `max_patterns`.
std::vector<FinderPattern> FindFinderPatterns(const GrayImage& binary, int max_patterns);

// Three patterns placed as one code's: similar sizes, a rough right angle
// at `corner`, 4..200 modules apart.
struct FinderTriple {
  FinderPattern corner;
  FinderPattern b;
  FinderPattern c;
};
std::vector<FinderTriple> FinderTriples(const std::vector<FinderPattern>& patterns);

// One way to unroll a cylinder: image point = (axis + R sin θ)·e_h +
// (t − R (1 − cos θ) bend)·e_v for arc length s = Rθ and height t, where
// `bend` is the sine of the camera's elevation above the code (which bends
// its rows), over s0..s1 × t0..t1, `step` photo pixels an output pixel.
struct Unroll {
  PointF e_h;  // across the cylinder, unit
  PointF e_v;  // along its axis, unit
  double axis = 0;
  double radius = 0;
  double bend = 0;
  double s0 = 0, s1 = 0, t0 = 0, t1 = 0;
  double step = 1;
};

// The unrollings that triples of finder patterns in `binary` suggest, most
// likely first (the code facing the camera, the measured radius, a level
// camera), at most `max_plans`.
std::vector<Unroll> PlanUnrolls(const GrayImage& binary, int max_plans);

// The flat view (at most ~1 MP) one plan gives of `image`.
GrayImage RenderUnroll(const GrayImage& image, const Unroll& plan);

}  // namespace qrcloud::qr::internal

#endif  // QRCLOUD_LIBS_QR_INTERNAL_CYLINDER_H_
