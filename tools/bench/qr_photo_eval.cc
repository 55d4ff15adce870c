// qr_photo_eval: read rate and misreads of the QR decoder on the labelled
// set of degraded photos (libs/qr/photo_set.h), beside ZXing-C++ alone with
// its default hints, per degradation kind and overall.
//
//   qr_photo_eval [--per_kind=40] [--seed=20240601] [--dump_dir=DIR]
//
// --dump_dir writes every photo as DIR/<kind>-<n>.jpg for a look.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "libs/qr/decoder.h"
#include "libs/qr/image_io.h"
#include "libs/qr/photo_set.h"

ABSL_FLAG(int, per_kind, 40, "Photos per degradation kind");
ABSL_FLAG(uint64_t, seed, 20240601, "Seed of the photo set");
ABSL_FLAG(std::string, dump_dir, "", "If set, write the photos here as JPEG");

namespace qrcloud::qr {
namespace {

struct Tally {
  int photos = 0;
  int codes = 0;
  int read = 0;
  int misread = 0;
  double seconds = 0;

  void Add(const PhotoScore& score, double elapsed) {
    ++photos;
    codes += score.expected;
    read += score.read;
    misread += score.misread;
    seconds += elapsed;
  }
  std::string Format() const {
    return absl::StrCat(read, "/", codes, " ", Percent(), "%  misread ", misread, "  ",
                        static_cast<int>(1000 * seconds / std::max(photos, 1)), " ms/photo");
  }
  std::string Percent() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%5.1f", codes ? 100.0 * read / codes : 0.0);
    return buf;
  }
};

template <typename F>
PhotoScore Timed(const LabelledPhoto& photo, const GrayImage& image, F decode, double* seconds) {
  auto start = std::chrono::steady_clock::now();
  std::vector<DecodedCode> results = decode(image);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return ScorePhoto(photo, results);
}

void Dump(const LabelledPhoto& photo, const std::string& dir) {
  std::ofstream(absl::StrCat(dir, "/", DegradationName(photo.kind), "-", photo.index, ".jpg"),
                std::ios::binary)
      << photo.jpeg;
}

int Run() {
  PhotoSetOptions options;
  options.per_kind = absl::GetFlag(FLAGS_per_kind);
  options.seed = absl::GetFlag(FLAGS_seed);
  std::vector<LabelledPhoto> photos = MakePhotoSet(options);
  std::map<Degradation, std::pair<Tally, Tally>> by_kind;
  Tally zxing_all, ours_all;
  for (const LabelledPhoto& photo : photos) {
    if (!absl::GetFlag(FLAGS_dump_dir).empty()) Dump(photo, absl::GetFlag(FLAGS_dump_dir));
    GrayImage image = ReadImage(photo.jpeg).value();
    double t_zxing = 0, t_ours = 0;
    PhotoScore zxing = Timed(photo, image, DecodeWithZxingDefaults, &t_zxing);
    PhotoScore ours = Timed(
        photo, image, [](const GrayImage& i) { return DecodeImage(i); }, &t_ours);
    by_kind[photo.kind].first.Add(zxing, t_zxing);
    by_kind[photo.kind].second.Add(ours, t_ours);
    zxing_all.Add(zxing, t_zxing);
    ours_all.Add(ours, t_ours);
    if (ours.read < ours.expected) {
      std::printf("  missed: %s-%d\n", DegradationName(photo.kind).data(), photo.index);
    }
  }
  std::printf("%-13s %-42s %s\n", "kind", "ZXing-C++ defaults", "qrcloud decoder");
  for (const auto& [kind, tallies] : by_kind) {
    std::printf("%-13s %-42s %s\n", DegradationName(kind).data(), tallies.first.Format().c_str(),
                tallies.second.Format().c_str());
  }
  std::printf("%-13s %-42s %s\n", "overall", zxing_all.Format().c_str(), ours_all.Format().c_str());
  return 0;
}

}  // namespace
}  // namespace qrcloud::qr

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return qrcloud::qr::Run();
}
