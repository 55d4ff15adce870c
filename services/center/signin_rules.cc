#include "services/center/signin_rules.h"

#include "libs/core/encoding.h"

namespace qrcloud::center {

absl::Duration DelayAfter(int attempts, const ThrottleTier& tier) {
  if (attempts <= tier.free) return absl::ZeroDuration();
  absl::Duration delay = tier.base;
  for (int i = tier.free + 1; i < attempts && delay < tier.cap; ++i) delay *= 2;
  return std::min(delay, tier.cap);
}

std::vector<int64_t> DelayTableMs(const ThrottleTier& tier) {
  std::vector<int64_t> out;
  out.reserve(kThrottleSteps);
  for (int n = 1; n <= kThrottleSteps; ++n) {
    out.push_back(absl::ToInt64Milliseconds(DelayAfter(n, tier)));
  }
  return out;
}

std::string ThrottleKeyPart(absl::string_view value) {
  return core::Sha256Hex(value).substr(0, 32);
}

}  // namespace qrcloud::center
