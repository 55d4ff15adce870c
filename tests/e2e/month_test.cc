// A scripted month of the platform's money (issue 13, "Must show"), through
// the gateway and the real services: 3 agents on 2 levels, 20 merchants,
// 5 partners, 50,000 scans (with bots, HEAD requests, scripted clients and
// repeats) and 5,000 orders, some cancelled, some refunded. Then the ledger
// must hold exactly what the rules say, to the fen, balance to zero, and
// stay the same when every event of every stream is delivered again.
#include <catch2/catch.hpp>

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/money.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr int kMerchants = 20;
constexpr int kPartners = 5;
constexpr int kPeople = 50;
constexpr int kScans = 50000;
constexpr int kOrders = 5000;
constexpr int64_t kFeeBps = 500;  // the standard plan
constexpr int64_t kCpc = 5;
constexpr int64_t kCpsBps = 300;

// Every entry of `stream`, as (type, data).
std::vector<std::pair<std::string, std::string>> Entries(cache::RedisPool& redis,
                                                         const std::string& stream) {
  std::vector<std::pair<std::string, std::string>> out;
  auto all = redis.Command({"XRANGE", stream, "-", "+"});
  REQUIRE(all.ok());
  for (size_t i = 0; i < all->size(); ++i) {
    const cache::Reply fields = (*all)[i][1];
    std::string type, data;
    for (size_t f = 0; f + 1 < fields.size(); f += 2) {
      if (fields[f].str() == "type") type = fields[f + 1].str();
      if (fields[f].str() == "data") data = fields[f + 1].str();
    }
    out.emplace_back(type, data);
  }
  return out;
}

int64_t Minor(const ApiResponse& account) {
  const std::string v = account.At("balance.minor");
  return v.empty() ? 0 : std::stoll(v);
}

TEST_CASE("A scripted month settles to the fen, balances, and replays change nothing") {
  // A month in a minute: the gateway's rate limits raised, as in the
  // benchmarks (every request comes from one address, and a shop redeems
  // hundreds of receipts a minute here).
  auto s = Stack::Start(
      {.gateway_flags = {"--rate_limit_per_token=100000000", "--rate_limit_per_address=100000000"},
       .processes = {"settlement", "agent", "partner"},
       .flags = {{"settlement", {"--holding_period=0s", "--release_interval=200ms"}}}});
  INFO((s.ok() ? "" : std::string(s.status().message())));
  REQUIRE(s.ok());
  Stack& stack = **s;
  Flow flow(stack);
  Api admin("127.0.0.1", stack.gateway_port());
  admin.set_token(flow.admin_token());
  auto ok = [](const ApiResponse& r, const std::string& what) {
    INFO(what << " → " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    return r;
  };

  // Agents: a top agent (10% of the fee) and two under it (20%, 15%).
  struct Agent {
    std::unique_ptr<Api> api;
    std::string id;
    int64_t bps;
  };
  std::vector<Agent> agents;
  for (int a = 0; a < 3; ++a) {
    Agent agent{flow.NewAccount("AGENT"), "", a == 0 ? 1000 : a == 1 ? 2000 : 1500};
    agent.id = agent.api->Get("/v1/me").At("account.agentId");
    ok(agent.api->Post("/v1/agents/me:apply", absl::StrCat(R"({"displayName":"Agent )", a,
                                                           R"(","territories":["350100"]})")),
       "apply");
    ok(admin.Post("/v1/agents/" + agent.id + ":authorize",
                  a == 0 ? R"({"level":1,"commissionBps":1000})"
                         : absl::StrCat(R"({"level":2,"commissionBps":)", agent.bps,
                                        R"(,"parentAgentId":")", agents[0].id, R"("})")),
       "authorize");
    agents.push_back(std::move(agent));
  }

  // Merchants, each with one offer: 0-7 signed up by agent 1, 8-13 by agent
  // 2, 14-16 by the top agent directly, 17-19 by nobody.
  struct Merchant {
    std::unique_ptr<Api> api;
    std::string id;
    std::string campaign;
    int64_t price;
    int agent = -1;
  };
  std::vector<Merchant> merchants;
  for (int m = 0; m < kMerchants; ++m) {
    Merchant merchant;
    merchant.api = flow.QualifiedMerchant(&merchant.id);
    merchant.price = 1000 + 37 * m;
    merchant.campaign =
        flow.PublishCampaign(*merchant.api, merchant.id,
                             absl::StrCat(R"({"title":"Offer )", m, R"(","mode":"ORDER",)",
                                          R"("price":{"currency":"CNY","minor":")", merchant.price,
                                          R"("},"stock":"100000","perPersonLimit":1000})"))
            .At("id");
    REQUIRE_FALSE(merchant.campaign.empty());
    merchant.agent = m < 8 ? 1 : m < 14 ? 2 : m < 17 ? 0 : -1;
    if (merchant.agent >= 0) {
      Agent& agent = agents[merchant.agent];
      ok(agent.api->Post(
             "/v1/agents/me/merchants",
             absl::StrCat(R"({"merchantId":")", merchant.id, R"(","requestId":"l-)", m, R"("})")),
         "link request");
      ok(merchant.api->Post("/v1/merchants/" + merchant.id + "/agentLinks/" + agent.id + ":accept",
                            "{}"),
         "link accept");
    }
    merchants.push_back(std::move(merchant));
  }

  // Partners, each placing the offers of four merchants.
  struct Partner {
    std::unique_ptr<Api> api;
    std::string id;
    std::vector<std::string> links;  // /s/{slug}?p=… of its placements
  };
  std::vector<Partner> partners;
  for (int p = 0; p < kPartners; ++p) {
    Partner partner{flow.NewAccount("PARTNER"), "", {}};
    partner.id = partner.api->Get("/v1/me").At("account.partnerId");
    ok(partner.api->Post("/v1/partners/me:register",
                         absl::StrCat(R"({"displayName":"Partner )", p,
                                      R"(","terms":{"cpc":{"currency":"CNY","minor":")", kCpc,
                                      R"("},"cpsBps":)", kCpsBps, R"(,"holdingDays":0}})")),
       "register");
    ok(admin.Post("/v1/partners/" + partner.id + ":approve", "{}"), "approve");
    for (int m = p * 4; m < p * 4 + 4; ++m) {
      ApiResponse placed =
          ok(partner.api->Post("/v1/partners/me/placements",
                               absl::StrCat(R"({"campaignId":")", merchants[m].campaign,
                                            R"(","channel":"WEB","requestId":"pl-)", m, R"("})")),
             "placement");
      const std::string url = placed.At("shortUrl");
      REQUIRE(url.find("/s/") != std::string::npos);
      partner.links.push_back(url.substr(url.find("/s/")));
    }
    partners.push_back(std::move(partner));
  }
  std::vector<std::unique_ptr<Api>> people;
  for (int i = 0; i < kPeople; ++i) people.push_back(flow.NewAccount("PERSON"));

  // 50,000 scans of the partners' links: people's phones signed in, the
  // same phones again (repeats), HEAD requests, scripted clients and bots.
  Api scanner("127.0.0.1", stack.gateway_port());
  for (int i = 0; i < kScans; ++i) {
    const int link = i % (kPartners * 4);
    const std::string& path = partners[link / 4].links[link % 4];
    const int person = (i / 20) % kPeople;
    const std::string phone =
        absl::StrCat("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X; person ", person,
                     ") Mobile/15E148");
    std::vector<std::pair<std::string, std::string>> headers;
    std::string method = "GET";
    switch (i % 10) {
      case 7:
        method = "HEAD";
        headers = {{"user-agent", phone}};
        break;
      case 8:
        headers = {{"user-agent", "curl/8.4.0"}};
        break;
      case 9:
        headers = {{"user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1)"}};
        break;
      default:
        headers = {{"user-agent", phone}, {"authorization", "Bearer " + people[person]->token()}};
    }
    ApiResponse r = scanner.Call(method, path, "", headers);
    if (r.status != 302) {
      INFO("scan " << i << " " << method << " " << path << " → " << r.status << " " << r.body);
      REQUIRE(r.status == 302);
    }
  }

  // 5,000 orders: 10% cancelled by the buyer, the rest redeemed at the shop,
  // and every 15th redeemed one refunded.
  struct Placed {
    std::string id;
    int merchant;
    enum { kCancelled, kRedeemed, kRefunded } fate;
  };
  std::vector<Placed> orders;
  for (int i = 0; i < kOrders; ++i) {
    const int m = (i * 7) % kMerchants;
    Api& buyer = *people[i % kPeople];
    ApiResponse order = ok(buyer.Post("/v1/campaigns/" + merchants[m].campaign + "/orders",
                                      absl::StrCat(R"({"requestId":"month-)", i, R"("})")),
                           "order");
    Placed placed{order.At("order.id"), m, Placed::kRedeemed};
    if (i % 10 == 3) {
      ok(buyer.Post("/v1/orders/" + placed.id + ":cancel", "{}"), "cancel");
      placed.fate = Placed::kCancelled;
    } else {
      ok(merchants[m].api->Post(
             "/v1/receipts:redeem",
             absl::StrCat(R"({"token":")", order.At("order.receipt.token"), R"("})")),
         "redeem");
      if (i % 15 == 1) {
        ok(merchants[m].api->Post(
               "/v1/orders/" + placed.id + ":refund",
               absl::StrCat(R"({"requestId":"r-)", i, R"(","reason":"customer complaint"})")),
           "refund");
        placed.fate = Placed::kRefunded;
      }
    }
    orders.push_back(std::move(placed));
  }

  cache::RedisPool& redis = flow.redis();
  auto settled = [&] {
    return StreamCaughtUp(redis, "scans", "partner-scans") &&
           StreamCaughtUp(redis, "orders", "partner-orders") &&
           StreamCaughtUp(redis, "partners", "settlement") &&
           StreamCaughtUp(redis, "orders", "settlement") &&
           StreamCaughtUp(redis, "agents", "settlement");
  };
  REQUIRE(WaitFor(settled, absl::Seconds(120)));

  // What the rules say each party is owed, to the fen.
  std::map<std::string, int64_t> expect;  // account → balance
  int64_t fees = 0;
  for (const Placed& o : orders) {
    if (o.fate != Placed::kRedeemed) continue;  // a refund gives the whole fee back
    const Merchant& m = merchants[o.merchant];
    const core::Money fee = *core::Money::Of("CNY", m.price)->Share(kFeeBps);
    fees += fee.minor();
    expect["merchant." + m.id + ".fees.CNY"] += fee.minor();
    if (m.agent < 0) continue;
    std::vector<int> chain = {m.agent};
    if (m.agent != 0) chain.push_back(0);
    std::vector<int64_t> weights;
    int64_t total = 0;
    for (int a : chain) {
      weights.push_back(agents[a].bps);
      total += agents[a].bps;
    }
    weights.push_back(10000 - total);
    auto parts = *fee.Allocate(weights);
    for (size_t k = 0; k < chain.size(); ++k) {
      expect["agent." + agents[chain[k]].id + ".available.CNY"] -= parts[k].minor();
    }
  }
  // Partners: what their service published, each valid scan and attributed
  // order once, less what a refund reversed.
  int valid_scans = 0, attributed = 0;
  for (const auto& [type, data] : Entries(redis, "partners")) {
    const std::string partner = JsonAt(data, "partnerId");
    if (type == "partner.scan_valid") {
      ++valid_scans;
      expect["partner." + partner + ".available.CNY"] -= std::stoll(JsonAt(data, "cpc.minor"));
    } else if (type == "partner.order_attributed") {
      ++attributed;
      expect["partner." + partner + ".available.CNY"] -= std::stoll(JsonAt(data, "cps.minor"));
    } else if (type == "partner.order_unattributed") {
      expect["partner." + partner + ".available.CNY"] += std::stoll(JsonAt(data, "cps.minor"));
    }
  }
  WARN("the month: " << valid_scans << " valid scans, " << attributed << " attributed orders");
  CHECK(valid_scans > 0);
  CHECK(valid_scans < kScans * 7 / 10);  // repeats, HEAD, scripts and bots are not paid
  CHECK(attributed > 0);
  // Every earning released (a holding period of 0), so available holds all.
  auto balances = [&] {
    std::map<std::string, int64_t> got;
    for (const auto& [account, want] : expect) {
      got[account] = Minor(admin.Get("/v1/ledger/accounts/" + account));
    }
    return got;
  };
  REQUIRE(WaitFor([&] { return balances() == expect; }, absl::Seconds(30)));
  ApiResponse check = ok(admin.Post("/v1/ledger:check", "{}"), "check");
  CHECK(check.At("problems").empty());
  const std::string transfers = check.At("transfers");
  // The platform's fee revenue is the fees less every agent's and partner's
  // share; its partner expense what the partners earned.
  int64_t agents_paid = 0, partners_paid = 0;
  for (const auto& [account, want] : expect) {
    if (absl::StartsWith(account, "agent.")) agents_paid -= want;
    if (absl::StartsWith(account, "partner.")) partners_paid -= want;
  }
  CHECK(-Minor(admin.Get("/v1/ledger/accounts/platform.fees.CNY")) == fees - agents_paid);
  CHECK(Minor(admin.Get("/v1/ledger/accounts/platform.partners.CNY")) == partners_paid);

  // Each party sees its own books, and nobody else's.
  CHECK(partners[0].api->Get("/v1/statements?party=partner:" + partners[1].id).status == 404);
  CHECK(agents[1].api->Get("/v1/agents/" + agents[2].id + "/merchants").status == 404);
  CHECK(agents[1].api->Get("/v1/ledger/accounts/agent." + agents[2].id + ".available.CNY").status ==
        404);
  CHECK(merchants[0]
            .api->Get("/v1/ledger/accounts/merchant." + merchants[1].id + ".fees.CNY")
            .status == 404);

  // Every event of every stream settlement reads, delivered again.
  for (const std::string stream : {"orders", "agents", "partners"}) {
    for (const auto& [type, data] : Entries(redis, stream)) {
      REQUIRE(redis.Command({"XADD", stream, "*", "type", type, "data", data}).ok());
    }
  }
  REQUIRE(WaitFor(settled, absl::Seconds(120)));
  CHECK(balances() == expect);
  ApiResponse again = ok(admin.Post("/v1/ledger:check", "{}"), "check");
  CHECK(again.At("transfers") == transfers);
  CHECK(again.At("problems").empty());
}

}  // namespace
}  // namespace qrcloud::testing
