#include "gateway/rate_limiter.h"

#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/encoding.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"

namespace qrcloud::gateway {
namespace {

core::Counter& SyncErrors() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "gateway_rate_limit_sync_errors_total",
      "Rate-limit syncs with Redis that failed (limits then hold per replica).");
  return c;
}

}  // namespace

RateLimiter::RateLimiter(cache::RedisPool* redis, RateLimitOptions options)
    : redis_(redis), options_(options) {
  if (redis_ != nullptr) {
    syncer_ = std::thread([this] {
      while (!stop_.WaitForNotificationWithTimeout(options_.sync_interval)) {
        if (absl::Status s = Sync(); !s.ok()) SyncErrors().Inc();
      }
    });
  }
}

RateLimiter::~RateLimiter() {
  stop_.Notify();
  if (syncer_.joinable()) syncer_.join();
}

RateLimiter::Shard& RateLimiter::ShardFor(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

bool RateLimiter::Count(const std::string& key, int limit, int64_t slot) {
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  Counter& c = shard.counters[key];
  if (c.slot != slot) c = Counter{slot, 0, 0};
  ++c.pending;
  return c.global + c.pending <= limit;
}

absl::Duration RateLimiter::Hit(absl::string_view token, absl::string_view address) {
  const absl::Time now = absl::Now();
  const int64_t window_ms = absl::ToInt64Milliseconds(options_.window);
  const int64_t now_ms = absl::ToUnixMillis(now);
  const int64_t slot = now_ms / window_ms;
  bool allowed = true;
  // Both counters count the request, so flooding with many tokens from one
  // address is still caught by the address limit.
  if (options_.per_address > 0) {
    allowed &= Count(absl::StrCat("ip:", address), options_.per_address, slot);
  }
  if (options_.per_token > 0 && !token.empty()) {
    // Keyed by a hash: the token itself is never stored. BLAKE2b with a fixed
    // key (every replica must name a token alike): a quarter of SHA-256's cost.
    static constexpr absl::string_view kTokenKey = "qrcloud rate-limit token key v1";
    allowed &= Count(absl::StrCat("tok:", core::KeyedHashHex(kTokenKey, token, 16)),
                     options_.per_token, slot);
  }
  if (allowed) return absl::ZeroDuration();
  return absl::Milliseconds((slot + 1) * window_ms - now_ms);
}

absl::Status RateLimiter::Sync() {
  struct Flush {
    Shard* shard;
    std::string key;
    int64_t slot;
    int64_t added;
  };
  const int64_t window_ms = absl::ToInt64Milliseconds(options_.window);
  const int64_t current = absl::ToUnixMillis(absl::Now()) / window_ms;
  std::vector<Flush> flushes;
  std::vector<cache::Args> commands;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (auto it = shard.counters.begin(); it != shard.counters.end();) {
      Counter& c = it->second;
      if (c.slot < current && c.pending == 0) {
        it = shard.counters.erase(it);  // a past window with nothing to report
        continue;
      }
      const std::string redis_key = absl::StrCat("qrcloud:rl:", it->first, ":", c.slot);
      // INCRBY 0 still reads the total that other replicas built up.
      flushes.push_back({&shard, it->first, c.slot, c.pending});
      commands.push_back({"INCRBY", redis_key, absl::StrCat(c.pending)});
      commands.push_back({"PEXPIRE", redis_key, absl::StrCat(window_ms * 2)});
      c.global += c.pending;  // optimistic; corrected from Redis' answer below
      c.pending = 0;
      ++it;
    }
  }
  if (commands.empty()) return absl::OkStatus();
  auto replies = redis_->Pipeline(commands);
  if (!replies.ok()) {
    // Keep the counts: put them back as pending for the next sync.
    for (const Flush& f : flushes) {
      absl::MutexLock lock(&f.shard->mu);
      auto it = f.shard->counters.find(f.key);
      if (it != f.shard->counters.end() && it->second.slot == f.slot) {
        it->second.global -= f.added;
        it->second.pending += f.added;
      }
    }
    return replies.status();
  }
  for (size_t i = 0; i < flushes.size(); ++i) {
    const Flush& f = flushes[i];
    const int64_t total = (*replies)[2 * i].integer();
    absl::MutexLock lock(&f.shard->mu);
    auto it = f.shard->counters.find(f.key);
    if (it != f.shard->counters.end() && it->second.slot == f.slot) it->second.global = total;
  }
  return absl::OkStatus();
}

}  // namespace qrcloud::gateway
