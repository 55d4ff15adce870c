// Sampling a code's module grid ourselves, for codes ZXing's detector and
// sampler miss. Not part of the public API; the decoder uses it when its
// other passes read nothing and on unread finder patterns (decoder.cc,
// docs/qr.md).
//
// Why: ZXing-C++ 1.4 samples one pixel a module through a transform fitted
// to three finder patterns and an alignment pattern it must find first. On
// faint print (a few grey levels under sensor noise), a hard shadow edge
// or a shaken steep view, that one pixel is noise, or the alignment
// pattern is not found and the grid drifts. Here the grid is fitted to
// every function pattern at once (finder patterns, separators, timing and
// alignment patterns: the modules whose colour is known), each module is
// the mean of its middle's area, and modules are told dark from light by
// their neighbours' mean (fading and shadows). The modules are handed back
// as a clean picture of the code, which ZXing decodes (Reed–Solomon and
// format checks as for any read).
#ifndef QRCLOUD_LIBS_QR_INTERNAL_GRID_SAMPLER_H_
#define QRCLOUD_LIBS_QR_INTERNAL_GRID_SAMPLER_H_

#include <array>
#include <optional>
#include <vector>

#include "libs/qr/image.h"
#include "libs/qr/image_ops.h"
#include "libs/qr/internal/cylinder.h"

namespace qrcloud::qr::internal {

// A code's grid in a photo: `size` modules a side and where module
// coordinates (x across, y down, module (i, j) covering [i, i+1)×[j, j+1))
// fall in the photo. `fit` is how well its function patterns match the
// photo (mean light minus mean dark, grey levels).
struct Grid {
  int size = 0;
  Homography to_image;
  double fit = 0;
};

// Grids three finder patterns suggest, best fit first, at most
// `max_grids` (one a size; sizes from the patterns' spacing and module).
std::vector<Grid> FitGrids(const GrayImage& image, const FinderTriple& triple, int max_grids);

// How a triple's timing patterns bear it out: for the size whose timing
// patterns alternate best between the finder patterns (each line allowed
// a perspective of its own), their contrast as a share of the finder
// patterns' own (dark ring against light ring). A size scores 0 where a
// timing pattern does not stand clear of the spread of its own modules
// (1.5 times), or comes out much stronger than the rings (1.6 times: noise
// measured them faint). About 1 on a code, near 0 on three finder
// patterns with no code between them — well under a millisecond, where
// reading a region costs tens of milliseconds.
struct TimingCheck {
  double score = 0;
  int size = 0;  // modules a side, 0 when no size fits
};
TimingCheck CheckTiming(const GrayImage& image, const FinderTriple& triple);

// The same test for two finder patterns taken for the ends of one side of
// a code (its third pattern not found): the timing pattern between them,
// on the `side` (+1: left of a→b with y down, −1: right) where the code
// would lie, against the two patterns' rings.
TimingCheck CheckSideTiming(const GrayImage& image, const FinderPattern& a, const FinderPattern& b,
                            int side);

// A straight line: a point on it, its unit direction, and the unit normal
// pointing out of the shape it bounds.
struct Line {
  PointF point;
  PointF direction;
  PointF normal;
};

// A finder pattern's four outer sides (the outer edge of its dark ring) and
// its module measured across them (the search's, down a column, can be up
// to twice the real one). The code's axes there are the two strongest
// gradient orientations within 5 modules (its modules' edges all run along
// them); each side lies where the profile out from the centre along the
// other axis, averaged along the side, leaves the dark ring. No sides where
// that profile is flat or never leaves the ring. Perspective keeps lines
// straight: a pattern's outer sides lie along its code's edges.
struct PatternShape {
  std::vector<Line> sides;
  double module = 0;
};
PatternShape PatternSides(const GrayImage& image, const FinderPattern& p);

// The same found another way, for what the first misses: where the outer
// dark ring ends along rays round the centre, the nearest directions the
// sides' normals, each side a line fitted to its rays' edge points.
PatternShape PatternSidesAlongRays(const GrayImage& image, const FinderPattern& p);

// For two finder patterns taken for the ends of a code's diagonal (the
// top-right and bottom-left ones), where the third's centre lies: the
// code's corner is where an outer side of one (one facing away from the
// other) meets an outer side of the other, at a rough right angle
// (50–130°), as far from each within a factor of 2; the centre is 3.5
// modules in from it along both edges. Up to two places, one either side
// of the diagonal.
std::vector<PointF> DiagonalCorners(const GrayImage& image, const FinderPattern& a,
                                    const FinderPattern& b);
// The same from each pattern's shapes as PatternShapes gives them (a
// search pairs each pattern with several others).
std::vector<PatternShape> PatternShapes(const GrayImage& image, const FinderPattern& p);
std::vector<PointF> DiagonalCorners(const GrayImage& image, const FinderPattern& a,
                                    const std::vector<PatternShape>& shapes_a,
                                    const FinderPattern& b,
                                    const std::vector<PatternShape>& shapes_b);

// Every module's mean over the middle half of its area, size² values,
// row-major.
std::vector<double> SampleModules(const GrayImage& image, const Grid& grid);

// The modules as a clean picture of the code: dark where a module is darker
// than the mean of the modules within `radius` of it (0: of all of them),
// `scale` pixels a module, a quiet zone of 4 modules.
GrayImage RenderModules(const std::vector<double>& modules, int size, int radius, int scale);

}  // namespace qrcloud::qr::internal

#endif  // QRCLOUD_LIBS_QR_INTERNAL_GRID_SAMPLER_H_
