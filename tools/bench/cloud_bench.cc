// In-process figures of the merchant cloud flow, each against a real Redis
// where it needs one (--redis_port):
//   receipt verifications per second per core (Ed25519, libsodium);
//   rush requests turned away per second at the Redis stock gate;
//   nearby-search latency (p50/p99) over a geo index of many campaigns.
//
//   cloud_bench --redis_port=6390 [--campaigns=100000] [--benchmark_filter=…]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/cache/redis.h"
#include "libs/core/ids.h"
#include "libs/core/receipt_token.h"
#include "services/center/redis_geo_index.h"
#include "services/center/stock_gate.h"

ABSL_FLAG(int, redis_port, 6390,
          "Redis to measure against (a scratch database is used and emptied)");
ABSL_FLAG(int, redis_db, 15, "Scratch Redis database");
ABSL_FLAG(int, campaigns, 100000, "Campaigns in the geo index for the nearby benchmark");
ABSL_FLAG(int, nearby_queries, 20000, "Nearby queries to time");

namespace qrcloud {
namespace {

cache::RedisPool& Redis() {
  static cache::RedisPool* pool = [] {
    cache::RedisOptions o;
    o.port = absl::GetFlag(FLAGS_redis_port);
    o.db = absl::GetFlag(FLAGS_redis_db);
    o.pool_size = 16;
    auto p = cache::RedisPool::Create(o);
    if (!p.ok()) {
      std::fprintf(stderr, "Redis: %s\n", std::string(p.status().message()).c_str());
      std::exit(1);
    }
    return p->release();
  }();
  return *pool;
}

void BM_VerifyReceipt(benchmark::State& state) {
  auto signer = *core::ReceiptSigner::FromSeed(core::ReceiptSigner::NewSeed());
  // Distinct receipts, as at a counter: nothing is cached between them.
  std::vector<std::string> tokens;
  for (int i = 0; i < 1024; ++i) {
    tokens.push_back(
        *signer.Sign({core::NewId(), core::NewId(), core::NewId(), absl::Now() + absl::Hours(1)}));
  }
  size_t i = 0;
  for (auto _ : state) {
    auto claims = core::VerifyReceipt(tokens[i++ % tokens.size()], signer.public_key());
    benchmark::DoNotOptimize(claims);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyReceipt)->ThreadRange(1, 2)->UseRealTime();

void BM_SignReceipt(benchmark::State& state) {
  auto signer = *core::ReceiptSigner::FromSeed(core::ReceiptSigner::NewSeed());
  core::ReceiptClaims claims{core::NewId(), core::NewId(), core::NewId(),
                             absl::Now() + absl::Hours(1)};
  for (auto _ : state) benchmark::DoNotOptimize(signer.Sign(claims));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignReceipt);

// A sold-out campaign's gate under a rush: every call is turned away. The
// gate needs MySQL only to set itself up, which never happens here.
void BM_GateTurnsAway(benchmark::State& state) {
  center::StockGate gate(Redis(), [](const std::string&) -> absl::StatusOr<int64_t> { return 0; });
  const std::string campaign = "sold-out-campaign";
  if (state.thread_index() == 0) (void)Redis().Command({"SET", "qrcloud:gate:" + campaign, "0"});
  for (auto _ : state) {
    auto verdict = gate.Take(campaign, 1);
    if (!verdict.ok() || *verdict != center::StockGate::Verdict::kSoldOut)
      state.SkipWithError("not turned away");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GateTurnsAway)->Threads(8)->Threads(32)->UseRealTime();

// Nearby search over many campaigns scattered around one city (Fuzhou),
// with p50 and p99 of single queries reported as counters.
void BM_Nearby(benchmark::State& state) {
  center::RedisGeoIndex index(Redis());
  static bool loaded = false;
  const int n = absl::GetFlag(FLAGS_campaigns);
  if (!loaded) {
    (void)Redis().Command({"FLUSHDB"});
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> dlat(-0.3, 0.3), dlng(-0.3, 0.3);
    const std::vector<std::string> tags = {"hotpot", "noodles", "tea", "bakery", "coffee"};
    std::vector<cache::Args> batch;
    for (int i = 0; i < n; ++i) {
      v1::Campaign c;
      c.set_id(core::NewId());
      c.set_title(absl::StrCat("Offer ", i));
      c.set_state(v1::Campaign::PUBLISHED);
      c.add_tags(tags[i % tags.size()]);
      v1::GeoPoint where;
      where.set_lat(26.07 + dlat(rng));
      where.set_lng(119.30 + dlng(rng));
      if (!index.Put(c, where).ok()) state.SkipWithError("could not load the index");
    }
    loaded = true;
  }
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> dlat(-0.25, 0.25), dlng(-0.25, 0.25);
  std::vector<double> micros;
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    auto r = index.Nearby(
        26.07 + dlat(rng), 119.30 + dlng(rng), static_cast<int>(state.range(0)),
        state.range(1) ? std::vector<std::string>{"tea"} : std::vector<std::string>{}, 50);
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    if (!r.ok()) state.SkipWithError("nearby failed");
    benchmark::DoNotOptimize(r);
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
}
BENCHMARK(BM_Nearby)->Args({2000, 0})->Args({2000, 1})->Args({5000, 0})->Iterations(5000);

}  // namespace
}  // namespace qrcloud

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
