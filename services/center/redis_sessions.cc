#include "services/center/redis_sessions.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "services/center/signin_rules.h"

namespace qrcloud::center {
namespace {

constexpr const ThrottleTier* kTiers[] = {&kPairTier, &kLoginTier, &kAddressTier};

// KEYS: one hash per tier. ARGV: the window in seconds, the number of steps,
// then each tier's delay table (ms). Refuses (returns the wait in ms) while
// any tier's next attempt is in the future; otherwise counts the attempt in
// every tier and sets when each may next be tried.
const cache::Script kBeginScript(R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local steps = tonumber(ARGV[2])
local wait = 0
for i = 1, #KEYS do
  local next = tonumber(redis.call('HGET', KEYS[i], 'next') or '0')
  if next - now > wait then wait = next - now end
end
if wait > 0 then return wait end
for i = 1, #KEYS do
  local n = redis.call('HINCRBY', KEYS[i], 'n', 1)
  local delay = tonumber(ARGV[2 + (i - 1) * steps + math.min(n, steps)])
  redis.call('HSET', KEYS[i], 'next', now + delay)
  redis.call('EXPIRE', KEYS[i], window)
end
return 0
)lua");

// KEYS: pair, login, address. The pair is cleared; the others give back one
// attempt, if they still exist.
const cache::Script kSucceededScript(R"lua(
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  if tonumber(redis.call('HGET', KEYS[i], 'n') or '0') > 0 then
    redis.call('HINCRBY', KEYS[i], 'n', -1)
  end
end
return 0
)lua");

cache::Args Keys(absl::string_view login, absl::string_view address) {
  return {absl::StrCat("qrcloud:signin:pair:", ThrottleKeyPart(absl::StrCat(login, "\n", address))),
          absl::StrCat("qrcloud:signin:login:", ThrottleKeyPart(login)),
          absl::StrCat("qrcloud:signin:address:", ThrottleKeyPart(address))};
}

const cache::Args& BeginArgs() {
  static const cache::Args* args = [] {
    auto* a = new cache::Args{absl::StrCat(absl::ToInt64Seconds(kThrottleWindow)),
                              absl::StrCat(kThrottleSteps)};
    for (const ThrottleTier* tier : kTiers) {
      for (int64_t ms : DelayTableMs(*tier)) a->push_back(absl::StrCat(ms));
    }
    return a;
  }();
  return *args;
}

}  // namespace

absl::Status RedisSignInThrottle::Begin(absl::string_view login, absl::string_view address) {
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply r,
                           redis_.Eval(kBeginScript, Keys(login, address), BeginArgs()));
  if (r.integer() > 0) {
    const absl::Duration wait = absl::Milliseconds(r.integer());
    return core::RetryAfter(
        wait, absl::StrCat("too many sign-in attempts for this login or from this address; try "
                           "again in ",
                           absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))), " s"));
  }
  return absl::OkStatus();
}

void RedisSignInThrottle::Succeeded(absl::string_view login, absl::string_view address) {
  (void)redis_.Eval(kSucceededScript, Keys(login, address), {});
}

}  // namespace qrcloud::center
