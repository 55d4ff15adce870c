// Request rate limits per bearer token and per client address, shared by
// every gateway replica through Redis.
//
// Counting costs no round trip on the request path: each replica counts
// locally and a background thread adds its counts to Redis every
// `sync_interval`, reading back the totals of all replicas. A request is
// refused when the last known total plus the local count since reaches the
// limit. With one replica the limit is exact; with N replicas it can be
// overshot by at most what N-1 replicas admit in one sync interval. When
// Redis is unreachable each replica still enforces the limit on its own
// traffic.
#ifndef QRCLOUD_GATEWAY_RATE_LIMITER_H_
#define QRCLOUD_GATEWAY_RATE_LIMITER_H_

#include <array>
#include <cstdint>
#include <string>
#include <thread>
#include <unordered_map>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"

namespace qrcloud::gateway {

struct RateLimitOptions {
  // Requests per window; 0 turns that limit off.
  int per_token = 1200;
  int per_address = 2400;
  absl::Duration window = absl::Minutes(1);
  absl::Duration sync_interval = absl::Milliseconds(50);
};

class RateLimiter {
 public:
  // `redis` may be null: then each replica limits on its own.
  RateLimiter(cache::RedisPool* redis, RateLimitOptions options);
  ~RateLimiter();

  // Counts one request. Returns zero if it may proceed, otherwise how long
  // the caller should wait. `token` may be empty (anonymous).
  absl::Duration Hit(absl::string_view token, absl::string_view address);

  // Adds local counts to Redis and reads the totals back, now.
  absl::Status Sync();

 private:
  struct Counter {
    int64_t slot = -1;    // the window this counts
    int64_t global = 0;   // total in Redis at the last sync (all replicas)
    int64_t pending = 0;  // counted here since then
  };
  struct Shard {
    absl::Mutex mu;
    std::unordered_map<std::string, Counter> counters ABSL_GUARDED_BY(mu);
  };
  static constexpr int kShards = 16;

  // Counts against one key; true if still within `limit`.
  bool Count(const std::string& key, int limit, int64_t slot);
  Shard& ShardFor(const std::string& key);

  cache::RedisPool* redis_;
  RateLimitOptions options_;
  std::array<Shard, kShards> shards_;
  absl::Notification stop_;
  std::thread syncer_;
};

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_RATE_LIMITER_H_
