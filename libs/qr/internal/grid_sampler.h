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

// Every module's mean over the middle half of its area, size² values,
// row-major.
std::vector<double> SampleModules(const GrayImage& image, const Grid& grid);

// The modules as a clean picture of the code: dark where a module is darker
// than the mean of the modules within `radius` of it (0: of all of them),
// `scale` pixels a module, a quiet zone of 4 modules.
GrayImage RenderModules(const std::vector<double>& modules, int size, int radius, int scale);

}  // namespace qrcloud::qr::internal

#endif  // QRCLOUD_LIBS_QR_INTERNAL_GRID_SAMPLER_H_
