#include "libs/core/money.h"

#include <catch2/catch.hpp>

#include <numeric>

namespace qrcloud::core {
namespace {

Money Cny(int64_t minor) { return *Money::Of("CNY", minor); }

TEST_CASE("Money parses decimals exactly and refuses what it cannot represent") {
  CHECK(Money::Parse("CNY", "19.90")->minor() == 1990);
  CHECK(Money::Parse("CNY", "0.05")->minor() == 5);
  CHECK(Money::Parse("CNY", "-3.1")->minor() == -310);
  CHECK(Money::Parse("CNY", "7")->minor() == 700);
  CHECK_FALSE(Money::Parse("CNY", "1.999").ok());  // never rounded
  CHECK_FALSE(Money::Parse("CNY", "1.").ok());
  CHECK_FALSE(Money::Parse("CNY", "abc").ok());
  CHECK_FALSE(Money::Parse("CNY", "").ok());
  CHECK_FALSE(Money::Parse("CNY", "99999999999999999999").ok());
  CHECK_FALSE(Money::Of("cny", 1).ok());
  CHECK(Money::Parse("CNY", "1.999").status().message().find("two places") != std::string::npos);
}

TEST_CASE("Money arithmetic is exact and refuses overflow and mixed currencies") {
  CHECK(Cny(1990).Add(Cny(10))->minor() == 2000);
  CHECK(Cny(5).Subtract(Cny(10))->minor() == -5);
  CHECK(Cny(1990).Multiply(3)->minor() == 5970);
  CHECK_FALSE(Cny(INT64_MAX).Add(Cny(1)).ok());
  CHECK_FALSE(Cny(INT64_MIN).Subtract(Cny(1)).ok());
  CHECK_FALSE(Cny(INT64_MAX / 2 + 1).Multiply(2).ok());
  CHECK_FALSE(Cny(1).Add(*Money::Of("USD", 1)).ok());
}

TEST_CASE("Money formats with two places and a sign") {
  CHECK(Cny(1990).ToString() == "19.90 CNY");
  CHECK(Cny(-5).ToDecimal() == "-0.05");
  CHECK(Cny(0).ToDecimal() == "0.00");
  CHECK(Cny(INT64_MIN).ToDecimal() == "-92233720368547758.08");
}

TEST_CASE("Allocation never loses or creates a fen") {
  const int64_t weights3[] = {1, 1, 1};
  auto parts = *Cny(100).Allocate(weights3);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].minor() == 34);  // the leftover fen goes to the first of equal remainders
  CHECK(parts[1].minor() == 33);
  CHECK(parts[2].minor() == 33);

  // Exhaustive-ish: every amount and several weight sets sum back exactly.
  const std::vector<std::vector<int64_t>> weight_sets = {
      {7000, 2000, 1000}, {1, 2, 3, 4, 5, 6, 7}, {9999, 1}, {0, 5, 0}, {3, 3, 3, 3, 3, 3}};
  for (const auto& w : weight_sets) {
    for (int64_t amount : {0L, 1L, 2L, 99L, 100L, 1001L, 123457L, -1L, -101L, 999999999999L}) {
      auto split = *Cny(amount).Allocate(w);
      int64_t sum = 0;
      for (size_t i = 0; i < split.size(); ++i) {
        sum += split[i].minor();
        if (w[i] == 0) CHECK(split[i].minor() == 0);
      }
      CHECK(sum == amount);
    }
  }
  const int64_t none[] = {0, 0};
  CHECK_FALSE(Cny(100).Allocate(none).ok());
  const int64_t negative[] = {1, -1};
  CHECK_FALSE(Cny(100).Allocate(negative).ok());
}

TEST_CASE("Basis-point shares round half away from zero") {
  CHECK(Cny(1990).Share(1000)->minor() == 199);
  CHECK(Cny(5).Share(1000)->minor() == 1);  // 0.5 → 1
  CHECK(Cny(4).Share(1000)->minor() == 0);  // 0.4 → 0
  CHECK(Cny(-5).Share(1000)->minor() == -1);
  CHECK(Cny(INT64_MAX).Share(10000)->minor() == INT64_MAX);
  CHECK_FALSE(Cny(1).Share(10001).ok());
}

}  // namespace
}  // namespace qrcloud::core
