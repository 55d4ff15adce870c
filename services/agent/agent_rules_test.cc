// The agent rules without a database: territories, levels, parents, cycles,
// the chain's share of the fee, and the link state machine.
#include "services/agent/agent_rules.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"

namespace qrcloud::agent {
namespace {

v1::Agent MakeAgent(const std::string& id, int level, int bps, const std::string& parent = "",
                    v1::Agent::State state = v1::Agent::AUTHORIZED) {
  v1::Agent a;
  a.set_id(id);
  a.set_level(level);
  a.set_commission_bps(bps);
  a.set_parent_agent_id(parent);
  a.set_state(state);
  a.add_territories("350100");
  return a;
}

std::string FieldOf(const absl::Status& s) {
  auto v = core::FieldViolations(s);
  return v.empty() ? "" : v[0].field;
}

TEST_CASE("Region codes are six digits under a real province, a county only under a city") {
  CHECK(IsRegionCode("350000"));
  CHECK(IsRegionCode("350100"));
  CHECK(IsRegionCode("350102"));
  CHECK(IsRegionCode("110101"));
  CHECK(IsRegionCode("820000"));
  CHECK_FALSE(IsRegionCode("35010"));
  CHECK_FALSE(IsRegionCode("3501000"));
  CHECK_FALSE(IsRegionCode("35O100"));
  CHECK_FALSE(IsRegionCode("990000"));  // no province 99
  CHECK_FALSE(IsRegionCode("160000"));  // nor 16
  CHECK_FALSE(IsRegionCode("350001"));  // a county under no city
}

TEST_CASE("Territories: one to twenty codes, no repeats, the bad one named") {
  CHECK(ValidateTerritories("territories", {"350100", "350200"}).ok());
  CHECK(FieldOf(ValidateTerritories("territories", {})) == "territories");
  CHECK(FieldOf(ValidateTerritories("territories", {"350100", "999999"})) == "territories[1]");
  CHECK(FieldOf(ValidateTerritories("territories", {"350100", "350100"})) == "territories[1]");
  CHECK(FieldOf(ValidateTerritories("territories", std::vector<std::string>(21, "350100"))) ==
        "territories");
}

TEST_CASE("Levels run from 1 to 3 and shares from 0 to 10000 basis points") {
  CHECK(ValidateLevel(1).ok());
  CHECK(ValidateLevel(3).ok());
  CHECK(FieldOf(ValidateLevel(0)) == "level");
  CHECK(FieldOf(ValidateLevel(4)) == "level");
  CHECK(ValidateCommission(0).ok());
  CHECK(ValidateCommission(10000).ok());
  CHECK(FieldOf(ValidateCommission(10001)) == "commissionBps");
  CHECK(FieldOf(ValidateCommission(-1)) == "commissionBps");
}

TEST_CASE("Each level's default share is given once, and a chain of defaults fits in the fee") {
  auto shares = ParseLevelShares("1=2000, 2=1000, 3=500");
  REQUIRE(shares.ok());
  CHECK((*shares)[1] == 2000);
  CHECK((*shares)[3] == 500);
  CHECK_FALSE(ParseLevelShares("1=2000,2=1000").ok());             // level 3 missing
  CHECK_FALSE(ParseLevelShares("1=2000,1=1000,3=500").ok());       // level 1 twice
  CHECK_FALSE(ParseLevelShares("1=6000,2=3000,3=1001").ok());      // over 100% together
  CHECK_FALSE(ParseLevelShares("0=10,1=2000,2=1000,3=500").ok());  // no level 0
  CHECK_FALSE(ParseLevelShares("1=x,2=1000,3=500").ok());
}

TEST_CASE("A parent is authorized, of a smaller level, and not the agent itself") {
  const v1::Agent child = MakeAgent("b", 2, 1000, "a");
  CHECK(CheckParent(child, MakeAgent("a", 1, 2000)).ok());
  CHECK(FieldOf(CheckParent(child, MakeAgent("a", 2, 2000))) == "parentAgentId");
  CHECK(FieldOf(CheckParent(child, MakeAgent("a", 3, 2000))) == "parentAgentId");
  CHECK(FieldOf(CheckParent(child, MakeAgent("a", 1, 2000, "", v1::Agent::APPLIED))) ==
        "parentAgentId");
  CHECK(FieldOf(CheckParent(child, MakeAgent("a", 1, 2000, "", v1::Agent::SUSPENDED))) ==
        "parentAgentId");
  CHECK(FieldOf(CheckParent(child, MakeAgent("b", 1, 2000))) == "parentAgentId");
}

TEST_CASE("A parent found among the agent's own descendants is a cycle") {
  // a (1) <- b (2) <- c (3); making a's parent c would loop.
  const std::vector<v1::Agent> above_c = {MakeAgent("c", 3, 0, "b"), MakeAgent("b", 2, 0, "a"),
                                          MakeAgent("a", 1, 0)};
  CHECK(WouldCycle("a", above_c));
  CHECK_FALSE(WouldCycle("d", above_c));
  v1::Agent a = MakeAgent("a", 1, 0, "c");
  CHECK(FieldOf(CheckTerms(a, above_c, {})) == "parentAgentId");
}

TEST_CASE("The shares along a chain may come to 100 percent of the fee and no more") {
  const v1::Agent top = MakeAgent("a", 1, 6000);
  v1::Agent mid = MakeAgent("b", 2, 3000, "a");
  CHECK(CheckTerms(mid, {top}, {}).ok());
  mid.set_commission_bps(4000);
  CHECK(CheckTerms(mid, {top}, {}).ok());  // exactly 100%
  mid.set_commission_bps(4001);
  const absl::Status over = CheckTerms(mid, {top}, {});
  CHECK(FieldOf(over) == "commissionBps");
  CHECK(std::string(over.message()).find("over 100%") != std::string::npos);
}

TEST_CASE("Raising an agent's share is checked against the deepest chain below it") {
  // a (1) has b (2, 3000) and c (2, 1000) under it, d (3, 2000) under b.
  const std::vector<v1::Agent> below = {MakeAgent("b", 2, 3000, "a"), MakeAgent("c", 2, 1000, "a"),
                                        MakeAgent("d", 3, 2000, "b")};
  CHECK(MaxShareBelow("a", below) == 5000);
  CHECK(MaxShareBelow("b", below) == 2000);
  CHECK(MaxShareBelow("d", below) == 0);
  v1::Agent a = MakeAgent("a", 1, 5000);
  CHECK(CheckTerms(a, {}, below).ok());
  a.set_commission_bps(5001);
  CHECK(FieldOf(CheckTerms(a, {}, below)) == "commissionBps");
}

TEST_CASE("Paths that loop are cut when the share below is summed") {
  const std::vector<v1::Agent> looped = {MakeAgent("b", 2, 100, "a"), MakeAgent("a", 1, 100, "b")};
  CHECK(MaxShareBelow("a", looped) == 100);
}

TEST_CASE("An agent's level stays above its children's") {
  const std::vector<v1::Agent> below = {MakeAgent("b", 2, 0, "a")};
  CHECK(CheckTerms(MakeAgent("a", 1, 0), {}, below).ok());
  CHECK(FieldOf(CheckTerms(MakeAgent("a", 2, 0), {}, below)) == "level");
}

TEST_CASE("Terms are checked field by field") {
  v1::Agent a = MakeAgent("a", 0, 0);
  CHECK(FieldOf(CheckTerms(a, {}, {})) == "level");
  a = MakeAgent("a", 1, 10001);
  CHECK(FieldOf(CheckTerms(a, {}, {})) == "commissionBps");
  a = MakeAgent("a", 1, 0);
  a.set_territories(0, "12345");
  CHECK(FieldOf(CheckTerms(a, {}, {})) == "territories[0]");
}

TEST_CASE("Only authorized agents sign merchants up") {
  CHECK(CheckMaySignUp(MakeAgent("a", 1, 0)).ok());
  CHECK(CheckMaySignUp(MakeAgent("a", 1, 0, "", v1::Agent::APPLIED)).code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK(CheckMaySignUp(MakeAgent("a", 1, 0, "", v1::Agent::SUSPENDED)).code() ==
        absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Links go invited or requested to linked, requested to declined, linked to unlinked") {
  using S = v1::AgentMerchant;
  CHECK(CheckLinkTransition(S::INVITED, S::LINKED).ok());
  CHECK(CheckLinkTransition(S::REQUESTED, S::LINKED).ok());
  CHECK(CheckLinkTransition(S::REQUESTED, S::DECLINED).ok());
  CHECK(CheckLinkTransition(S::LINKED, S::UNLINKED).ok());
  CHECK_FALSE(CheckLinkTransition(S::INVITED, S::DECLINED).ok());
  CHECK_FALSE(CheckLinkTransition(S::DECLINED, S::LINKED).ok());
  CHECK_FALSE(CheckLinkTransition(S::UNLINKED, S::LINKED).ok());
  CHECK_FALSE(CheckLinkTransition(S::LINKED, S::LINKED).ok());
  CHECK_FALSE(CheckLinkTransition(S::INVITED, S::UNLINKED).ok());
}

TEST_CASE("Invite codes are read in any case and refused when malformed") {
  CHECK(*NormalizeInviteCode(" abcd1234xy ") == "ABCD1234XY");
  CHECK(FieldOf(NormalizeInviteCode("ABCD").status()) == "code");
  CHECK(FieldOf(NormalizeInviteCode("ABCD1234XU").status()) == "code");  // no U
}

TEST_CASE("An agent sees only itself, auditors read, administrators do everything") {
  auth::Principal me;
  me.Grant(auth::Role::kAgent);
  me.agent_id = "a";
  CHECK(ResolveAgentId(me, "me") == "a");
  CHECK(CheckAgentAccess(me, "a", auth::Access::kWrite).ok());
  CHECK(CheckAgentAccess(me, "b", auth::Access::kRead).code() == absl::StatusCode::kNotFound);
  auth::Principal auditor;
  auditor.Grant(auth::Role::kAuditor);
  CHECK(CheckAgentAccess(auditor, "b", auth::Access::kRead).ok());
  CHECK(CheckAgentAccess(auditor, "b", auth::Access::kWrite).code() == absl::StatusCode::kNotFound);
  auth::Principal admin;
  admin.Grant(auth::Role::kAdmin);
  CHECK(CheckAgentAccess(admin, "b", auth::Access::kWrite).ok());
  auth::Principal merchant;
  merchant.Grant(auth::Role::kMerchant);
  merchant.merchant_id = "a";
  CHECK(CheckAgentAccess(merchant, "a", auth::Access::kRead).code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace qrcloud::agent
