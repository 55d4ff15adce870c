// qr_photo_eval: read rate and misreads of the QR decoder on the labelled
// sets of degraded photos (libs/qr/photo_set.h), per degradation kind and
// overall: ZXing-C++ alone with its default hints, ZBar alone (its reads
// unconfirmed), then the qrcloud decoder built up: the ZXing ladder alone,
// the ladder with the confirmed ZBar fallback only, every pass but ZBar,
// and everything (the default).
//
//   qr_photo_eval [--set=standard|hard|all] [--kinds=screen,tiny] [--per_kind=40]
//                 [--seed=20240601] [--markdown] [--dump_dir=DIR]
//                 [--decoders=qrcloud,ladder] [--first_index=0] [--show_missed]
//
// --markdown prints the table as docs/qr.md has it; --dump_dir writes every
// photo as DIR/<kind>-<n>.jpg for a look.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/qr/decoder.h"
#include "libs/qr/image_io.h"
#include "libs/qr/photo_set.h"

ABSL_FLAG(int, per_kind, 40, "Photos per degradation kind");
ABSL_FLAG(uint64_t, seed, 20240601, "Seed of the photo set");
ABSL_FLAG(std::string, set, "standard", "Photo set: standard, hard or all");
ABSL_FLAG(std::string, kinds, "", "If set, only these kinds of the set (comma-separated names)");
ABSL_FLAG(bool, markdown, false, "Print the table in Markdown");
ABSL_FLAG(std::string, dump_dir, "", "If set, write the photos here as JPEG");
ABSL_FLAG(std::string, decoders, "",
          "If set, only these decoders (comma-separated: zxing, zbar, ladder, ladder+zbar, "
          "nozbar, qrcloud), e.g. qrcloud alone while tuning");
ABSL_FLAG(int, first_index, 0, "Index of the first photo of each kind");
ABSL_FLAG(bool, show_missed, false, "Print the payloads of the codes each photo missed");
ABSL_FLAG(bool, cpu_time, false,
          "Time decoders by the thread's CPU time rather than the clock (steadier when the "
          "machine is shared)");

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
  double Percent() const { return codes ? 100.0 * read / codes : 0.0; }
  int MsPerPhoto() const { return static_cast<int>(1000 * seconds / std::max(photos, 1)); }
  std::string Text() const {
    return absl::StrFormat("%d/%d %5.1f%% mis %d %dms", read, codes, Percent(), misread,
                           MsPerPhoto());
  }
  std::string Markdown() const {
    std::string cell = absl::StrFormat("%.1f%%", Percent());
    if (misread > 0) absl::StrAppend(&cell, " (**", misread, " misread**)");
    return cell;
  }
};

struct Decoder {
  const char* name;
  const char* flag;  // its name in --decoders
  std::function<std::vector<DecodedCode>(const GrayImage&)> decode;
};

const std::vector<Decoder>& AllDecoders() {
  static const std::vector<Decoder> kDecoders = {
      {"ZXing defaults", "zxing", DecodeWithZxingDefaults},
      {"ZBar alone", "zbar", DecodeWithZbarAlone},
      {"ladder", "ladder",
       [](const GrayImage& i) { return DecodeImage(i, DecodeOptions::LadderOnly()); }},
      {"ladder+ZBar", "ladder+zbar",
       [](const GrayImage& i) {
         DecodeOptions options = DecodeOptions::LadderOnly();
         options.zbar_fallback = true;
         return DecodeImage(i, options);
       }},
      {"qrcloud w/o ZBar", "nozbar",
       [](const GrayImage& i) {
         DecodeOptions options;
         options.zbar_fallback = false;
         return DecodeImage(i, options);
       }},
      {"qrcloud", "qrcloud", [](const GrayImage& i) { return DecodeImage(i); }},
  };
  return kDecoders;
}

// The decoders --decoders names, in the table's order (all when unset).
std::vector<Decoder> Decoders(const std::string& names) {
  if (names.empty()) return AllDecoders();
  std::vector<std::string> wanted = absl::StrSplit(names, ',');
  std::vector<Decoder> chosen;
  for (const Decoder& d : AllDecoders()) {
    if (std::find(wanted.begin(), wanted.end(), d.flag) != wanted.end()) chosen.push_back(d);
  }
  return chosen;
}

void Dump(const LabelledPhoto& photo, const std::string& dir) {
  std::ofstream(absl::StrCat(dir, "/", DegradationName(photo.kind), "-", photo.index, ".jpg"),
                std::ios::binary)
      << photo.jpeg;
}

std::vector<Degradation> Kinds(const std::string& set, const std::string& names) {
  std::vector<Degradation> kinds;
  if (set != "hard") kinds = StandardDegradations();
  if (set != "standard") {
    for (Degradation kind : HardDegradations()) kinds.push_back(kind);
  }
  if (names.empty()) return kinds;
  std::vector<std::string> wanted = absl::StrSplit(names, ',');
  std::vector<Degradation> chosen;
  for (Degradation kind : kinds) {
    if (std::find(wanted.begin(), wanted.end(), DegradationName(kind)) != wanted.end()) {
      chosen.push_back(kind);
    }
  }
  return chosen;
}

// Seconds on the clock, or of this thread's CPU time with --cpu_time.
double Now() {
  if (absl::GetFlag(FLAGS_cpu_time)) {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int Run() {
  std::string set = absl::GetFlag(FLAGS_set);
  if (set != "standard" && set != "hard" && set != "all") {
    std::fprintf(stderr, "--set must be standard, hard or all\n");
    return 2;
  }
  PhotoSetOptions options;
  options.per_kind = absl::GetFlag(FLAGS_per_kind);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.first_index = absl::GetFlag(FLAGS_first_index);
  options.kinds = Kinds(set, absl::GetFlag(FLAGS_kinds));
  if (options.kinds.empty()) {
    std::fprintf(stderr, "--kinds names no kind of the set\n");
    return 2;
  }
  const std::vector<Decoder> decoders = Decoders(absl::GetFlag(FLAGS_decoders));
  if (decoders.empty()) {
    std::fprintf(stderr, "--decoders names no decoder\n");
    return 2;
  }
  std::map<Degradation, std::vector<Tally>> by_kind;
  std::vector<Tally> all(decoders.size());
  // One kind at a time: a kind's photos (up to 12 MP each) are all that is
  // held in memory.
  for (Degradation kind : options.kinds) {
    PhotoSetOptions one = options;
    one.kinds = {kind};
    std::vector<Tally>& tallies = by_kind[kind];
    tallies.resize(decoders.size());
    for (const LabelledPhoto& photo : MakePhotoSet(one)) {
      if (!absl::GetFlag(FLAGS_dump_dir).empty()) Dump(photo, absl::GetFlag(FLAGS_dump_dir));
      GrayImage image = ReadImage(photo.jpeg).value();
      for (size_t d = 0; d < decoders.size(); ++d) {
        double start = Now();
        std::vector<DecodedCode> results = decoders[d].decode(image);
        double elapsed = Now() - start;
        PhotoScore score = ScorePhoto(photo, results);
        tallies[d].Add(score, elapsed);
        all[d].Add(score, elapsed);
        if (d + 1 == decoders.size() && score.read < score.expected) {
          std::printf("  missed: %s-%d (%d of %d)\n", DegradationName(kind).data(), photo.index,
                      score.expected - score.read, score.expected);
          if (absl::GetFlag(FLAGS_show_missed)) {
            for (const std::string& payload : photo.payloads) {
              bool read = std::any_of(results.begin(), results.end(),
                                      [&](const DecodedCode& r) { return r.text == payload; });
              if (!read) std::printf("    %s\n", payload.c_str());
            }
          }
        }
        if (score.misread > 0) {
          std::printf("  MISREAD by %s: %s-%d\n", decoders[d].name, DegradationName(kind).data(),
                      photo.index);
        }
      }
    }
    std::fflush(stdout);
  }
  if (absl::GetFlag(FLAGS_markdown)) {
    std::printf("| kind |");
    for (const Decoder& d : decoders) std::printf(" %s |", d.name);
    std::printf("\n| --- |");
    for (size_t d = 0; d < decoders.size(); ++d) std::printf(" --- |");
    std::printf("\n");
    for (const auto& [kind, tallies] : by_kind) {
      std::printf("| %s |", DegradationName(kind).data());
      for (const Tally& t : tallies) std::printf(" %s |", t.Markdown().c_str());
      std::printf("\n");
    }
    std::printf("| **overall** |");
    for (const Tally& t : all) {
      std::printf(" **%s (%d/%d)**, %d ms |", t.Markdown().c_str(), t.read, t.codes,
                  t.MsPerPhoto());
    }
    std::printf("\n");
    return 0;
  }
  std::printf("%-14s", "kind");
  for (const Decoder& d : decoders) std::printf(" %-29s", d.name);
  std::printf("\n");
  for (const auto& [kind, tallies] : by_kind) {
    std::printf("%-14s", DegradationName(kind).data());
    for (const Tally& t : tallies) std::printf(" %-29s", t.Text().c_str());
    std::printf("\n");
  }
  std::printf("%-14s", "overall");
  for (const Tally& t : all) std::printf(" %-29s", t.Text().c_str());
  std::printf("\n");
  return 0;
}

}  // namespace
}  // namespace qrcloud::qr

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return qrcloud::qr::Run();
}
