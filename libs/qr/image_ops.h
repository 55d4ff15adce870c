// Image operations on 8-bit grayscale rasters: geometry (crop, resize,
// projective and arbitrary warps), filters (blur, sharpen) and tone
// (contrast, gamma, inversion, illumination). The decoder uses them to
// prepare photos; the photo set uses them to degrade rendered codes.
// Plain C++, no image library.
#ifndef QRCLOUD_LIBS_QR_IMAGE_OPS_H_
#define QRCLOUD_LIBS_QR_IMAGE_OPS_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "libs/qr/image.h"

namespace qrcloud::qr {

struct PointF {
  double x = 0;
  double y = 0;
};

// A projective transform of the plane (3×3, row-major, m[8] normalised to 1).
class Homography {
 public:
  // The transform taking each from[i] to to[i]; nullopt when three of the
  // points are collinear.
  static std::optional<Homography> FromPoints(const std::array<PointF, 4>& from,
                                              const std::array<PointF, 4>& to);
  PointF Apply(PointF p) const;
  // Requires an invertible transform (true of any FromPoints result).
  Homography Inverse() const;

 private:
  std::array<double, 9> m_{1, 0, 0, 0, 1, 0, 0, 0, 1};
};

// The pixel at a fractional position, bilinearly interpolated; `fill`
// outside the image.
uint8_t SampleBilinear(const GrayImage& image, double x, double y, uint8_t fill);
// The same unrounded, with positions outside the image clamped to its edge
// (the edges repeat): for sums and differences of samples. Inline: the
// passes that sample module by module call it millions of times a photo.
inline double SampleClamped(const GrayImage& image, double x, double y) {
  x = std::clamp(x, 0.0, image.width - 1.0);
  y = std::clamp(y, 0.0, image.height - 1.0);
  const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
  const int x1 = std::min(x0 + 1, image.width - 1), y1 = std::min(y0 + 1, image.height - 1);
  const double fx = x - x0, fy = y - y0;
  const double top = image.at(x0, y0) * (1 - fx) + image.at(x1, y0) * fx;
  const double bottom = image.at(x0, y1) * (1 - fx) + image.at(x1, y1) * fx;
  return top * (1 - fy) + bottom * fy;
}

// A width×height image whose pixel (x, y) is `source` sampled at
// source_of({x, y}) — or `fill` where that is nullopt.
GrayImage Remap(const GrayImage& source, int width, int height,
                const std::function<std::optional<PointF>(PointF)>& source_of, uint8_t fill);

// `source` seen through `transform` (source coordinates → output
// coordinates), on a width×height canvas.
GrayImage WarpPerspective(const GrayImage& source, const Homography& transform, int width,
                          int height, uint8_t fill);

// Scaled to width×height (> 0): box-filtered when shrinking, bilinear when
// growing.
GrayImage Resize(const GrayImage& source, int width, int height);

// Shrunk `factor` (≥ 1) times each way, each pixel the mean of its
// factor×factor block (a partial block at the right and bottom edges is
// dropped): Resize's result for whole factors at a fraction of its cost,
// for searches that need the photo small and soon.
GrayImage ShrinkByBlocks(const GrayImage& source, int factor);

// The rectangle clipped to the image (possibly empty).
GrayImage Crop(const GrayImage& source, int x, int y, int width, int height);

// Copies `source` onto `target` with its top-left corner at (x, y), clipped.
void Paste(const GrayImage& source, int x, int y, GrayImage* target);

// Mean over a (2r+1)² window, edges clamped. radius 0 returns a copy.
GrayImage BoxBlur(const GrayImage& source, int radius);

// Gaussian blur of standard deviation `sigma` (three box passes).
GrayImage GaussianBlur(const GrayImage& source, double sigma);

// Unsharp mask: source + amount × (source − blur(source, sigma)).
GrayImage Sharpen(const GrayImage& source, double sigma, double amount);

// Maps the `low` and `high` quantiles (e.g. 0.01, 0.99) to 0 and 255.
void StretchContrast(double low, double high, GrayImage* image);

// v → 255 × (v / 255)^gamma: gamma < 1 lifts shadows, > 1 darkens.
void ApplyGamma(double gamma, GrayImage* image);

void Invert(GrayImage* image);

// Local contrast normalisation: each pixel becomes 128 + gain × (v − local
// mean) / local standard deviation, over a (2r+1)² window. Recovers codes
// washed out by glare or printed in faint ink, where a global stretch
// cannot. Flat areas (deviation below 2 levels) are treated as if they had
// that much.
GrayImage NormalizeLocalContrast(const GrayImage& source, int radius, double gain);

// Divides out the local background (a box mean of `radius`), so uneven
// light and glare become a flat grey level with the contrast kept.
GrayImage FlattenIllumination(const GrayImage& source, int radius);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_IMAGE_OPS_H_
