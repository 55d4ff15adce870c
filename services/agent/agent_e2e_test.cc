// qrcloud-agent through the real gateway, started by the e2e stack from its
// line in services/services.txt: an agent applies and is authorized, signs a
// merchant up by invite and another by a request its owner accepts, lists
// them with the center's view of them; other agents and merchants see none
// of it; bad terms are refused naming the field with nothing written; and
// every change reaches the `agents` stream for settlement.
#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/agent_events.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;
  std::unique_ptr<Api> admin;
  World() {
    auto s = Stack::Start({.processes = {"agent"}});
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
    admin = std::make_unique<Api>("127.0.0.1", stack->gateway_port());
    admin->set_token(flow->admin_token());
  }
  // A new agent account that applied (under `parent`, if given); its id.
  std::unique_ptr<Api> Applied(std::string* id, const std::string& parent = "") {
    auto agent = flow->NewAccount("AGENT");
    *id = agent->Get("/v1/me").At("account.agentId");
    REQUIRE_FALSE(id->empty());
    ApiResponse applied = agent->Post(
        "/v1/agents/me:apply",
        absl::StrCat(R"({"displayName":"Agent )", id->substr(20),
                     R"(","territories":["350100","350102"],"parentAgentId":")", parent, R"("})"));
    INFO(applied.body);
    REQUIRE(applied.status == 200);
    CHECK(applied.At("state") == "APPLIED");
    return agent;
  }
  ApiResponse Authorize(const std::string& id, const std::string& terms) {
    return admin->Post("/v1/agents/" + id + ":authorize", terms);
  }
  // The `agents` stream's entries as (type, data).
  std::vector<std::pair<std::string, std::string>> Events() {
    std::vector<std::pair<std::string, std::string>> out;
    auto entries = flow->redis().Command({"XRANGE", core::kAgentStream, "-", "+"});
    if (!entries.ok()) return out;
    for (const auto& e : cache::ParseEntries(*entries)) {
      out.emplace_back(e.Field("type"), e.Field("data"));
    }
    return out;
  }
  int Count(const std::string& type, const std::string& path, const std::string& value) {
    int n = 0;
    for (const auto& [t, data] : Events()) n += t == type && JsonAt(data, path) == value;
    return n;
  }
};

TEST_CASE("An authorized agent signs merchants up by invite and by consent and sees only its own") {
  World w;
  std::string a, b;
  auto agent = w.Applied(&a);
  // Not yet authorized: it signs nobody up.
  CHECK(agent->Post("/v1/agents/" + a + "/merchants", "{}").status == 400);
  ApiResponse authorized =
      w.Authorize(a, R"({"level":1,"commissionBps":2000,"territories":["350000"]})");
  INFO(authorized.body);
  REQUIRE(authorized.status == 200);
  CHECK(authorized.At("state") == "AUTHORIZED");
  CHECK(authorized.At("commissionBps") == "2000");
  CHECK(authorized.At("territories.0") == "350000");
  // Only an administrator authorizes.
  CHECK(agent->Post("/v1/agents/" + a + ":authorize", R"({"level":1})").status == 403);
  auto sub = w.Applied(&b, a);
  REQUIRE(w.Authorize(
               b, absl::StrCat(R"({"level":2,"commissionBps":1000,"parentAgentId":")", a, R"("})"))
              .At("parentAgentId") == a);

  // An invite, accepted by a qualified merchant's owner.
  std::string m1, m2;
  auto shop = w.flow->QualifiedMerchant(&m1);
  ApiResponse invite = agent->Post("/v1/agents/me/merchants", "{}");
  INFO(invite.body);
  REQUIRE(invite.status == 200);
  CHECK(invite.At("state") == "INVITED");
  const std::string code = invite.At("inviteCode");
  CHECK(absl::StrContains(invite.At("inviteUrl"), "/v1/agentInvites/" + code + ":accept"));
  ApiResponse accepted = shop->Post("/v1/agentInvites/" + code + ":accept", "{}");
  INFO(accepted.body);
  REQUIRE(accepted.status == 200);
  CHECK(accepted.At("state") == "LINKED");
  CHECK(accepted.At("merchantId") == m1);

  // A request to an existing merchant, which its owner accepts; nobody
  // else may answer it.
  auto other_shop = w.flow->NewAccount("MERCHANT", &m2);
  ApiResponse requested =
      agent->Post("/v1/agents/" + a + "/merchants", R"({"merchantId":")" + m2 + R"("})");
  INFO(requested.body);
  REQUIRE(requested.status == 200);
  CHECK(requested.At("state") == "REQUESTED");
  ApiResponse waiting = other_shop->Get("/v1/merchants/" + m2 + "/agentLinks");
  CHECK(waiting.At("links.0.state") == "REQUESTED");
  CHECK(waiting.At("links.0.agentId") == a);
  const std::string accept = "/v1/merchants/" + m2 + "/agentLinks/" + a + ":accept";
  CHECK(shop->Post(accept, "{}").status == 404);
  CHECK(agent->Post(accept, "{}").status == 404);
  REQUIRE(other_shop->Post(accept, "{}").At("state") == "LINKED");

  // The agent's merchants, with the center's view of each.
  ApiResponse mine = agent->Get("/v1/agents/" + a + "/merchants?state=LINKED");
  INFO(mine.body);
  REQUIRE(mine.status == 200);
  CHECK(mine.At("merchants.0.merchantId") == m2);
  CHECK(mine.At("merchants.1.merchantId") == m1);
  CHECK(mine.At("merchants.1.qualificationState") == "APPROVED");
  CHECK_FALSE(mine.At("merchants.1.displayName").empty());
  CHECK(mine.At("merchants.2.merchantId").empty());

  // Another agent, a merchant, a person: 404, as for no agent at all.
  for (Api* other : {sub.get(), shop.get()}) {
    CHECK(other->Get("/v1/agents/" + a + "/merchants").status == 404);
    CHECK(other->Get("/v1/agents/" + a).status == 404);
    CHECK(other->Get("/v1/agents/" + a + "/statements").status == 404);
  }
  CHECK(sub->Post("/v1/agents/" + a + "/merchants", "{}").status == 404);
  CHECK(sub->Get("/v1/agents/me/merchants").At("merchants.0.merchantId").empty());
  // A merchant has one agent.
  CHECK(sub->Post("/v1/agents/me/merchants", R"({"merchantId":")" + m1 + R"("})").status == 400);
  CHECK(w.admin->Get("/v1/agents/" + a + "/merchants").At("merchants.0.merchantId") == m2);

  // Administrators list agents by state; agents may not.
  ApiResponse listed = w.admin->Get("/v1/agents?state=AUTHORIZED");
  CHECK(absl::StrContains(listed.body, a));
  CHECK_FALSE(absl::StrContains(w.admin->Get("/v1/agents?state=APPLIED").body, a));
  CHECK(agent->Get("/v1/agents").status == 403);

  // Statements are settlement's.
  CHECK(agent->Get("/v1/agents/" + a + "/statements?period=2026-12").At("statementsUrl") ==
        "/v1/statements?party=agent:" + a + "&period=2026-12");

  // Suspension, and the merchant ending its link.
  CHECK(w.admin->Post("/v1/agents/" + b + ":suspend", R"({"reason":"under review"})").At("state") ==
        "SUSPENDED");
  CHECK(
      other_shop->Post("/v1/merchants/" + m2 + "/agentLinks/" + a + ":unlink", "{}").At("state") ==
      "UNLINKED");

  // Everything settlement needs is on the `agents` stream.
  REQUIRE(WaitFor([&] { return w.Count(core::kAgentMerchantUnlinked, "merchantId", m2) == 1; },
                  absl::Seconds(10)));
  CHECK(w.Count(core::kAgentUpdated, "id", a) == 2);  // applied, authorized
  CHECK(w.Count(core::kAgentUpdated, "id", b) == 3);  // applied, authorized, suspended
  CHECK(w.Count(core::kAgentMerchantLinked, "merchantId", m1) == 1);
  CHECK(w.Count(core::kAgentMerchantLinked, "merchantId", m2) == 1);
  for (const auto& [type, data] : w.Events()) {
    if (type == core::kAgentUpdated && JsonAt(data, "id") == b &&
        JsonAt(data, "state") == "AUTHORIZED") {
      CHECK(JsonAt(data, "parentAgentId") == a);
      CHECK(JsonAt(data, "commissionBps") == "1000");
      CHECK(JsonAt(data, "level") == "2");
    }
    if (type == core::kAgentMerchantLinked) {
      CHECK(JsonAt(data, "agentId") == a);
      CHECK_FALSE(JsonAt(data, "linkTime").empty());
      CHECK(JsonAt(data, "inviteCode").empty());
    }
  }
}

TEST_CASE("Bad terms are refused naming the field and nothing is written") {
  World w;
  std::string a, b;
  auto top = w.Applied(&a);
  REQUIRE(w.Authorize(a, R"({"level":1,"commissionBps":6000})").status == 200);
  auto sub = w.Applied(&b, a);
  const auto field_of = [](const ApiResponse& r) {
    return r.At("details.0.fieldViolations.0.field");
  };

  // A share over 100% along the chain: 6000 + 4001.
  ApiResponse over = w.Authorize(
      b, absl::StrCat(R"({"level":2,"commissionBps":4001,"parentAgentId":")", a, R"("})"));
  INFO(over.body);
  CHECK(over.status == 400);
  CHECK(field_of(over) == "commissionBps");
  CHECK(absl::StrContains(over.body, "over 100%"));
  ApiResponse level = w.Authorize(b, R"({"level":4,"commissionBps":100})");
  CHECK(level.status == 400);
  CHECK(field_of(level) == "level");
  ApiResponse same_level = w.Authorize(
      b, absl::StrCat(R"({"level":1,"commissionBps":100,"parentAgentId":")", a, R"("})"));
  CHECK(same_level.status == 400);
  CHECK(field_of(same_level) == "parentAgentId");
  ApiResponse territory = w.Authorize(b, R"({"level":2,"territories":["350001"]})");
  CHECK(territory.status == 400);
  CHECK(field_of(territory) == "territories[0]");
  ApiResponse bad_apply =
      sub->Post("/v1/agents/me:apply", R"({"displayName":"Sub","territories":["999999"]})");
  CHECK(bad_apply.status == 400);
  CHECK(field_of(bad_apply) == "territories[0]");

  // Nothing changed: the agent is as it applied, and no event says otherwise.
  ApiResponse shown = sub->Get("/v1/agents/me");
  INFO(shown.body);
  CHECK(shown.At("state") == "APPLIED");
  CHECK(shown.At("level").empty());
  CHECK(shown.At("territories.0") == "350100");
  // The right terms pass; the events for the agent are its application and
  // this, in order: the refused attempts published nothing between them.
  CHECK(w.Authorize(
             b, absl::StrCat(R"({"level":2,"commissionBps":4000,"parentAgentId":")", a, R"("})"))
            .status == 200);
  REQUIRE(WaitFor([&] { return w.Count(core::kAgentUpdated, "id", b) == 2; }, absl::Seconds(10)));
  std::vector<std::string> states;
  for (const auto& [type, data] : w.Events()) {
    if (JsonAt(data, "id") == b)
      states.push_back(JsonAt(data, "state") + JsonAt(data, "commissionBps"));
  }
  CHECK(states == std::vector<std::string>{"APPLIED", "AUTHORIZED4000"});
}

}  // namespace
}  // namespace qrcloud::testing
