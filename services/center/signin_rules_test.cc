#include "services/center/signin_rules.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace qrcloud::center {
namespace {

TEST_CASE("Sign-in attempts wait nothing at first, then double up to the tier's cap") {
  for (int n = 1; n <= kPairTier.free; ++n) CHECK(DelayAfter(n, kPairTier) == absl::ZeroDuration());
  CHECK(DelayAfter(6, kPairTier) == absl::Seconds(1));
  CHECK(DelayAfter(7, kPairTier) == absl::Seconds(2));
  CHECK(DelayAfter(10, kPairTier) == absl::Seconds(16));
  CHECK(DelayAfter(40, kPairTier) == absl::Minutes(15));
  CHECK(DelayAfter(1'000'000, kPairTier) == absl::Minutes(15));
  // Guesses at one login from everywhere never keep its owner out for
  // more than a minute.
  CHECK(DelayAfter(1'000'000, kLoginTier) == absl::Minutes(1));
  CHECK(DelayAfter(kAddressTier.free, kAddressTier) == absl::ZeroDuration());
}

TEST_CASE("The delay tables reach every tier's cap and hold it") {
  for (const ThrottleTier* tier : {&kPairTier, &kLoginTier, &kAddressTier}) {
    INFO(tier->name);
    std::vector<int64_t> table = DelayTableMs(*tier);
    REQUIRE(table.size() == static_cast<size_t>(kThrottleSteps));
    CHECK(table.back() == absl::ToInt64Milliseconds(tier->cap));
    CHECK(std::is_sorted(table.begin(), table.end()));
  }
}

TEST_CASE("Throttle keys are the same size whatever was sent") {
  CHECK(ThrottleKeyPart(std::string(3'000'000, 'a')).size() == 32);
  CHECK(ThrottleKeyPart("a@example.com").size() == 32);
  CHECK(ThrottleKeyPart("a@example.com") != ThrottleKeyPart("b@example.com"));
}

}  // namespace
}  // namespace qrcloud::center
