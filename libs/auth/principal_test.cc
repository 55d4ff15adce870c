#include "libs/auth/principal.h"

#include <catch2/catch.hpp>

namespace qrcloud::auth {
namespace {

TEST_CASE("A principal survives serialisation") {
  Principal p;
  p.account_id = "01hzzzzzzzzzzzzzzzzzzzzzzz";
  p.kind = "MERCHANT";
  p.Grant(Role::kMerchant);
  p.Grant(Role::kAuditor);
  p.merchant_id = "m1";
  p.node_id = "n1";
  auto back = Principal::Parse(p.Serialize());
  REQUIRE(back.has_value());
  CHECK(back->account_id == p.account_id);
  CHECK(back->kind == "MERCHANT");
  CHECK(back->Has(Role::kMerchant));
  CHECK(back->Has(Role::kAuditor));
  CHECK_FALSE(back->Has(Role::kAdmin));
  CHECK(back->merchant_id == "m1");
  CHECK(back->node_id == "n1");
  CHECK(back->RoleNames() == std::vector<std::string>{"merchant", "auditor"});
}

TEST_CASE("Garbage does not parse as a principal") {
  CHECK_FALSE(Principal::Parse("").has_value());
  CHECK_FALSE(Principal::Parse("p0|a|b|1|||||").has_value());
  CHECK_FALSE(Principal::Parse("p1||MERCHANT|2||||").has_value());
  CHECK_FALSE(Principal::Parse("p1|a|MERCHANT|x||||").has_value());
}

TEST_CASE("Role names round-trip") {
  for (Role r : AllRoles()) CHECK(RoleFromName(RoleName(r)) == r);
  CHECK_FALSE(RoleFromName("root").has_value());
}

}  // namespace
}  // namespace qrcloud::auth
