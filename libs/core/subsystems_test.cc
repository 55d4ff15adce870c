#include "libs/core/subsystems.h"

#include <catch2/catch.hpp>

namespace qrcloud::core {
namespace {

TEST_CASE("Subsystem names parse, case and spaces aside, and an unknown one is named") {
  auto parsed = ParseSubsystems(" Landing, personal-front ,agent");
  REQUIRE(parsed.ok());
  CHECK(*parsed == std::set<Subsystem>{Subsystem::kLanding, Subsystem::kPersonalFront, Subsystem::kAgent});
  CHECK(ParseSubsystems("").value().empty());
  auto bad = ParseSubsystems("landing,shop-front");
  REQUIRE(bad.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(bad.status().message().find("\"shop-front\"") != std::string::npos);
  CHECK(bad.status().message().find("merchant-front") != std::string::npos);
}

TEST_CASE("Methods map to their subsystem and the platform's own to none") {
  CHECK(SubsystemOf("qrcloud.v1.AgentService/ListMerchants") == Subsystem::kAgent);
  CHECK(SubsystemOf("/qrcloud.v1.LandingAdminService/RegisterNode") == Subsystem::kLanding);
  CHECK(SubsystemOf("qrcloud.v1.OrderService/CreateOrder") == Subsystem::kPersonalFront);
  CHECK(SubsystemOf("qrcloud.v1.OrderService/RedeemReceipt") == Subsystem::kMerchantFront);
  CHECK(SubsystemOf("qrcloud.v1.CampaignService/CreateCampaign") == Subsystem::kMerchantFront);
  CHECK(SubsystemOf("qrcloud.v1.GeoService/NearbyCampaigns") == Subsystem::kPersonalFront);
  // Signing in, shared reads and the audit service are never switched off.
  CHECK_FALSE(SubsystemOf("qrcloud.v1.AuthService/SignIn").has_value());
  CHECK_FALSE(SubsystemOf("qrcloud.v1.OrderService/GetOrder").has_value());
  CHECK_FALSE(SubsystemOf("qrcloud.v1.CodeService/ResolveSlug").has_value());
  CHECK_FALSE(SubsystemOf("qrcloud.v1.AuditService/ListTasks").has_value());
  // A prefix of a method name is not the method.
  CHECK_FALSE(SubsystemOf("qrcloud.v1.OrderService/CreateOrderX").has_value());
}

TEST_CASE("With no flag set nothing is switched off") {
  CHECK(DisabledSubsystems().empty());
  CHECK(CheckMethodEnabled("qrcloud.v1.AgentService/ListMerchants").ok());
}

}  // namespace
}  // namespace qrcloud::core
