#include "libs/qr/photo_set.h"

#include <catch2/catch.hpp>

#include "libs/qr/decoder.h"
#include "libs/qr/image_io.h"

namespace qrcloud::qr {
namespace {

TEST_CASE("The photo set is the same for the same seed, and differs for another") {
  PhotoSetOptions options;
  options.per_kind = 1;
  std::vector<LabelledPhoto> a = MakePhotoSet(options);
  std::vector<LabelledPhoto> b = MakePhotoSet(options);
  REQUIRE(a.size() == AllDegradations().size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].jpeg == b[i].jpeg);
    CHECK(a[i].payloads == b[i].payloads);
    CHECK_FALSE(a[i].payloads.empty());
  }
  options.seed = 99;
  CHECK(MakePhotoSet(options)[0].jpeg != a[0].jpeg);
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

}  // namespace
}  // namespace qrcloud::qr
