#define ZX_USE_UTF8 1  // Result::text() as UTF-8 std::string
#include "libs/qr/decoder.h"

#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <exception>
#include <optional>

#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/qr/image_io.h"
#include "libs/qr/image_ops.h"

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

// Appends the valid results not already in `found`.
void Collect(const ZXing::Results& results, std::vector<DecodedCode>* found) {
  for (const ZXing::Result& result : results) {
    if (!result.isValid()) continue;
    DecodedCode code = ToDecoded(result);
    if (std::find(found->begin(), found->end(), code) == found->end()) found->push_back(code);
  }
}

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
  };
  return kLadder;
}

}  // namespace

std::vector<DecodedCode> DecodeImage(const GrayImage& image, const DecodeOptions& options) {
  std::vector<DecodedCode> found;
  for (const Pass& pass : Ladder()) {
    bool first = &pass == &Ladder().front();
    std::optional<GrayImage> prepared;
    if (pass.prepare != nullptr) {
      prepared = pass.prepare(image);
      if (!prepared.has_value()) continue;
    }
    Collect(Read(prepared ? *prepared : image, Hints(options, pass, first)), &found);
    if (!found.empty()) break;
  }
  return found;
}

absl::StatusOr<std::vector<DecodedCode>> Decode(absl::string_view image_bytes,
                                                const DecodeOptions& options) {
  QRCLOUD_ASSIGN_OR_RETURN(GrayImage image, ReadImage(image_bytes));
  return DecodeImage(image, options);
}

std::vector<DecodedCode> DecodeWithZxingDefaults(const GrayImage& image) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  std::vector<DecodedCode> found;
  Collect(Read(image, hints), &found);
  return found;
}

}  // namespace qrcloud::qr
