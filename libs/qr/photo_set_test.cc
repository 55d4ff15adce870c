#include "libs/qr/photo_set.h"

#include <catch2/catch.hpp>

#include "libs/qr/decoder.h"
#include "libs/qr/encoder.h"
#include "libs/qr/image_io.h"

namespace qrcloud::qr {
namespace {

TEST_CASE("The photo set is the same for the same seed, and differs for another") {
  PhotoSetOptions options;
  options.per_kind = 1;
  std::vector<LabelledPhoto> a = MakePhotoSet(options);
  std::vector<LabelledPhoto> b = MakePhotoSet(options);
  REQUIRE(a.size() == StandardDegradations().size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].jpeg == b[i].jpeg);
    CHECK(a[i].payloads == b[i].payloads);
    CHECK_FALSE(a[i].payloads.empty());
  }
  options.seed = 99;
  CHECK(MakePhotoSet(options)[0].jpeg != a[0].jpeg);
}

TEST_CASE("The hard photo set is seeded too, and a photo depends only on its kind and index") {
  PhotoSetOptions options;
  options.kinds = HardDegradations();
  options.per_kind = 1;
  std::vector<LabelledPhoto> a = MakePhotoSet(options);
  std::vector<LabelledPhoto> b = MakePhotoSet(options);
  REQUIRE(a.size() == HardDegradations().size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO(DegradationName(a[i].kind));
    CHECK(a[i].jpeg == b[i].jpeg);
    CHECK(a[i].payloads == b[i].payloads);
    size_t codes = a[i].payloads.size();
    if (a[i].kind == Degradation::kManyCodes) {
      CHECK((codes >= 2 && codes <= 6));
    } else {
      CHECK(codes == 1);
    }
    GrayImage image = ReadImage(a[i].jpeg).value();
    if (a[i].kind == Degradation::kTiny) {  // a 12 MP phone photo
      CHECK(image.width == 4000);
      CHECK(image.height == 3000);
    }
  }
  // Photo 2 of a kind is the same whether the set starts at 0 or at 2.
  options.kinds = {Degradation::kScreen};
  options.per_kind = 3;
  LabelledPhoto third = MakePhotoSet(options).at(2);
  options.per_kind = 1;
  options.first_index = 2;
  LabelledPhoto alone = MakePhotoSet(options).at(0);
  CHECK(alone.index == 2);
  CHECK(alone.jpeg == third.jpeg);
}

TEST_CASE("Every code among several is printed darker than its paper") {
  // Photos where the ink's level once wrapped round to near white (an
  // unclamped negative level made 5% of this kind's codes faint and
  // inverted).
  for (auto [seed, index] : {std::pair<uint64_t, int>{100000, 2}, {100000, 8}, {100000, 15}}) {
    PhotoSetOptions options;
    options.kinds = {Degradation::kManyCodes};
    options.per_kind = 1;
    options.first_index = index;
    options.seed = seed;
    LabelledPhoto photo = MakePhotoSet(options).at(0);
    GrayImage image = ReadImage(photo.jpeg).value();
    REQUIRE(photo.symbols.size() == photo.payloads.size());
    for (size_t i = 0; i < photo.symbols.size(); ++i) {
      INFO("seed " << seed << " photo " << index << ": " << photo.payloads[i]);
      const std::array<PointF, 4>& c = photo.symbols[i];
      // The pixel at (u, v), shares of the symbol's sides from its top-left.
      auto at = [&](double u, double v) {
        double x = c[0].x + (c[1].x - c[0].x) * u + (c[3].x - c[0].x) * v;
        double y = c[0].y + (c[1].y - c[0].y) * u + (c[3].y - c[0].y) * v;
        return static_cast<double>(image.at(static_cast<int>(x), static_cast<int>(y)));
      };
      // The quiet zone just outside the left and top sides (4 modules of
      // paper: over 4% of the side at any size), against the symbol, half
      // of whose modules are ink.
      double paper = 0, symbol = 0;
      for (int k = 1; k < 10; ++k) paper += (at(-0.03, k / 10.0) + at(k / 10.0, -0.03)) / 18;
      for (int a = 1; a < 20; ++a) {
        for (int b = 1; b < 20; ++b) symbol += at(a / 20.0, b / 20.0) / 361;
      }
      CHECK(symbol < paper);
    }
  }
}

TEST_CASE("Scoring counts reads and misreads") {
  LabelledPhoto photo{Degradation::kSeveralCodes, 0, {"a", "b"}, ""};
  PhotoScore score = ScorePhoto(photo, {{"a", "QRCode"}, {"zzz", "QRCode"}});
  CHECK(score.expected == 2);
  CHECK(score.read == 1);
  CHECK(score.misread == 1);
}

// The goal, on a subset small enough for every test run: at least
// 95% of codes read, no misread, and better than ZXing-C++ alone. The full
// set runs in tools/bench/qr_photo_eval.
TEST_CASE("On degraded photos the decoder reads at least 95% with no misread, beating ZXing") {
  PhotoSetOptions options;
  options.per_kind = 6;
  PhotoScore ours, zxing;
  for (const LabelledPhoto& photo : MakePhotoSet(options)) {
    GrayImage image = ReadImage(photo.jpeg).value();
    PhotoScore a = ScorePhoto(photo, DecodeImage(image));
    PhotoScore b = ScorePhoto(photo, DecodeWithZxingDefaults(image));
    ours.expected += a.expected;
    ours.read += a.read;
    ours.misread += a.misread;
    zxing.read += b.read;
    zxing.misread += b.misread;
    INFO(DegradationName(photo.kind) << "-" << photo.index);
    CHECK(a.misread == 0);
  }
  INFO("ours " << ours.read << "/" << ours.expected << ", ZXing alone " << zxing.read);
  CHECK(ours.read >= 0.95 * ours.expected);
  CHECK(ours.misread == 0);
  CHECK(ours.read > zxing.read);
}

// The hard set (screens, bottles, 12 MP photos of tiny codes, steep views,
// faded receipts, many codes, shaking hands, all at once) on 3 photos a
// kind: no misread, and at least the rate the full evaluation supports
// (docs/qr.md, "Measured read rates") with margin for a small sample. The
// ZXing ladder alone reads about 70%.
TEST_CASE("On hard photos the decoder reads at least 90% with no misread, beating the ladder") {
  PhotoSetOptions options;
  options.kinds = HardDegradations();
  options.per_kind = 3;
  DecodeOptions ladder_only = DecodeOptions::LadderOnly();
  PhotoScore ours, ladder;
  for (const LabelledPhoto& photo : MakePhotoSet(options)) {
    GrayImage image = ReadImage(photo.jpeg).value();
    PhotoScore a = ScorePhoto(photo, DecodeImage(image));
    PhotoScore b = ScorePhoto(photo, DecodeImage(image, ladder_only));
    ours.expected += a.expected;
    ours.read += a.read;
    ours.misread += a.misread;
    ladder.read += b.read;
    ladder.misread += b.misread;
    INFO(DegradationName(photo.kind) << "-" << photo.index);
    CHECK(a.misread == 0);
    CHECK(b.misread == 0);
  }
  INFO("ours " << ours.read << "/" << ours.expected << ", the ladder alone " << ladder.read);
  CHECK(ours.read >= 0.9 * ours.expected);
  CHECK(ours.misread == 0);
  CHECK(ours.read > ladder.read);
}

}  // namespace
}  // namespace qrcloud::qr
