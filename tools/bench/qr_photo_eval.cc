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
#include "libs/qr/encoder.h"
#include "libs/qr/image_io.h"
#include "libs/qr/image_ops.h"
#include "libs/qr/internal/grid_sampler.h"
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

// For a missed code whose place is known: whether our own grid sampling,
// given its true finder centres, reads it ("grid"), and whether the whole
// decoder reads a crop round it ("crop") — which tells a miss of the
// searches from a miss of the reading.
std::string Diagnose(const GrayImage& image, const std::array<PointF, 4>& symbol,
                     const std::string& payload) {
  if (symbol[0].x == 0 && symbol[0].y == 0 && symbol[2].x == 0) return "";
  double side = std::hypot(symbol[1].x - symbol[0].x, symbol[1].y - symbol[0].y);
  // The size, from the photo set's own symbol: find it among the versions.
  std::string verdict;
  auto reads = [&](const GrayImage& view, const DecodeOptions& options) {
    for (const DecodedCode& code : DecodeImage(view, options)) {
      if (code.text == payload) return true;
    }
    return false;
  };
  bool grid = false;
  // The photo set encodes at a random level: one of these sizes.
  std::vector<int> sizes;
  for (EcLevel level : {EcLevel::kLow, EcLevel::kMedium, EcLevel::kQuartile, EcLevel::kHigh}) {
    EncodeOptions options;
    options.level = level;
    auto matrix = Encode(payload, options);
    if (matrix.ok() && std::find(sizes.begin(), sizes.end(), matrix->size()) == sizes.end()) {
      sizes.push_back(matrix->size());
    }
  }
  for (int n : sizes) {
    std::array<PointF, 4> unit = {PointF{0, 0}, PointF{1.0 * n, 0}, PointF{1.0 * n, 1.0 * n},
                                  PointF{0, 1.0 * n}};
    auto h = Homography::FromPoints(unit, symbol);
    if (!h || grid) continue;
    double module = side / n;
    auto at = [&](double x, double y) {
      return internal::FinderPattern{h->Apply({x, y}), module, 7};
    };
    internal::FinderTriple triple{at(3.5, 3.5), at(n - 3.5, 3.5), at(3.5, n - 3.5)};
    for (const internal::Grid& g : internal::FitGrids(image, triple, 9)) {
      if (g.size != n || grid) continue;
      std::vector<double> modules = internal::SampleModules(image, g);
      for (int radius : {2, 3, 4, 6, 0}) {
        if (reads(internal::RenderModules(modules, n, radius, 3), DecodeOptions::LadderOnly())) {
          grid = true;
          break;
        }
      }
    }
  }
  // Where the grid pass's two finder searches (decoder.cc, GridTriples)
  // put the true finder centres: rank of the nearest pattern within 1.5
  // modules, or "-".
  std::string ranks;
  if (!sizes.empty()) {
    int n = sizes.back();
    std::array<PointF, 4> unit = {PointF{0, 0}, PointF{1.0 * n, 0}, PointF{1.0 * n, 1.0 * n},
                                  PointF{0, 1.0 * n}};
    Homography h = *Homography::FromPoints(unit, symbol);
    double module = side / n;
    std::array<PointF, 3> centres = {h.Apply({3.5, 3.5}), h.Apply({n - 3.5, 3.5}),
                                     h.Apply({3.5, n - 3.5})};
    for (const PointF& c : centres)
      absl::StrAppend(&ranks, absl::StrFormat(" (%.0f,%.0f)", c.x, c.y));
    absl::StrAppend(&ranks, absl::StrFormat(" module %.1f;", module));
    int long_side = std::max(image.width, image.height);
    GrayImage blurred = GaussianBlur(image, std::max(1, long_side / 480));
    auto binarized = [](const GrayImage& g, int radius, int margin = 0) {
      GrayImage mean = BoxBlur(g, radius), out(g.width, g.height);
      for (size_t i = 0; i < g.pixels.size(); ++i) {
        out.pixels[i] = g.pixels[i] + margin < mean.pixels[i] ? 0 : 255;
      }
      return out;
    };
    // The third: the fine search for small codes among several (decoder.cc,
    // UnreadRegions), on the photo itself.
    for (int search = 0; search < 3; ++search) {
      GrayImage binary =
          search == 0 ? binarized(blurred, std::max(4, long_side / 24))
          : search == 1
              ? binarized(NormalizeLocalContrast(blurred, std::max(3, long_side / 60), 40),
                          std::max(4, long_side / 24))
              : binarized(image, 10, 3);
      std::vector<internal::FinderPattern> found =
          internal::FindFinderPatterns(binary, search == 2 ? 400 : 64);
      absl::StrAppend(&ranks, search == 0 ? " coarse" : search == 1 ? " normalised" : " fine");
      for (const PointF& c : centres) {
        int rank = -1;
        for (size_t r = 0; r < found.size() && rank < 0; ++r) {
          if (std::hypot(found[r].center.x - c.x, found[r].center.y - c.y) < 1.5 * module) {
            rank = static_cast<int>(r);
          }
        }
        absl::StrAppend(&ranks, " ", rank < 0 ? "-" : absl::StrCat(rank));
      }
    }
  }
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const PointF& p : symbol) {
    x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  }
  double margin = (x1 - x0 + y1 - y0) / 8;
  int cx0 = std::max(0, static_cast<int>(x0 - margin)),
      cy0 = std::max(0, static_cast<int>(y0 - margin));
  int cx1 = std::min(image.width, static_cast<int>(x1 + margin));
  int cy1 = std::min(image.height, static_cast<int>(y1 + margin));
  bool crop = cx1 > cx0 && cy1 > cy0 && reads(Crop(image, cx0, cy0, cx1 - cx0, cy1 - cy0), {});
  return absl::StrCat("  [grid at the true finder centres: ", grid ? "reads" : "fails",
                      "; crop: ", crop ? "reads" : "fails", ";", ranks, "]");
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
              size_t k = &payload - photo.payloads.data();
              if (!read) {
                std::printf("    %s%s\n", payload.c_str(),
                            k < photo.symbols.size()
                                ? Diagnose(image, photo.symbols[k], payload).c_str()
                                : "");
              }
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
