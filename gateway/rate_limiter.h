// Request rate limits per bearer token and per client address, counted in
// Redis so that every gateway replica shares them. One round trip per request
// (a Lua script checks both counters).
#ifndef QRCLOUD_GATEWAY_RATE_LIMITER_H_
#define QRCLOUD_GATEWAY_RATE_LIMITER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"

namespace qrcloud::gateway {

struct RateLimitOptions {
  // Requests per window; 0 turns that limit off.
  int per_token = 1200;
  int per_address = 2400;
  absl::Duration window = absl::Minutes(1);
};

class RateLimiter {
 public:
  RateLimiter(cache::RedisPool& redis, RateLimitOptions options) : redis_(redis), options_(options) {}

  // Counts one request. Returns zero if it may proceed, otherwise how long the
  // caller should wait. `token` may be empty (anonymous).
  absl::StatusOr<absl::Duration> Hit(absl::string_view token, absl::string_view address);

 private:
  cache::RedisPool& redis_;
  RateLimitOptions options_;
};

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_RATE_LIMITER_H_
