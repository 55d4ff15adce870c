#include "libs/core/ids.h"

#include <catch2/catch.hpp>

#include <set>

#include "absl/time/clock.h"

namespace qrcloud::core {
namespace {

TEST_CASE("Ids are valid, unique and sort by creation time") {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewId();
    CHECK(IsValidId(id));
    seen.insert(std::move(id));
  }
  CHECK(seen.size() == 10000);
  const absl::Time t = absl::Now() + absl::Hours(24);
  const std::string earlier = NewIdAt(t);
  const std::string later = NewIdAt(t + absl::Milliseconds(1));
  CHECK(earlier < later);
  CHECK(NewIdAt(t).substr(0, 10) == NewIdAt(t).substr(0, 10));  // same time prefix
}

TEST_CASE("Ids made in one millisecond still sort in the order they were made") {
  std::string previous = NewId();
  for (int i = 0; i < 5000; ++i) {
    std::string next = NewId();
    REQUIRE(next > previous);
    previous = std::move(next);
  }
}

TEST_CASE("IsValidId refuses what NewId never makes") {
  CHECK_FALSE(IsValidId(""));
  CHECK_FALSE(IsValidId("01ARZ3NDEKTSV4RRFFQ69G5FAV"));  // upper case
  CHECK_FALSE(IsValidId("01arz3ndektsv4rrffq69g5fa"));   // too short
  CHECK_FALSE(IsValidId("01arz3ndektsv4rrffq69g5fau"));  // 'u' is not Crockford
  CHECK_FALSE(IsValidId("81arz3ndektsv4rrffq69g5fav"));  // first char over 3 bits
  CHECK(IsValidId("01arz3ndektsv4rrffq69g5fav"));
}

TEST_CASE("Random tokens have the requested size") {
  CHECK(RandomHex(16).size() == 32);
  CHECK(RandomBase64Url(32).size() == 43);
  CHECK(RandomBase64Url(32) != RandomBase64Url(32));
}

}  // namespace
}  // namespace qrcloud::core
