#include "libs/core/slots.h"

#include <catch2/catch.hpp>

namespace qrcloud::core {
namespace {

TEST_CASE("Slots give out at most their capacity and take back what is released") {
  Slots slots(2);
  auto a = slots.TryTake();
  auto b = slots.TryTake();
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK_FALSE(slots.TryTake().has_value());
  CHECK(slots.taken() == 2);
  a.reset();
  CHECK(slots.taken() == 1);
  auto c = slots.TryTake();
  CHECK(c.has_value());
  CHECK_FALSE(slots.TryTake().has_value());
}

TEST_CASE("A moved ticket releases its slot once") {
  Slots slots(1);
  {
    auto a = slots.TryTake();
    REQUIRE(a.has_value());
    Slots::Ticket moved = std::move(*a);
    a.reset();
    CHECK(slots.taken() == 1);
  }
  CHECK(slots.taken() == 0);
}

}  // namespace
}  // namespace qrcloud::core
