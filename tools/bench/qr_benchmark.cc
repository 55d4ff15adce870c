// QR benchmarks (Google Benchmark), in one process on one core:
//   BM_EncodeSvg        encode + SVG, the payload list qrcode_npm_bench.js
//                       also renders (codes/s: items_per_second), on one
//                       thread and on two (the library keeps no shared state)
//   BM_EncodePng300     encode + 300 px PNG, 1-bit and RGB (goal: 4,000/s)
//   BM_TableSheets      10,000 table codes encoded and laid out as A4 PDF
//                       sticker sheets (seconds for the batch)
//   BM_Decode*          decoding a clean PNG and degraded photos
// tools/bench/qr_bench.sh runs this beside the npm reference.
//
// Each thread walks the payload list from its own start, so the threads do
// not all encode the same code at once.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/qr/decoder.h"
#include "libs/qr/encoder.h"
#include "libs/qr/image_io.h"
#include "libs/qr/photo_set.h"
#include "libs/qr/png_renderer.h"
#include "libs/qr/sticker.h"
#include "libs/qr/svg_renderer.h"

namespace qrcloud::qr {
namespace {

constexpr int kPayloads = 10000;

// Payload i, exactly as qrcode_npm_bench.js builds it: 8 in 10 short URLs,
// then Chinese text, then a Wi-Fi string.
std::string Payload(int i) {
  if (i % 10 == 8) return absl::StrCat("欢迎光临", i % 60 + 1, "号桌，扫码点餐 #", i);
  if (i % 10 == 9) return absl::StrCat("WIFI:T:WPA;S:Shop-", i, ";P:pw\\;", i, ";;");
  uint32_t hash = static_cast<uint32_t>(i) * 2654435761u;
  std::string slug;
  do {
    slug.insert(slug.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[hash % 36]);
    hash /= 36;
  } while (hash != 0);
  return absl::StrCat("https://qrcloud.example.com/s/", slug);
}

const std::vector<std::string>& Payloads() {
  static const auto* payloads = [] {
    auto* list = new std::vector<std::string>;
    for (int i = 0; i < kPayloads; ++i) list->push_back(Payload(i));
    return list;
  }();
  return *payloads;
}

void BM_EncodeSvg(benchmark::State& state) {
  const std::vector<std::string>& payloads = Payloads();
  size_t i = state.thread_index() * 5000, bytes = 0;
  for (auto _ : state) {
    Matrix matrix = Encode(payloads[i++ % payloads.size()]).value();
    std::string svg = RenderSvg(matrix).value();
    bytes += svg.size();
    benchmark::DoNotOptimize(svg);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["svg_bytes"] = benchmark::Counter(static_cast<double>(bytes) / state.iterations(),
                                                   benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_EncodeSvg)->Threads(1)->Threads(2)->UseRealTime();

void BM_EncodePng300(benchmark::State& state) {
  const std::vector<std::string>& payloads = Payloads();
  PngOptions options;
  options.size = 300;
  options.color = state.range(0) == 1 ? PngColor::kOneBit : PngColor::kRgb;
  size_t i = state.thread_index() * 5000, bytes = 0;
  for (auto _ : state) {
    Matrix matrix = Encode(payloads[i++ % payloads.size()]).value();
    std::string png = RenderPng(matrix, options).value();
    bytes += png.size();
    benchmark::DoNotOptimize(png);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["png_bytes"] = benchmark::Counter(static_cast<double>(bytes) / state.iterations(),
                                                   benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_EncodePng300)->Arg(1)->Arg(24)->ArgName("bits")->Threads(1)->Threads(2)->UseRealTime();

void BM_TableSheets(benchmark::State& state) {
  int tables = static_cast<int>(state.range(0));
  size_t bytes = 0;
  for (auto _ : state) {
    std::vector<StickerItem> items;
    items.reserve(tables);
    for (int t = 1; t <= tables; ++t) {
      items.push_back({Encode(absl::StrCat("https://qrcloud.example.com/t/m1234/", t)).value(),
                       TableStickerText(t, "老王火锅 Lao Wang Hotpot")});
    }
    std::string pdf = RenderStickerSheet(items).value();
    bytes = pdf.size();
    benchmark::DoNotOptimize(pdf);
  }
  state.SetItemsProcessed(state.iterations() * tables);
  state.counters["pdf_mb"] = bytes / 1e6;
  state.counters["pages"] = (tables + 11) / 12;
}
BENCHMARK(BM_TableSheets)->Arg(10000)->Arg(1200)->Iterations(1)->Unit(benchmark::kSecond);

void BM_DecodeCleanPng(benchmark::State& state) {
  std::string png = RenderPng(Encode(Payload(1)).value()).value();
  for (auto _ : state) benchmark::DoNotOptimize(Decode(png).value());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeCleanPng);

// The whole degraded set (13 kinds × 4 photos), JPEG bytes in.
void BM_DecodeDegradedPhotos(benchmark::State& state) {
  PhotoSetOptions options;
  options.per_kind = 4;
  std::vector<LabelledPhoto> photos = MakePhotoSet(options);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(Decode(photos[i++ % photos.size()].jpeg).value());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeDegradedPhotos)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qrcloud::qr

BENCHMARK_MAIN();
