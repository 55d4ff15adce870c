#define ZX_USE_UTF8 1  // Result::text() as UTF-8 std::string
#include "libs/qr/decoder.h"

#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <exception>
#include <memory>
#include <numbers>
#include <optional>

#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/qr/image_io.h"
#include "libs/qr/image_ops.h"
#include "libs/qr/internal/cylinder.h"
#include "libs/qr/internal/deblur.h"
#include "libs/qr/internal/grid_sampler.h"
#include "libs/qr/internal/zbar_scan.h"

namespace qrcloud::qr {
namespace {

// One rung of the ladder: an optional pre-processing of the photo and the
// hints ZXing reads it with.
struct Pass {
  const char* name;
  // nullptr reads the photo as it is; a nullopt result skips the pass (it
  // does not apply to this photo).
  std::optional<GrayImage> (*prepare)(const GrayImage&);
  ZXing::Binarizer binarizer;
};

// Micro QR stays off even with qr_only: Debian's libZXing 1.4 is built with
// assertions on, and its Micro QR sampler (SampleMQR → intersect) can fail
// one on ordinary photos, aborting the whole process.
ZXing::BarcodeFormats Formats(const DecodeOptions& options) {
  if (!options.qr_only) return ZXing::BarcodeFormats();
  return ZXing::BarcodeFormat::QRCode;
}

DecodedCode ToDecoded(const ZXing::Result& result) {
  const ZXing::ByteArray& bytes = result.bytes();
  std::string raw(bytes.begin(), bytes.end());
  bool take_raw = !result.hasECI() && core::IsValidUtf8(raw);
  return DecodedCode{take_raw ? raw : result.text(), ZXing::ToString(result.format())};
}

using Quad = std::array<PointF, 4>;

// What the passes have read so far: each payload once, in the order read,
// and where the ladder's reads were (in the photo's pixels), which tells
// the codes read from those still unread.
struct Found {
  std::vector<DecodedCode> codes;
  std::vector<Quad> where;

  // The valid results of a read of the photo scaled by 1 / `scale`.
  void Add(const ZXing::Results& results, double scale = 1) {
    for (const ZXing::Result& result : results) {
      if (!result.isValid()) continue;
      Quad quad;
      for (int i = 0; i < 4; ++i) {
        quad[i] = {result.position()[i].x * scale, result.position()[i].y * scale};
      }
      where.push_back(quad);
      Add(ToDecoded(result));
    }
  }
  void Add(const DecodedCode& code) {
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  bool Has(absl::string_view text) const {
    return std::any_of(codes.begin(), codes.end(),
                       [&](const DecodedCode& c) { return c.text == text; });
  }
};

// ZXing-C++ 1.4 can throw from deep inside its decoders on odd bit patterns
// (std::out_of_range from BitSource::readBits); such a pass reads nothing.
ZXing::Results Read(const GrayImage& image, const ZXing::DecodeHints& hints) {
  if (image.empty()) return {};
  ZXing::ImageView view(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum);
  try {
    return ZXing::ReadBarcodes(view, hints);
  } catch (const std::exception&) {
    return {};
  }
}

// Hints for a pass. Rotations are left to the plain pass: the QR detector
// finds codes at any angle, so rotating the picture again only costs time.
ZXing::DecodeHints Hints(const DecodeOptions& options, const Pass& pass, bool first) {
  ZXing::DecodeHints hints;
  hints.setFormats(Formats(options));
  hints.setTryHarder(true).setTryRotate(first).setTryDownscale(true);
  hints.setBinarizer(pass.binarizer);
  return hints;
}

int LongSide(const GrayImage& image) { return std::max(image.width, image.height); }

// A length in pixels as a share of the photo's long side, at least `floor`.
int Relative(const GrayImage& image, double share, int floor) {
  return std::max(floor, static_cast<int>(LongSide(image) * share));
}

GrayImage Scaled(const GrayImage& image, double factor) {
  return Resize(image, std::max(1, static_cast<int>(image.width * factor)),
                std::max(1, static_cast<int>(image.height * factor)));
}

// Local contrast normalised over a window of `share` of the long side: the
// remedy for glare, faint print and shadows. The result is centred on 128,
// so a fixed threshold binarises it well.
GrayImage Normalized(const GrayImage& image, double share) {
  return NormalizeLocalContrast(image, Relative(image, share, 3), 40);
}

// Halving first averages away noise and JPEG blocks and pulls a blurred
// edge into fewer pixels; the remaining passes are each a quarter as dear.
std::optional<GrayImage> Halved(const GrayImage& image) {
  if (LongSide(image) < 400) return std::nullopt;
  return Scaled(image, 0.5);
}

std::optional<GrayImage> Normalized60(const GrayImage& image) {
  return Normalized(image, 1.0 / 60);
}

std::optional<GrayImage> HalvedNormalized(const GrayImage& image, double share) {
  std::optional<GrayImage> half = Halved(image);
  if (!half) return std::nullopt;
  return Normalized(*half, share);
}
std::optional<GrayImage> HalvedNormalized60(const GrayImage& image) {
  return HalvedNormalized(image, 1.0 / 60);
}
std::optional<GrayImage> HalvedNormalized30(const GrayImage& image) {
  return HalvedNormalized(image, 1.0 / 30);
}

// Smoothing for sensor noise and JPEG blocks, then normalised finely.
std::optional<GrayImage> Smoothed(const GrayImage& image) {
  return Normalized(GaussianBlur(image, Relative(image, 1.0 / 480, 1)), 1.0 / 120);
}
std::optional<GrayImage> HalvedSmoothed(const GrayImage& image) {
  std::optional<GrayImage> half = Halved(image);
  if (!half) return std::nullopt;
  return Smoothed(*half);
}

// Faint print under sensor noise (faded thermal receipts): halving and a
// blur of about a third of a module average the noise away before the
// normalisation multiplies what is left.
std::optional<GrayImage> HalvedDenoised(const GrayImage& image) {
  std::optional<GrayImage> half = Halved(image);
  if (!half) return std::nullopt;
  return Normalized(GaussianBlur(*half, Relative(*half, 1.0 / 320, 1)), 1.0 / 30);
}

// Faint print filling the picture (a tight crop, a screenshot): a global
// stretch lifts it over ZXing's minimum contrast where local windows would
// sit inside flat areas.
std::optional<GrayImage> Stretched(const GrayImage& image) {
  GrayImage out = image;
  StretchContrast(0.01, 0.99, &out);
  return out;
}

// Light-on-dark print: ZXing only looks for dark modules.
std::optional<GrayImage> Inverted(const GrayImage& image) {
  GrayImage out = image;
  Invert(&out);
  return out;
}

// Out-of-focus photos: shrunk until the blur spans a pixel or two, then
// sharpened and normalised.
std::optional<GrayImage> ShrunkSharpened(const GrayImage& image, double factor) {
  if (LongSide(image) * factor < 200) return std::nullopt;
  return Normalized(Sharpen(Scaled(image, factor), 1, 2), 1.0 / 120);
}
std::optional<GrayImage> ThirdSharpened(const GrayImage& image) {
  return ShrunkSharpened(image, 1.0 / 3);
}
std::optional<GrayImage> HalvedSharpened(const GrayImage& image) {
  return ShrunkSharpened(image, 0.5);
}

// The order comes from the photo set (tools/bench/qr_photo_eval): after the
// plain read, each pass is the one that reads the most photos the earlier
// ones missed, per unit of time.
const std::vector<Pass>& Ladder() {
  using ZXing::Binarizer;
  static const std::vector<Pass> kLadder = {
      {"plain", nullptr, Binarizer::LocalAverage},
      {"inverted", Inverted, Binarizer::LocalAverage},
      {"stretched", Stretched, Binarizer::LocalAverage},
      {"halved-normalized", HalvedNormalized60, Binarizer::FixedThreshold},
      {"third-sharpened", ThirdSharpened, Binarizer::LocalAverage},
      {"global-histogram", nullptr, Binarizer::GlobalHistogram},
      {"halved-normalized-coarse", HalvedNormalized30, Binarizer::FixedThreshold},
      {"smoothed", Smoothed, Binarizer::FixedThreshold},
      {"normalized", Normalized60, Binarizer::FixedThreshold},
      {"halved-smoothed", HalvedSmoothed, Binarizer::LocalAverage},
      {"halved-sharpened", HalvedSharpened, Binarizer::LocalAverage},
      {"smoothed-local", Smoothed, Binarizer::LocalAverage},
      // Added for the hard set's faded print; last, so the standard set's
      // photos are read exactly as before.
      {"halved-denoised", HalvedDenoised, Binarizer::FixedThreshold},
  };
  return kLadder;
}

// Runs the ladder's passes from the `first`-th (up to the `end`-th), until
// one reads anything if `stop`. Returns the index after the last pass run.
size_t RunLadder(const GrayImage& image, const DecodeOptions& options, Found* found,
                 size_t end = SIZE_MAX, size_t first = 0, bool stop = true) {
  const std::vector<Pass>& ladder = Ladder();
  end = std::min(end, ladder.size());
  for (size_t i = first; i < end; ++i) {
    const Pass& pass = ladder[i];
    std::optional<GrayImage> prepared;
    if (pass.prepare != nullptr) {
      prepared = pass.prepare(image);
      if (!prepared.has_value()) continue;
    }
    const GrayImage& read = prepared ? *prepared : image;
    size_t before = found->codes.size();
    found->Add(Read(read, Hints(options, pass, i == 0)),
               static_cast<double>(image.width) / read.width);
    if (stop && found->codes.size() > before) return i + 1;
  }
  return end;
}

// Dark (0) where a pixel is more than `margin` levels darker than the mean
// of the (2·radius + 1)² window round it, light (255) elsewhere: what the
// search for finder patterns scans.
GrayImage Binarized(const GrayImage& image, int radius, int margin) {
  GrayImage mean = BoxBlur(image, radius);
  GrayImage out(image.width, image.height);
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    out.pixels[i] = image.pixels[i] + margin < mean.pixels[i] ? 0 : 255;
  }
  return out;
}

// For codes of any size: a window 1/12 of the photo's long side, wide
// enough that a finder pattern's dark centre is compared with its light
// ring, not with itself.
GrayImage CoarselyBinarized(const GrayImage& image) {
  return Binarized(image, Relative(image, 1.0 / 24, 4), 0);
}

// For codes of a few pixels a module, which a wide window would lose in
// the clutter round them. The margin keeps flat areas (where a small
// window's mean is the pixel itself) from breaking into noise.
GrayImage FinelyBinarized(const GrayImage& image) { return Binarized(image, 10, 3); }

struct Box {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // x1, y1 exclusive
};

// The part of a width×height photo where the code of three finder
// patterns lies: the triangle of their centres, grown by the finder
// patterns' halves, the quiet zone and some slack for the fourth corner.
Box Around(const internal::FinderTriple& t, int width, int height) {
  double x0 = std::min({t.corner.center.x, t.b.center.x, t.c.center.x});
  double x1 = std::max({t.corner.center.x, t.b.center.x, t.c.center.x});
  double y0 = std::min({t.corner.center.y, t.b.center.y, t.c.center.y});
  double y1 = std::max({t.corner.center.y, t.b.center.y, t.c.center.y});
  double grow = 0.4 * std::max(x1 - x0, y1 - y0) + 12 * t.corner.module;
  return {std::clamp(static_cast<int>(x0 - grow), 0, width),
          std::clamp(static_cast<int>(y0 - grow), 0, height),
          std::clamp(static_cast<int>(x1 + grow), 0, width),
          std::clamp(static_cast<int>(y1 + grow), 0, height)};
}

bool Inside(const Quad& quad, PointF p) {
  // Grown by a quarter about its centre: finder centres sit near corners.
  PointF c{0, 0};
  for (const PointF& q : quad) c = {c.x + q.x / 4, c.y + q.y / 4};
  int positive = 0, negative = 0;
  for (int i = 0; i < 4; ++i) {
    PointF a{c.x + (quad[i].x - c.x) * 1.25, c.y + (quad[i].y - c.y) * 1.25};
    PointF b{c.x + (quad[(i + 1) % 4].x - c.x) * 1.25, c.y + (quad[(i + 1) % 4].y - c.y) * 1.25};
    double cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    (cross >= 0 ? positive : negative)++;
  }
  return positive == 4 || negative == 4;
}

// Whether `p` lies in (or near) a code read already.
bool InACodeRead(const Found& found, PointF p) {
  return std::any_of(found.where.begin(), found.where.end(),
                     [&](const Quad& q) { return Inside(q, p); });
}

// ---- Curved codes ----------------------------------------------------------------

bool ReadGrid(const GrayImage& image, const internal::FinderTriple& triple,
              const DecodeOptions& options, Found* found);
bool TimingHolds(const GrayImage& image, const internal::FinderTriple& triple);

// An unrolled view ZXing could not read: its rows still bow a little, or a
// glossy highlight washes out a side's modules, where ZXing's sampling
// drifts or its finder search gives up; our grid sampling, from the view's
// own finder patterns where its timing patterns bear them out, reads many.
void ReadGridInView(const GrayImage& view, const DecodeOptions& options, Found* found) {
  constexpr int kMaxTriples = 2;
  int tried = 0;
  for (const internal::FinderTriple& t :
       internal::FinderTriples(internal::FindFinderPatterns(CoarselyBinarized(view), 6))) {
    if (tried >= kMaxTriples) return;
    if (!TimingHolds(view, t)) continue;
    ++tried;
    if (ReadGrid(view, t, options, found)) return;
  }
}

// Codes round bottles and cups (internal/cylinder.h): the photo's finder
// patterns suggest cylinders; each unrolled view is read with ZXing, plain
// and normalised, then by our grid sampling, until one reads.
void ReadUnrolled(const GrayImage& image, const GrayImage& binary, const DecodeOptions& options,
                  Found* found) {
  constexpr int kMaxViews = 40;
  const Pass& plain = Ladder()[0];
  Pass normalized{"unrolled-normalized", Normalized60, ZXing::Binarizer::FixedThreshold};
  for (const internal::Unroll& plan : internal::PlanUnrolls(binary, kMaxViews)) {
    GrayImage view = internal::RenderUnroll(image, plan);
    Found in_view;  // positions in the view, not the photo
    in_view.Add(Read(view, Hints(options, plain, false)));
    if (in_view.codes.empty()) {
      in_view.Add(Read(*normalized.prepare(view), Hints(options, normalized, false)));
    }
    if (in_view.codes.empty() && options.sample_grid) ReadGridInView(view, options, &in_view);
    for (const DecodedCode& code : in_view.codes) found->Add(code);
    if (!in_view.codes.empty()) return;
  }
}

// ---- Shaken photos --------------------------------------------------------------

// Motion blur (internal/deblur.h): the streak is estimated on the photo
// shrunk to at most 800 pixels a side (time and memory stay bounded, and a
// streak of a module or two stays several pixels long), removed, and the
// result read with the ladder; the length is tried as estimated and ±15%.
void ReadDeblurred(const GrayImage& image, const DecodeOptions& options, Found* found) {
  constexpr int kMaxSide = 800;
  GrayImage small = LongSide(image) > kMaxSide
                        ? Scaled(image, static_cast<double>(kMaxSide) / LongSide(image))
                        : image;
  std::optional<internal::MotionBlur> blur = internal::EstimateMotionBlur(small);
  if (!blur) return;
  for (double factor : {1.0, 0.85, 1.15}) {
    GrayImage sharp = internal::RemoveMotionBlur(small, {blur->angle, blur->length * factor});
    Found in_view;  // positions in the shrunk photo
    RunLadder(sharp, options, &in_view);
    for (const DecodedCode& code : in_view.codes) found->Add(code);
    if (!in_view.codes.empty()) return;
  }
}

// ---- Steep views ----------------------------------------------------------------

// The photo scaled by `scale` and stretched `factor` times along `angle`.
GrayImage StretchedAlong(const GrayImage& image, double angle, double factor, double scale) {
  double dx = std::cos(angle), dy = std::sin(angle);
  // p → scale·(p + (factor − 1)(p·d)d), and back.
  auto forward = [&](double x, double y) {
    double t = (x * dx + y * dy) * (factor - 1);
    return PointF{scale * (x + t * dx), scale * (y + t * dy)};
  };
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  for (PointF c : {PointF{0, 0}, PointF{1.0 * image.width, 0}, PointF{0, 1.0 * image.height},
                   PointF{1.0 * image.width, 1.0 * image.height}}) {
    PointF p = forward(c.x, c.y);
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  return Remap(
      image, static_cast<int>(x1 - x0), static_cast<int>(y1 - y0),
      [&](PointF q) -> std::optional<PointF> {
        double x = (q.x + x0) / scale, y = (q.y + y0) / scale;
        double t = (x * dx + y * dy) * (1 / factor - 1);
        return PointF{x + t * dx, y + t * dy};
      },
      255);
}

// Codes seen 60–70° from face on are squeezed to a third or half along one
// direction, and ZXing's finder search rejects patterns that much out of
// square. Stretching the photo 2.5 times along six directions (30° apart)
// brings one of them back close enough; the photo is shrunk first to 640
// pixels a side, which keeps the views small and is enough for codes seen
// that steeply (they must be large in the photo to be seen at all).
void ReadStretched(const GrayImage& image, const DecodeOptions& options, Found* found) {
  constexpr int kDirections = 6;
  constexpr double kFactor = 2.5;
  double scale = std::min(1.0, 640.0 / LongSide(image));
  const Pass& plain = Ladder()[0];
  const Pass& normalized = Ladder()[3];  // halved-normalized
  for (int k = 0; k < kDirections; ++k) {
    GrayImage view = StretchedAlong(image, k * std::numbers::pi / kDirections, kFactor, scale);
    Found in_view;  // positions in the view
    in_view.Add(Read(view, Hints(options, plain, false)));
    if (in_view.codes.empty()) {
      std::optional<GrayImage> prepared = normalized.prepare(view);
      if (prepared) in_view.Add(Read(*prepared, Hints(options, normalized, false)));
    }
    for (const DecodedCode& code : in_view.codes) found->Add(code);
    if (!in_view.codes.empty()) return;
  }
}

// ---- ZBar, the fallback ------------------------------------------------------------

// A code ZBar read, not yet confirmed: its text and its corners in the
// photo.
struct ZbarRead {
  std::string text;
  Quad corners;
};

// Images above this are halved for ZBar until they fit: its time and memory
// grow with the area, and uploads may be up to kMaxImagePixels.
constexpr long kMaxZbarPixels = 16'000'000;

// ZBar's reads of `image`, corners scaled by `scale` (back to the photo's
// pixels). Only UTF-8 text is kept: the rule ZXing's results follow, and
// what every payload we issue is.
std::vector<ZbarRead> ScanWithZbar(const GrayImage& image, double scale = 1) {
  if (image.empty()) return {};
  if (static_cast<long>(image.width) * image.height > kMaxZbarPixels) {
    return ScanWithZbar(Scaled(image, 0.5), scale * 2);
  }
  std::vector<ZbarRead> reads;
  for (internal::ZbarSymbol& symbol : internal::ScanQrWithZbar(image)) {
    if (symbol.bytes.empty() || !core::IsValidUtf8(symbol.bytes)) continue;
    ZbarRead read{std::move(symbol.bytes), {}};
    for (int i = 0; i < 4; ++i) {
      read.corners[i] = {(symbol.corners[i].x + 0.5) * scale, (symbol.corners[i].y + 0.5) * scale};
    }
    reads.push_back(std::move(read));
  }
  return reads;
}

double Distance(PointF a, PointF b) { return std::hypot(a.x - b.x, a.y - b.y); }

// The quadrilateral ZBar located, seen face on: mapped to an upright square
// with a margin of the photo round it, large enough for ZXing (at least
// ~8 pixels a module for a version-10 code) and no larger than needed.
GrayImage Rectified(const GrayImage& image, const Quad& corners) {
  double edge = 0;
  for (int i = 0; i < 4; ++i) edge = std::max(edge, Distance(corners[i], corners[(i + 1) % 4]));
  double side = std::clamp(edge, 480.0, 960.0);
  double margin = side * 0.2;
  Quad square = {PointF{margin, margin}, PointF{margin, margin + side},
                 PointF{margin + side, margin + side}, PointF{margin + side, margin}};
  std::optional<Homography> to_square = Homography::FromPoints(corners, square);
  if (!to_square.has_value()) return {};
  int out = static_cast<int>(side + 2 * margin);
  return WarpPerspective(image, *to_square, out, out, 255);
}

// What ZBar scans: the photo as it is, and halved and normalised (blur,
// faint print). ZBar's scan of a 1 MP photo takes about 30 ms.
struct ZbarPass {
  const char* name;
  std::optional<GrayImage> (*prepare)(const GrayImage&);
};
constexpr ZbarPass kZbarPasses[] = {
    {"zbar-plain", nullptr},
    {"zbar-halved-normalized", HalvedNormalized30},
};

// ZBar reports no error-correction status, and a wrong read would be
// returned as data, so a ZBar read is only accepted once confirmed: ZXing's
// ladder, run on the region ZBar located seen face on, must read the same
// text — which means ZXing's Reed–Solomon and format checks passed on it.
// ZBar finds codes ZXing's detector misses on the whole photo (small,
// steep, odd shapes); face on and enlarged, ZXing then reads most of them.
// Other valid ZXing results from that region are kept too: they passed the
// same checks as every ladder result. Unconfirmed ZBar reads are dropped.
// Stops after the first pass that adds a code.
void ZbarFallback(const GrayImage& image, const DecodeOptions& options, Found* found) {
  std::vector<std::string> tried;  // texts already checked
  for (const ZbarPass& pass : kZbarPasses) {
    std::optional<GrayImage> prepared;
    if (pass.prepare != nullptr) {
      prepared = pass.prepare(image);
      if (!prepared.has_value()) continue;
    }
    const GrayImage& scanned = prepared ? *prepared : image;
    size_t before = found->codes.size();
    for (const ZbarRead& read :
         ScanWithZbar(scanned, static_cast<double>(image.width) / scanned.width)) {
      if (found->Has(read.text)) continue;
      if (std::find(tried.begin(), tried.end(), read.text) != tried.end()) continue;
      tried.push_back(read.text);
      GrayImage region = Rectified(image, read.corners);
      if (region.empty()) continue;
      Found confirm;
      RunLadder(region, options, &confirm);
      if (!confirm.Has(read.text)) continue;
      for (const DecodedCode& code : confirm.codes) found->Add(code);
      found->where.push_back(read.corners);
    }
    if (found->codes.size() > before) return;
  }
}

// ---- Our own sampling -------------------------------------------------------------

// Reads the code three finder patterns suggest by sampling its grid
// ourselves (internal/grid_sampler.h): the grids that fit best, each module
// the mean of its middle, told dark from light by its neighbours; ZXing
// decodes the clean picture that gives (its Reed–Solomon and format checks
// as for any read). True when it read a code.
bool ReadGrid(const GrayImage& image, const internal::FinderTriple& triple,
              const DecodeOptions& options, Found* found) {
  ZXing::DecodeHints hints;
  hints.setFormats(Formats(options));
  hints.setIsPure(true).setTryHarder(false).setTryRotate(false).setTryDownscale(false);
  hints.setBinarizer(ZXing::Binarizer::FixedThreshold);
  // The 6 sizes that fit best before the fourth corner is placed: in
  // perspective the true one can rank below the first four, and best once
  // its corner is placed.
  std::vector<internal::Grid> grids = internal::FitGrids(image, triple, 6);
  for (const internal::Grid& grid : grids) {
    std::vector<double> modules = internal::SampleModules(image, grid);
    for (int radius : {2, 3, 4, 6, 0}) {
      GrayImage pure = internal::RenderModules(modules, grid.size, radius, 3);
      bool read = false;
      for (const ZXing::Result& result : Read(pure, hints)) {
        if (!result.isValid()) continue;
        found->Add(ToDecoded(result));
        read = true;
      }
      if (read) {
        double n = grid.size;
        found->where.push_back({grid.to_image.Apply({0, 0}), grid.to_image.Apply({n, 0}),
                                grid.to_image.Apply({n, n}), grid.to_image.Apply({0, n})});
        return true;
      }
    }
  }
  return false;
}

// The timing score (internal::CheckTiming) from which three finder
// patterns found where no code was expected are taken for a code's: real
// ones scored 0.75–1 on the hard set's photos, finder patterns with no
// code between them under 0.3 (grid_sampler_test).
constexpr double kMinTiming = 0.5;
bool TimingHolds(const GrayImage& image, const internal::FinderTriple& triple) {
  return internal::CheckTiming(image, triple).score >= kMinTiming;
}
// Lower for a triple completed from two patterns, whose third is only
// placed to a module or so (its grid is then fitted).
constexpr double kMinCompletedTiming = 0.3;
// How many completed triples the grid pass reads at most (each ~50 ms).
constexpr int kCompletedTriples = 6;

// The finder pattern of about `module` pixels a module nearest `near`
// (within `reach` pixels) on the photo itself, searched in a window of a
// few patterns round it binarised against the mean of about a pattern's
// width (so a shadow edge or a faint print nearby does not hide it).
std::optional<internal::FinderPattern> FindPatternNear(const GrayImage& image, PointF near,
                                                       double module, double reach) {
  int half = static_cast<int>(std::ceil(reach + module * 6));
  int x0 = std::max(0, static_cast<int>(near.x) - half);
  int y0 = std::max(0, static_cast<int>(near.y) - half);
  int x1 = std::min(image.width, static_cast<int>(near.x) + half + 1);
  int y1 = std::min(image.height, static_cast<int>(near.y) + half + 1);
  if (x1 - x0 < 8 || y1 - y0 < 8) return std::nullopt;
  GrayImage window = Crop(image, x0, y0, x1 - x0, y1 - y0);
  GrayImage binary = Binarized(window, std::max(2, static_cast<int>(module * 4)), 0);
  std::optional<internal::FinderPattern> best;
  double nearest = reach;
  for (const internal::FinderPattern& q : internal::FindFinderPatterns(binary, 8)) {
    PointF c{q.center.x + x0, q.center.y + y0};
    double d = Distance(c, near);
    if (d < nearest && q.module > module * 0.6 && q.module < module * 1.6) {
      nearest = d;
      best = internal::FinderPattern{c, q.module, q.hits};
    }
  }
  return best;
}

// A finder pattern found on a shrunk view, placed again on the photo
// itself: the search on the view puts a centre up to half a view pixel
// off (a module or so once scaled back), which the timing test's line
// three modules from the centres cannot afford.
internal::FinderPattern Refined(const GrayImage& image, const internal::FinderPattern& p) {
  std::optional<internal::FinderPattern> q =
      FindPatternNear(image, p.center, p.module, p.module * 1.5);
  if (!q) return p;
  return {q->center, q->module, p.hits};
}

// The three finder patterns two of them suggest when the search missed the
// third (on a shadow edge, by a lighter background, fainter): where the
// timing pattern between the two bears them out as the ends of one side
// (internal::CheckSideTiming), the third lies at a right angle from either
// end, on that side, as far as they are apart; searched for there on the
// photo itself, or taken where it should be (the region read round it
// does not need it exact).
std::vector<internal::FinderTriple> CompletedPairs(const GrayImage& image,
                                                   const internal::FinderPattern& a,
                                                   const internal::FinderPattern& b) {
  std::vector<internal::FinderTriple> triples;
  double module = (a.module + b.module) / 2;
  PointF ab{b.center.x - a.center.x, b.center.y - a.center.y};
  double reach = std::max(2 * module, 0.15 * std::hypot(ab.x, ab.y));
  for (int side : {1, -1}) {
    if (internal::CheckSideTiming(image, a, b, side).score < kMinTiming) continue;
    PointF across{-ab.y * side, ab.x * side};
    for (const internal::FinderPattern* end : {&a, &b}) {
      const internal::FinderPattern& other = end == &a ? b : a;
      PointF at{end->center.x + across.x, end->center.y + across.y};
      if (at.x < 0 || at.y < 0 || at.x >= image.width || at.y >= image.height) continue;
      internal::FinderPattern third{at, module, 0};
      if (auto found = FindPatternNear(image, at, module, reach)) third = *found;
      triples.push_back({*end, other, third});
    }
  }
  return triples;
}

// Two finder patterns that may be one code's: alike in size, 12 to 200
// modules apart.
bool Pairable(const internal::FinderPattern& a, const internal::FinderPattern& b) {
  double lo = std::min(a.module, b.module), hi = std::max(a.module, b.module);
  double apart = Distance(a.center, b.center) / ((lo + hi) / 2);
  return hi <= lo * 1.4 && apart >= 12 && apart <= 200;
}

// The finder patterns a photo's codes may have that ZXing could not use,
// as triples placed as one code's, none with its corner inside a code read
// already: found on the photo shrunk to at most ~2 MP (12 MP uploads stay
// cheap), smoothed (faint print under sensor noise), binarised coarsely and
// after local contrast normalisation (shadow edges), at most `per_search`
// triples from each, then triples completed from two patterns where the
// third was not found; in the photo's pixels.
std::vector<internal::FinderTriple> GridTriples(const GrayImage& image, const Found& found,
                                                int per_search) {
  constexpr double kMaxPixels = 2e6;
  double scale =
      std::min(1.0, std::sqrt(kMaxPixels / (static_cast<double>(image.width) * image.height)));
  GrayImage view = scale < 1 ? Scaled(image, scale) : image;
  double back = static_cast<double>(image.width) / view.width;
  GrayImage blurred = GaussianBlur(view, Relative(view, 1.0 / 480, 1));
  std::vector<internal::FinderTriple> triples;
  auto seen = [&](const internal::FinderTriple& t) {
    return std::any_of(triples.begin(), triples.end(), [&](const internal::FinderTriple& u) {
      return Distance(u.corner.center, t.corner.center) < t.corner.module &&
             Distance(u.b.center, t.b.center) + Distance(u.c.center, t.c.center) <
                 2 * t.corner.module;
    });
  };
  // Each search's patterns, most crossed first, in the photo's pixels.
  std::array<std::vector<internal::FinderPattern>, 2> searched;
  for (int search = 0; search < 2; ++search) {
    GrayImage binary =
        search == 0 ? CoarselyBinarized(blurred)
                    : Binarized(Normalized(blurred, 1.0 / 60), Relative(view, 1.0 / 24, 4), 0);
    searched[search] = internal::FindFinderPatterns(binary, 24);
    for (internal::FinderPattern& p : searched[search]) {
      p.center = {p.center.x * back, p.center.y * back};
      p.module *= back;
    }
    int taken = 0;
    for (const internal::FinderTriple& t : internal::FinderTriples(searched[search])) {
      if (taken >= per_search) break;
      if (InACodeRead(found, t.corner.center) || seen(t)) continue;
      triples.push_back(t);
      ++taken;
    }
  }
  // Codes with a finder pattern neither search found (on a shadow edge,
  // squeezed by the view): the two found, completed as a side's ends or a
  // diagonal's (internal::DiagonalCorners), among each search's 8 most
  // crossed patterns; at most kCompletedTriples of the completions.
  struct Scored {
    internal::FinderTriple triple;
    double timing;
    size_t rank;  // of the pair: the sum of its patterns' ranks in their search
  };
  std::vector<Scored> completed;
  for (const std::vector<internal::FinderPattern>& all : searched) {
    std::vector<internal::FinderPattern> patterns(all.begin(),
                                                  all.begin() + std::min<size_t>(8, all.size()));
    std::vector<std::vector<internal::PatternShape>> shapes;
    for (const internal::FinderPattern& p : patterns) {
      shapes.push_back(internal::PatternShapes(image, p));
    }
    for (size_t i = 0; i < patterns.size(); ++i) {
      for (size_t j = i + 1; j < patterns.size(); ++j) {
        const internal::FinderPattern &a = patterns[i], &b = patterns[j];
        if (!Pairable(a, b)) continue;
        std::vector<internal::FinderTriple> candidates = CompletedPairs(image, a, b);
        for (PointF x : internal::DiagonalCorners(image, a, shapes[i], b, shapes[j])) {
          double module = (a.module + b.module) / 2;
          internal::FinderPattern third{x, module, 0};
          double reach = std::max(2 * module, 0.1 * Distance(a.center, b.center));
          if (auto near = FindPatternNear(image, x, module, reach)) third = *near;
          candidates.push_back({third, a, b});
        }
        for (const internal::FinderTriple& t : candidates) {
          if (seen(t) || InACodeRead(found, t.corner.center)) continue;
          completed.push_back({t, internal::CheckTiming(image, t).score, i + j});
        }
      }
    }
  }
  // Those the timing patterns bear out first, then those of the most
  // crossed pairs (a third placed a module or two off, on a shadow edge,
  // fails the timing test; the grid's fit moves it).
  std::stable_sort(completed.begin(), completed.end(), [](const Scored& a, const Scored& b) {
    bool timed_a = a.timing >= kMinCompletedTiming, timed_b = b.timing >= kMinCompletedTiming;
    if (timed_a != timed_b) return timed_a;
    return timed_a ? a.timing > b.timing : a.rank < b.rank;
  });
  int taken = 0;
  for (const Scored& c : completed) {
    if (taken >= kCompletedTriples) break;
    if (seen(c.triple)) continue;
    triples.push_back(c.triple);
    ++taken;
  }
  return triples;
}

// A code read by sampling its grid ourselves, from the triples above, in
// turn until one reads.
void ReadGrids(const GrayImage& image, const DecodeOptions& options, int per_search, Found* found) {
  for (const internal::FinderTriple& t : GridTriples(image, *found, per_search)) {
    if (ReadGrid(image, t, options, found)) return;
  }
}

// ---- Codes found by their finder patterns -------------------------------------

// The ladder's passes a region found after a first read gets (up to
// halved-normalized).
constexpr size_t kRegionPasses = 4;

// Where a code seems to be, and its module size in pixels.
struct Region {
  Box box;
  double module = 0;
  internal::FinderTriple triple;  // the patterns it was found by
};

// Regions round three finder patterns placed as one code's, none inside a
// code read already, from two searches: on the coarse binarisation, codes
// of 2 pixels a module or more, each pattern crossed by several of the
// scan lines through its centre block (3 modules tall) — clutter and print
// make chance 1:1:3:1:1 runs, but rarely on that many lines; with `fine`,
// also on a fine one, codes under 5 pixels a module, which the coarse
// window loses in the clutter round them (more chance patterns, so more
// regions to read for nothing — unless `min_timing` is set: then only the
// fine search's triples whose timing patterns score that much,
// internal::CheckTiming). At most `max_regions`, a pattern in one region
// only.
std::vector<Region> UnreadRegions(const GrayImage& image, const GrayImage& coarse,
                                  const Found& found, bool fine, int max_regions,
                                  double min_timing = 0) {
  auto unread = [&](const internal::FinderPattern& p) { return !InACodeRead(found, p.center); };
  std::vector<internal::FinderPattern> large, small;
  for (const internal::FinderPattern& p : internal::FindFinderPatterns(coarse, 24)) {
    if (p.module >= 2 && p.hits >= std::max(4.0, 1.2 * p.module) && unread(p)) large.push_back(p);
  }
  if (fine) {
    for (const internal::FinderPattern& p :
         internal::FindFinderPatterns(FinelyBinarized(image), 32)) {
      if (p.module < 5 && unread(p)) small.push_back(p);
    }
  }
  std::vector<Region> regions;
  std::vector<PointF> used;
  auto is_used = [&](const internal::FinderPattern& p) {
    return std::any_of(used.begin(), used.end(),
                       [&](PointF u) { return u.x == p.center.x && u.y == p.center.y; });
  };
  for (const std::vector<internal::FinderPattern>* patterns : {&large, &small}) {
    for (const internal::FinderTriple& t : internal::FinderTriples(*patterns)) {
      if (static_cast<int>(regions.size()) >= max_regions) return regions;
      if (is_used(t.corner) || is_used(t.b) || is_used(t.c)) continue;
      if (min_timing > 0 && patterns == &small &&
          internal::CheckTiming(image, t).score < min_timing) {
        continue;
      }
      for (const internal::FinderPattern* p : {&t.corner, &t.b, &t.c}) used.push_back(p->center);
      Box box = Around(t, image.width, image.height);
      // The same code found by both searches.
      PointF centre{(box.x0 + box.x1) / 2.0, (box.y0 + box.y1) / 2.0};
      bool seen = std::any_of(regions.begin(), regions.end(), [&](const Region& r) {
        return centre.x >= r.box.x0 && centre.x < r.box.x1 && centre.y >= r.box.y0 &&
               centre.y < r.box.y1;
      });
      if (!seen && box.x1 - box.x0 >= 8 && box.y1 - box.y0 >= 8) {
        regions.push_back({box, (t.corner.module + t.b.module + t.c.module) / 3, t});
      }
    }
  }
  return regions;
}

// Reads one region as a photo of one code: cut out, enlarged to about 6
// pixels a module when its modules are smaller (the ladder cannot enlarge a
// 12 MP photo, and ZXing's finder search misses codes under ~2 pixels a
// module), with the ladder's first `passes` passes and then, if `zbar`,
// ZBar (confirmed).
void ReadRegion(const GrayImage& image, const Region& region, const DecodeOptions& options,
                size_t passes, bool zbar, Found* found) {
  constexpr double kMaxPixels = 2e6;
  int w = region.box.x1 - region.box.x0, h = region.box.y1 - region.box.y0;
  double factor = std::clamp(6 / region.module, 1.0, 4.0);
  factor = std::min(factor, std::max(1.0, std::sqrt(kMaxPixels / (static_cast<double>(w) * h))));
  GrayImage part = Crop(image, region.box.x0, region.box.y0, w, h);
  if (factor > 1) {
    part = Resize(part, static_cast<int>(w * factor), static_cast<int>(h * factor));
  }
  Found in_part;  // positions in the part
  RunLadder(part, options, &in_part, passes);
  if (in_part.codes.empty() && zbar) {
    ZbarFallback(part, options, &in_part);
  }
  if (in_part.codes.empty() && options.sample_grid) {
    ReadGrid(image, region.triple, options, found);  // positions in the photo
    return;
  }
  for (const DecodedCode& code : in_part.codes) found->Add(code);
  if (!in_part.codes.empty()) {
    const Box& b = region.box;
    found->where.push_back({PointF{1.0 * b.x0, 1.0 * b.y0}, PointF{1.0 * b.x1, 1.0 * b.y0},
                            PointF{1.0 * b.x1, 1.0 * b.y1}, PointF{1.0 * b.x0, 1.0 * b.y1}});
  }
}

// The regions round `patterns` (finder patterns outside every code read)
// that may hold a further code, read where the timing patterns bear them
// out: each triple placed as one code's, then each pair completed as a
// side (CompletedPairs, its timing checked there); at most `max_regions`.
void ReadTimedRegions(const GrayImage& image, const DecodeOptions& options,
                      const std::vector<internal::FinderPattern>& patterns, int max_regions,
                      Found* found) {
  int regions = 0;
  auto read = [&](const internal::FinderTriple& t) {
    if (InACodeRead(*found, t.corner.center)) return;  // read since
    ++regions;
    Region region{Around(t, image.width, image.height),
                  (t.corner.module + t.b.module + t.c.module) / 3, t};
    ReadRegion(image, region, options, kRegionPasses, /*zbar=*/false, found);
  };
  for (const internal::FinderTriple& t : internal::FinderTriples(patterns)) {
    if (regions >= max_regions) return;
    if (TimingHolds(image, t)) read(t);
  }
  // Two patterns of a code whose third the search missed.
  for (size_t i = 0; i < patterns.size(); ++i) {
    for (size_t j = i + 1; j < patterns.size(); ++j) {
      const internal::FinderPattern &a = patterns[i], &b = patterns[j];
      if (!Pairable(a, b) || InACodeRead(*found, a.center) || InACodeRead(*found, b.center))
        continue;
      for (const internal::FinderTriple& t : CompletedPairs(image, a, b)) {
        if (regions >= max_regions) return;
        read(t);
      }
    }
  }
}

// The finder patterns a search on `binary`, a view of the photo shrunk by
// whole blocks of `factor` pixels, finds outside every code read: at most
// `max_patterns`, each at least `min_module` view pixels a module and
// crossed by most scan lines through its centre block (chance patterns in
// noise by few), placed again on the photo itself, in its pixels.
std::vector<internal::FinderPattern> UnreadPatterns(const GrayImage& image, const GrayImage& binary,
                                                    int factor, int max_patterns, double min_module,
                                                    const Found& found) {
  std::vector<internal::FinderPattern> patterns;
  for (internal::FinderPattern p : internal::FindFinderPatterns(binary, max_patterns)) {
    if (p.module < min_module || p.hits < std::max(4.0, 1.2 * p.module)) continue;
    // A view pixel is the mean of a block: its centre is the block's.
    p.center = {(p.center.x + 0.5) * factor - 0.5, (p.center.y + 0.5) * factor - 0.5};
    p.module *= factor;
    if (!InACodeRead(found, p.center)) patterns.push_back(factor > 1 ? Refined(image, p) : p);
  }
  return patterns;
}

// Codes elsewhere in the photo than those read (a sheet of stickers, a
// notice board): three finder patterns outside the codes read, found on the
// coarse binarisation of the photo shrunk by whole blocks to about
// `max_side` pixels a side (480 after a single read: codes of ~4 pixels a
// module or more in a phone photo; 800 among several codes, ~3 pixels),
// each placed again on the photo itself, whose timing patterns bear them
// out; then two such patterns whose third the search missed
// (CompletedPairs). Each region is read with the ladder's first passes and
// our own grid sampling. The timing test keeps this cheap on photos of one
// code: chance patterns in clutter and noise fail it (reading their regions
// cost 100–400 ms a photo), and the search itself costs a few milliseconds
// on the shrunk photo (on photos of noise, the 800-pixel view's chance
// patterns cost ~80 ms more, hence 480 after a single read).
void ReadFurtherCodes(const GrayImage& image, const DecodeOptions& options, int max_side,
                      Found* found) {
  constexpr int kMaxRegions = 6;
  int factor = std::max(1, LongSide(image) / max_side);
  GrayImage view = ShrinkByBlocks(image, factor);
  ReadTimedRegions(image, options,
                   UnreadPatterns(image, CoarselyBinarized(view), factor, 24, 1.5, *found),
                   kMaxRegions, found);
}

// Codes beside those read that the shrunk views above lose (2 to 8 pixels
// a module among larger codes): the fine search (FinelyBinarized) on the
// photo shrunk to at most ~2 MP, its patterns placed again on the photo
// itself, each triple — or pair completed as a side — read only where its
// timing patterns bear it out (chance patterns in noise and clutter are
// many at this scale), at most `max_regions`.
void ReadFineTriples(const GrayImage& image, const DecodeOptions& options, int max_regions,
                     Found* found) {
  constexpr double kMaxPixels = 2e6;
  double pixels = static_cast<double>(image.width) * image.height;
  int factor = std::max(2, static_cast<int>(std::ceil(std::sqrt(pixels / kMaxPixels))));
  GrayImage view = ShrinkByBlocks(image, factor);
  // Codes of 2 pixels a module or more in the photo.
  ReadTimedRegions(image, options,
                   UnreadPatterns(image, FinelyBinarized(view), factor, 32, 2.0 / factor, *found),
                   max_regions, found);
}

}  // namespace

std::vector<DecodedCode> DecodeImage(const GrayImage& image, const DecodeOptions& options) {
  constexpr int kMaxRegions = 12;
  constexpr int kGridTriples = 8;  // from each of the two finder searches
  Found found;
  size_t next = RunLadder(image, options, &found);
  std::optional<GrayImage> coarse;
  auto coarsely_binarized = [&]() -> const GrayImage& {
    if (!coarse) coarse = CoarselyBinarized(image);
    return *coarse;
  };
  if (found.codes.empty()) {
    // Passes for one kind of damage each, in turn until one reads: curved
    // codes, codes found by their finder patterns (small ones enlarged),
    // motion blur, steep views, grids we sample ourselves; then ZBar.
    if (options.unroll_curved) ReadUnrolled(image, coarsely_binarized(), options, &found);
    if (found.codes.empty() && options.find_small) {
      for (const Region& region :
           UnreadRegions(image, coarsely_binarized(), found, /*fine=*/true, kMaxRegions)) {
        ReadRegion(image, region, options, SIZE_MAX, options.zbar_fallback, &found);
      }
    }
    if (found.codes.empty() && options.deblur) ReadDeblurred(image, options, &found);
    if (found.codes.empty() && options.stretch_steep) ReadStretched(image, options, &found);
    if (found.codes.empty() && options.sample_grid) {
      ReadGrids(image, options, kGridTriples, &found);
    }
    if (found.codes.empty() && options.zbar_fallback) {
      ZbarFallback(image, options, &found);
    }
    return found.codes;
  }
  // The pass that read first may have missed other codes in the photo. If
  // it read several, the photo is one of several codes, likely printed and
  // lit differently: the remaining passes run too (0.3–0.7 s), then the
  // regions round finder patterns outside every code read are read on their
  // own — the coarse search, the ladder's first passes and our own grid
  // sampling, no ZBar, as chance patterns in noise and clutter make regions
  // with no code in them; small codes too, from the fine search, where
  // their timing patterns bear them out. After a single read, only the
  // cheap searches of ReadFurtherCodes and ReadFineTriples: photos of one
  // code are nearly all uploads.
  if (options.find_all && found.codes.size() == 1) {
    ReadFurtherCodes(image, options, 480, &found);
    if (found.codes.size() == 1) ReadFineTriples(image, options, kMaxRegions / 3, &found);
  }
  if (options.find_all && found.codes.size() >= 2) {
    RunLadder(image, options, &found, SIZE_MAX, next, /*stop=*/false);
    for (const Region& region : UnreadRegions(image, coarsely_binarized(), found, /*fine=*/true,
                                              kMaxRegions / 2, kMinTiming)) {
      ReadRegion(image, region, options, kRegionPasses, /*zbar=*/false, &found);
    }
    ReadFurtherCodes(image, options, 800, &found);
    ReadFineTriples(image, options, kMaxRegions / 3, &found);
  }
  return found.codes;
}

absl::StatusOr<std::vector<DecodedCode>> Decode(absl::string_view image_bytes,
                                                const DecodeOptions& options) {
  QRCLOUD_ASSIGN_OR_RETURN(GrayImage image, ReadImage(image_bytes));
  return DecodeImage(image, options);
}

std::vector<DecodedCode> DecodeWithZbarAlone(const GrayImage& image) {
  Found found;
  for (const ZbarRead& read : ScanWithZbar(image)) found.Add(DecodedCode{read.text, "QRCode"});
  return found.codes;
}

std::vector<DecodedCode> DecodeWithZxingDefaults(const GrayImage& image) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  Found found;
  found.Add(Read(image, hints));
  return found.codes;
}

}  // namespace qrcloud::qr
