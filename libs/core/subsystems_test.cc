#include "libs/core/subsystems.h"

#include <catch2/catch.hpp>

namespace qrcloud::core {
namespace {

TEST_CASE("Subsystem names parse, case and spaces aside, and an unknown one is named") {
  auto parsed = ParseSubsystems(" Landing, personal-front ,agent");
  REQUIRE(parsed.ok());
  CHECK(*parsed ==
        std::set<Subsystem>{Subsystem::kLanding, Subsystem::kPersonalFront, Subsystem::kAgent});
  CHECK(ParseSubsystems("").value().empty());
  auto bad = ParseSubsystems("landing,shop-front");
  REQUIRE(bad.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(bad.status().message().find("\"shop-front\"") != std::string::npos);
  CHECK(bad.status().message().find("merchant-front") != std::string::npos);
}

TEST_CASE("With no flag set nothing is switched off") {
  CHECK(DisabledSubsystems().empty());
  CHECK(CheckSubsystemEnabled(Subsystem::kAgent).ok());
}

}  // namespace
}  // namespace qrcloud::core
