#include "gateway/rate_limiter.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/encoding.h"
#include "libs/core/status.h"

namespace qrcloud::gateway {
namespace {

// Fixed windows: KEYS are the counters of this window; ARGV the limits and
// the window length in ms. Returns the milliseconds to wait, 0 if allowed.
// A request over one limit is still counted against the other, so flooding
// with many tokens from one address is caught by the address limit.
const cache::Script& LimitScript() {
  static const cache::Script* script = new cache::Script(R"lua(
local wait = 0
for i = 1, #KEYS do
  local limit = tonumber(ARGV[i])
  if limit > 0 then
    local n = redis.call('INCR', KEYS[i])
    if n == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[#KEYS + 1]) end
    if n > limit then
      local ttl = redis.call('PTTL', KEYS[i])
      if ttl > wait then wait = ttl end
    end
  end
end
return wait
)lua");
  return *script;
}

}  // namespace

absl::StatusOr<absl::Duration> RateLimiter::Hit(absl::string_view token, absl::string_view address) {
  const int64_t window_ms = absl::ToInt64Milliseconds(options_.window);
  const int64_t slot = absl::ToUnixMillis(absl::Now()) / window_ms;
  cache::Args keys = {absl::StrCat("qrcloud:rl:ip:", address, ":", slot)};
  cache::Args args = {absl::StrCat(options_.per_address)};
  if (!token.empty()) {
    // Keyed by a hash: the token itself never reaches Redis through here.
    keys.push_back(absl::StrCat("qrcloud:rl:tok:", core::Sha256Hex(token).substr(0, 32), ":", slot));
    args.push_back(absl::StrCat(options_.per_token));
  }
  args.push_back(absl::StrCat(window_ms));
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply r, redis_.Eval(LimitScript(), keys, args));
  return absl::Milliseconds(r.integer());
}

}  // namespace qrcloud::gateway
