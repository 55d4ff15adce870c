// qrcloud-settlement through the real gateway, fed by the center's `orders`
// stream: a redeemed order charges the merchant its plan's fee once however
// often the event comes, the merchant sees its account and statement (JSON
// and CSV) and no other merchant's, an administrator sets plans and checks
// the ledger, and bad input changes nothing.
#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/ordering/order_book.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr char kOffer[] = R"({"title":"Hotpot for two","description":"Dinner","mode":"ORDER",
  "template":"coupon","price":{"currency":"CNY","minor":"1990"},"stock":"100","perPersonLimit":5})";

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;
  std::unique_ptr<Api> merchant;
  std::string mid;
  std::string campaign;
  std::unique_ptr<Api> person;
  std::unique_ptr<Api> admin;
  explicit World(const StackOptions& options = {.processes = {"settlement"}}) {
    auto s = Stack::Start(options);
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
    merchant = flow->QualifiedMerchant(&mid);
    campaign = flow->PublishCampaign(*merchant, mid, kOffer).At("id");
    REQUIRE_FALSE(campaign.empty());
    person = flow->NewAccount("PERSON");
    admin = std::make_unique<Api>("127.0.0.1", stack->gateway_port());
    admin->set_token(flow->admin_token());
  }
  // Orders one and redeems it at the shop; the order's id.
  std::string OrderAndRedeem(const std::string& request_id) {
    ApiResponse order = person->Post("/v1/campaigns/" + campaign + "/orders",
                                     absl::StrCat(R"({"requestId":")", request_id, R"("})"));
    INFO(order.body);
    REQUIRE(order.status == 200);
    ApiResponse redeemed =
        merchant->Post("/v1/receipts:redeem",
                       absl::StrCat(R"({"token":")", order.At("order.receipt.token"), R"("})"));
    INFO(redeemed.body);
    REQUIRE(redeemed.status == 200);
    return order.At("order.id");
  }
  std::string FeesAccount() const { return "/v1/ledger/accounts/merchant." + mid + ".fees.CNY"; }
};

std::string ThisMonth() {
  return absl::FormatTime("%Y-%m", absl::Now(), absl::FixedTimeZone(8 * 3600));
}

TEST_CASE("A redeemed order charges the merchant its plan's fee once, seen only by it") {
  World w;
  const std::string first = w.OrderAndRedeem("settle-1");
  // 5% of 19.90 is 0.995: 1.00 owed, posted from the orders stream.
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor") == "100"; },
                  absl::Seconds(20)));
  ApiResponse account = w.merchant->Get(w.FeesAccount());
  INFO(account.body);
  CHECK(account.At("partyKind") == "merchant");
  CHECK(account.At("partyId") == w.mid);
  CHECK(account.At("recentEntries.0.transferId") == "order:" + first + ":fee");
  CHECK(account.At("recentEntries.0.sourceEvent") == "order.redeemed:" + first);
  CHECK(account.At("recentEntries.0.code") == "fee");

  // The event again (a redelivery): nothing changes.
  cache::RedisPool& redis = w.flow->redis();
  auto entries = redis.Command({"XRANGE", ordering::kOrderStream, "-", "+"});
  REQUIRE(entries.ok());
  int replayed = 0;
  for (size_t i = 0; i < entries->size(); ++i) {
    const cache::Reply fields = (*entries)[i][1];
    std::vector<std::string> add = {"XADD", ordering::kOrderStream, "*"};
    bool redeemed = false;
    for (size_t f = 0; f + 1 < fields.size(); f += 2) {
      add.push_back(fields[f].str());
      add.push_back(fields[f + 1].str());
      redeemed |= fields[f].str() == "type" && fields[f + 1].str() == ordering::kOrderRedeemed;
    }
    if (!redeemed) continue;
    REQUIRE(redis.Command(add).ok());
    ++replayed;
  }
  REQUIRE(replayed == 1);
  // A second order after the replay shows the replay was handled before it.
  const std::string second = w.OrderAndRedeem("settle-2");
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor") == "200"; },
                  absl::Seconds(20)));
  CHECK(w.merchant->Get(w.FeesAccount()).At("recentEntries.2.id").empty());  // two entries only

  // Its statement: what it owes, from its side; the CSV alike.
  const std::string statement = "merchant." + w.mid + "." + ThisMonth();
  ApiResponse list = w.merchant->Get("/v1/statements");
  INFO(list.body);
  REQUIRE(list.status == 200);
  CHECK(list.At("statements.0.id") == statement);
  CHECK(list.At("statements.0.closingBalance.minor") == "-200");
  CHECK(list.At("statements.0.lines.1.sourceEvent") == "order.redeemed:" + second);
  ApiResponse csv = w.merchant->Get("/v1/statements/" + statement + ":export");
  INFO(csv.body);
  CHECK(csv.status == 200);
  CHECK(absl::StrContains(csv.body, "order.redeemed:" + first));
  CHECK(absl::StrContains(csv.body, "closing balance,-2.00,CNY"));

  // Nobody else sees it: another merchant, a person, anonymous.
  std::string other_mid;
  auto other = w.flow->NewAccount("MERCHANT", &other_mid);
  CHECK(other->Get(w.FeesAccount()).status == 404);
  CHECK(other->Get("/v1/statements/" + statement).status == 404);
  CHECK(other->Get("/v1/statements?party=merchant:" + w.mid).status == 404);
  CHECK(other->Get("/v1/statements").At("statements").empty());  // no books yet
  CHECK(w.person->Get(w.FeesAccount()).status == 404);
  CHECK(w.person->Get("/v1/ledger/accounts/platform.fees.CNY").status == 404);
  Api anonymous("127.0.0.1", w.stack->gateway_port());
  CHECK(anonymous.Get(w.FeesAccount()).status == 401);

  // The administrator sees the platform's side, and the ledger balances.
  CHECK(w.admin->Get("/v1/ledger/accounts/platform.fees.CNY").At("balance.minor") == "-200");
  ApiResponse check = w.admin->Post("/v1/ledger:check", "{}");
  INFO(check.body);
  CHECK(check.status == 200);
  CHECK(check.At("transfers") == "2");
  CHECK(check.At("problems").empty());
  CHECK(w.merchant->Post("/v1/ledger:check", "{}").status == 403);
}

TEST_CASE("A refund gives back exactly the fee its order was charged") {
  World w;
  const std::string order = w.OrderAndRedeem("refund-1");
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor") == "100"; },
                  absl::Seconds(20)));
  // The plan changes before the refund; the refund gives back what was charged.
  REQUIRE(w.admin->Call("PUT", "/v1/settlement/merchants/" + w.mid + "/plan", R"({"plan":"pro"})")
              .status == 200);
  ApiResponse refunded = w.merchant->Post("/v1/orders/" + order + ":refund",
                                          R"({"requestId":"refund-r1","reason":"cold food"})");
  INFO(refunded.body);
  REQUIRE(refunded.status == 200);
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor").empty(); },
                  absl::Seconds(20)));  // 0: owes nothing
  ApiResponse account = w.merchant->Get(w.FeesAccount());
  INFO(account.body);
  CHECK(account.At("recentEntries.0.transferId") == "order:" + order + ":fee:refund");
  CHECK(account.At("recentEntries.0.amount.minor") == "-100");
  CHECK(account.At("recentEntries.0.code") == "fee_refund");
  ApiResponse statement = w.merchant->Get("/v1/statements?period=" + ThisMonth());
  CHECK(statement.At("statements.0.lines.1.sourceEvent") == "order.refunded:" + order);
  CHECK(statement.At("statements.0.closingBalance.minor").empty());
  ApiResponse check = w.admin->Post("/v1/ledger:check", "{}");
  CHECK(check.At("transfers") == "2");
  CHECK(check.At("problems").empty());
}

TEST_CASE("Plans set the fee from their time on, and bad input is refused naming the field") {
  World w;
  ApiResponse plan =
      w.admin->Call("PUT", "/v1/settlement/merchants/" + w.mid + "/plan", R"({"plan":"pro"})");
  INFO(plan.body);
  REQUIRE(plan.status == 200);
  CHECK(plan.At("feeBps") == "300");
  w.OrderAndRedeem("plan-1");
  // 3% of 19.90 is 0.597: 0.60.
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor") == "60"; },
                  absl::Seconds(20)));

  auto bad = [&](Api& api, const std::string& method, const std::string& path,
                 const std::string& body, int status, const std::string& names) {
    ApiResponse r = api.Call(method, path, body);
    INFO(method << " " << path << " " << body << " → " << r.body);
    CHECK(r.status == status);
    CHECK(absl::StrContains(r.body, names));
  };
  const std::string plan_path = "/v1/settlement/merchants/" + w.mid + "/plan";
  bad(*w.admin, "PUT", plan_path, R"({"plan":"gold"})", 400, "standard");
  bad(*w.admin, "PUT", plan_path, R"({"plan":"pro","effectiveTime":"2020-01-01T00:00:00Z"})", 400,
      "effectiveTime");
  bad(*w.merchant, "PUT", plan_path, R"({"plan":"standard"})", 403, "");
  bad(*w.merchant, "GET", "/v1/statements?period=2026-13", "", 400, "YYYY-MM");
  bad(*w.merchant, "GET", "/v1/statements?party=admin:1", "", 400, "party");
  bad(*w.merchant, "GET", "/v1/ledger/accounts/merchant." + w.mid + ".cash.CNY", "", 400,
      "ledger account");

  // Payouts: an administrator's, never more than is available, never twice.
  const std::string statement = "merchant." + w.mid + "." + ThisMonth();
  const std::string payout = absl::StrCat(R"({"statementId":")", statement,
                                          R"(","amount":{"currency":"CNY","minor":"100"},)",
                                          R"("reference":"BANK-1","requestId":"p-1"})");
  bad(*w.merchant, "POST", "/v1/payouts", payout, 403, "");
  bad(*w.admin, "POST", "/v1/payouts", payout, 400, "available");
  bad(*w.admin, "POST", "/v1/payouts",
      absl::StrCat(
          R"({"statementId":")", statement,
          R"(","amount":{"currency":"CNY","minor":"-5"},"reference":"B","requestId":"p-2"})"),
      400, "amount");
  bad(*w.admin, "POST", "/v1/payouts",
      R"({"statementId":"nobody","amount":{"currency":"CNY","minor":"5"},"reference":"B","requestId":"p-3"})",
      400, "statementId");
  // Nothing changed: still one transfer, and the books balance.
  ApiResponse check = w.admin->Post("/v1/ledger:check", "{}");
  CHECK(check.At("transfers") == "1");
  CHECK(check.At("problems").empty());
  CHECK(w.admin->Get("/v1/ledger/accounts/merchant." + w.mid + ".available.CNY")
            .At("recentEntries")
            .empty());
}

TEST_CASE("Killed with -9 in the middle of the stream, settlement posts every event once") {
  auto s = Stack::Start({.processes = {"settlement"}});
  INFO((s.ok() ? "" : std::string(s.status().message())));
  REQUIRE(s.ok());
  Stack& stack = **s;
  Flow flow(stack);
  Api admin("127.0.0.1", stack.gateway_port());
  admin.set_token(flow.admin_token());
  // 4,000 redemptions of 20 merchants, as the center would publish them
  // (19.90 each: a fee of 1.00 at the standard plan), sent at once.
  constexpr int kOrders = 4000;
  cache::RedisPool& redis = flow.redis();
  for (int i = 0; i < kOrders; ++i) {
    const std::string data =
        absl::StrCat(R"({"id":"kill-order-)", i, R"(","merchantId":"kill-merchant-)", i % 20,
                     R"(","total":{"currency":"CNY","minor":"1990"},"state":"REDEEMED"})");
    REQUIRE(redis
                .Command({"XADD", ordering::kOrderStream, "*", "type", ordering::kOrderRedeemed,
                          "data", data})
                .ok());
  }
  auto platform = [&] {
    const std::string minor =
        admin.Get("/v1/ledger/accounts/platform.fees.CNY").At("balance.minor");
    return minor.empty() ? 0 : -std::stoll(minor);
  };
  // Some posted, not all: then a crash.
  REQUIRE(WaitFor([&] { return platform() > 0; }, absl::Seconds(30)));
  const int64_t before_kill = platform();
  INFO("posted before the kill: " << before_kill / 100 << " of " << kOrders);
  CHECK(before_kill < kOrders * 100);  // the kill came mid-stream
  REQUIRE(stack.KillAndRestart("settlement").ok());
  REQUIRE(WaitFor([&] { return platform() == kOrders * 100; }, absl::Seconds(120)));
  ApiResponse check = admin.Post("/v1/ledger:check", "{}");
  INFO(check.body);
  CHECK(check.At("transfers") == absl::StrCat(kOrders));
  CHECK(check.At("problems").empty());
  CHECK(admin.Get("/v1/ledger/accounts/merchant.kill-merchant-7.fees.CNY").At("balance.minor") ==
        absl::StrCat(kOrders / 20 * 100));
}

TEST_CASE("Agents earn their share of the fee, held, then available, paid out and clawed back") {
  World w({.processes = {"settlement", "agent"},
           .flags = {{"settlement", {"--holding_period=2s", "--release_interval=200ms"}}}});
  // A top agent (10% of the fee) and one under it (20%) that signs the merchant up.
  auto agent = [&](const std::string& name) {
    auto api = w.flow->NewAccount("AGENT");
    const std::string id = api->Get("/v1/me").At("account.agentId");
    REQUIRE_FALSE(id.empty());
    ApiResponse applied =
        api->Post("/v1/agents/me:apply",
                  absl::StrCat(R"({"displayName":")", name, R"(","territories":["350100"]})"));
    INFO(applied.body);
    REQUIRE(applied.status == 200);
    return std::make_pair(std::move(api), id);
  };
  auto [top, top_id] = agent("Top agent");
  auto [sub, sub_id] = agent("Sub agent");
  REQUIRE(
      w.admin->Post("/v1/agents/" + top_id + ":authorize", R"({"level":1,"commissionBps":1000})")
          .status == 200);
  ApiResponse authorized = w.admin->Post(
      "/v1/agents/" + sub_id + ":authorize",
      absl::StrCat(R"({"level":2,"commissionBps":2000,"parentAgentId":")", top_id, R"("})"));
  INFO(authorized.body);
  REQUIRE(authorized.status == 200);
  REQUIRE(sub->Post("/v1/agents/me/merchants",
                    absl::StrCat(R"({"merchantId":")", w.mid, R"(","requestId":"link-1"})"))
              .status == 200);
  ApiResponse accepted =
      w.merchant->Post("/v1/merchants/" + w.mid + "/agentLinks/" + sub_id + ":accept", "{}");
  INFO(accepted.body);
  REQUIRE(accepted.status == 200);
  // Settlement has heard of the agents and the link before the order.
  REQUIRE(WaitFor([&] { return StreamCaughtUp(w.flow->redis(), "agents", "settlement"); },
                  absl::Seconds(20)));

  const std::string order = w.OrderAndRedeem("agent-order-1");
  const std::string sub_held = "/v1/ledger/accounts/agent." + sub_id + ".held.CNY";
  const std::string sub_available = "/v1/ledger/accounts/agent." + sub_id + ".available.CNY";
  const std::string top_available = "/v1/ledger/accounts/agent." + top_id + ".available.CNY";
  // The fee of 1.00: 0.20 to the sub agent, 0.10 to the top one, 0.70 kept.
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor") == "100"; },
                  absl::Seconds(20)));
  ApiResponse fees = w.admin->Get("/v1/ledger/accounts/platform.fees.CNY");
  CHECK(fees.At("balance.minor") == "-70");
  // Held first (unless the 2 s passed already), then available; never both.
  REQUIRE(WaitFor([&] { return sub->Get(sub_available).At("balance.minor") == "-20"; },
                  absl::Seconds(20)));
  CHECK(sub->Get(sub_held).At("balance.minor").empty());
  REQUIRE(WaitFor([&] { return top->Get(top_available).At("balance.minor") == "-10"; },
                  absl::Seconds(20)));
  // Each agent sees its own books only.
  CHECK(sub->Get(top_available).status == 404);
  CHECK(w.merchant->Get(sub_available).status == 404);
  ApiResponse statement = sub->Get("/v1/statements?period=" + ThisMonth());
  INFO(statement.body);
  CHECK(statement.At("statements.0.closingBalance.minor") == "20");
  CHECK(statement.At("statements.0.lines.0.sourceEvent") == "order.redeemed:" + order);
  CHECK(statement.At("statements.0.lines.1.sourceEvent").empty());  // held → available: not a line

  // A payout of 0.15 of the 0.20; more than what is left is refused.
  const std::string statement_id = "agent." + sub_id + "." + ThisMonth();
  auto payout = [&](const std::string& request, int64_t minor) {
    return w.admin->Post("/v1/payouts", absl::StrCat(R"({"statementId":")", statement_id,
                                                     R"(","amount":{"currency":"CNY","minor":")",
                                                     minor, R"("},"reference":"BANK-)", request,
                                                     R"(","requestId":")", request, R"("})"));
  };
  ApiResponse paid = payout("pay-1", 15);
  INFO(paid.body);
  REQUIRE(paid.status == 200);
  CHECK(paid.At("party") == "agent:" + sub_id);
  CHECK(payout("pay-1", 15).At("id") == paid.At("id"));  // a retry: the same payout
  ApiResponse over = payout("pay-2", 6);
  CHECK(over.status == 400);
  CHECK(absl::StrContains(over.body, "0.05 CNY"));
  CHECK(sub->Get(sub_available).At("balance.minor") == "-5");
  CHECK(sub->Get("/v1/statements?period=" + ThisMonth()).At("statements.0.totalPayouts.minor") ==
        "15");

  // The order refunded: the fee given back, the top agent's 0.10 taken back;
  // the sub agent was paid 0.15 of its 0.20 already, so its clawback is
  // parked for an administrator instead of going below zero.
  ApiResponse refunded = w.merchant->Post("/v1/orders/" + order + ":refund",
                                          R"({"requestId":"agent-refund","reason":"wrong dish"})");
  INFO(refunded.body);
  REQUIRE(refunded.status == 200);
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor").empty(); },
                  absl::Seconds(20)));
  REQUIRE(WaitFor([&] { return top->Get(top_available).At("balance.minor").empty(); },
                  absl::Seconds(20)));
  CHECK(sub->Get(sub_available).At("balance.minor") == "-5");
  // The administrator sees why.
  ApiResponse parked = w.admin->Get("/v1/settlement/parkedEvents");
  INFO(parked.body);
  CHECK(parked.At("events.0.event") == "order.refunded:" + order + ":clawback:" + sub_id);
  CHECK(absl::StrContains(parked.At("events.0.reason"), "clawback"));
  CHECK(sub->Get("/v1/settlement/parkedEvents").status == 403);
  ApiResponse check = w.admin->Post("/v1/ledger:check", "{}");
  INFO(check.body);
  CHECK(check.At("problems").empty());
}

TEST_CASE("A merchant with offers in two currencies has a statement in each") {
  World w;
  w.OrderAndRedeem("cny-1");  // 19.90 CNY: a fee of 1.00
  // An order of 10.00 USD, as the center publishes it: a fee of 0.50 USD.
  REQUIRE(w.flow->redis()
              .Command({"XADD", "orders", "*", "type", "order.redeemed", "data",
                        absl::StrCat(R"({"id":"usd-order-1","merchantId":")", w.mid,
                                     R"(","total":{"currency":"USD","minor":"1000"},)",
                                     R"("state":"REDEEMED"})")})
              .ok());
  REQUIRE(WaitFor(
      [&] {
        return w.merchant->Get("/v1/ledger/accounts/merchant." + w.mid + ".fees.USD")
                   .At("balance.minor") == "50";
      },
      absl::Seconds(20)));
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor") == "100"; },
                  absl::Seconds(20)));
  ApiResponse list = w.merchant->Get("/v1/statements?period=" + ThisMonth());
  INFO(list.body);
  REQUIRE(list.status == 200);
  const std::string cny_id = "merchant." + w.mid + "." + ThisMonth();
  CHECK(list.At("statements.0.id") == cny_id);
  CHECK(list.At("statements.0.closingBalance.currency") == "CNY");
  CHECK(list.At("statements.0.closingBalance.minor") == "-100");
  CHECK(list.At("statements.1.id") == cny_id + ".USD");
  CHECK(list.At("statements.1.closingBalance.currency") == "USD");
  CHECK(list.At("statements.1.closingBalance.minor") == "-50");
  CHECK(list.At("statements.2.id").empty());
  ApiResponse usd = w.merchant->Get("/v1/statements/" + cny_id + ".USD");
  CHECK(usd.At("closingBalance.minor") == "-50");
  ApiResponse csv = w.merchant->Get("/v1/statements/" + cny_id + ".USD:export");
  CHECK(csv.status == 200);
  CHECK(absl::StrContains(csv.body, "USD"));
  CHECK_FALSE(absl::StrContains(csv.body, "CNY"));
  // Another party's, or a currency it does not hold, shows nothing of it.
  std::string other_id;
  auto other = w.flow->QualifiedMerchant(&other_id);
  CHECK(other->Get("/v1/statements/" + cny_id + ".USD").status == 404);
  CHECK(w.merchant->Get("/v1/statements/" + cny_id + ".usd").status == 400);
}

TEST_CASE("A link heard after the redemptions it covers still pays their commissions, once") {
  World w({.processes = {"settlement"},
           .flags = {{"settlement", {"--holding_period=0s", "--release_interval=200ms"}}}});
  // The merchant links to an agent before ordering, but the agents stream
  // is late: settlement hears of the link only after the orders are
  // settled. Then it pays what it would have.
  const absl::Time link_time = absl::Now() - absl::Minutes(1);
  w.OrderAndRedeem("late-link-1");
  w.OrderAndRedeem("late-link-2");
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor") == "200"; },
                  absl::Seconds(20)));
  // A third order, refunded before the link is heard: it earned nothing.
  // Its fee is waited for before the refund, and the refund after it: the
  // center's outbox relays events after the call answers, so the orders
  // stream can look caught up while they are still on their way (the fees
  // were already 200 before this order).
  const std::string refunded = w.OrderAndRedeem("late-link-3");
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor") == "300"; },
                  absl::Seconds(20)));
  REQUIRE(w.merchant
              ->Post("/v1/orders/" + refunded + ":refund",
                     R"({"reason":"cold soup","requestId":"late-link-refund"})")
              .status == 200);
  REQUIRE(WaitFor([&] { return w.merchant->Get(w.FeesAccount()).At("balance.minor") == "200"; },
                  absl::Seconds(20)));
  REQUIRE(WaitFor([&] { return StreamCaughtUp(w.flow->redis(), "orders", "settlement"); },
                  absl::Seconds(20)));
  cache::RedisPool& redis = w.flow->redis();
  auto publish = [&](const std::string& type, const std::string& data) {
    REQUIRE(redis.Command({"XADD", "agents", "*", "type", type, "data", data}).ok());
  };
  publish("agent.updated", R"({"id":"late-agent","state":"AUTHORIZED","commissionBps":2500,)"
                           R"("updateTime":"2026-01-01T00:00:00Z"})");
  const std::string link =
      absl::StrCat(R"({"merchantId":")", w.mid, R"(","agentId":"late-agent","linkTime":")",
                   absl::FormatTime(absl::RFC3339_full, link_time, absl::UTCTimeZone()), R"("})");
  publish("agent.merchant_linked", link);
  publish("agent.merchant_linked", link);  // heard twice: paid once
  // 25% of each 1.00 fee, for the two orders not refunded.
  const std::string available = "/v1/ledger/accounts/agent.late-agent.available.CNY";
  REQUIRE(WaitFor([&] { return w.admin->Get(available).At("balance.minor") == "-50"; },
                  absl::Seconds(20)));
  REQUIRE(
      WaitFor([&] { return StreamCaughtUp(redis, "agents", "settlement"); }, absl::Seconds(20)));
  CHECK(w.admin->Get(available).At("balance.minor") == "-50");
  CHECK(w.admin->Get("/v1/ledger/accounts/platform.fees.CNY").At("balance.minor") == "-150");
  ApiResponse check = w.admin->Post("/v1/ledger:check", "{}");
  CHECK(check.At("problems").empty());
}

TEST_CASE("Partners earn per valid scan and per attributed order, once, held, then paid") {
  World w({.processes = {"settlement"}, .flags = {{"settlement", {"--release_interval=200ms"}}}});
  auto partner = w.flow->NewAccount("PARTNER");
  const std::string pid = partner->Get("/v1/me").At("account.partnerId");
  REQUIRE_FALSE(pid.empty());
  cache::RedisPool& redis = w.flow->redis();
  auto publish = [&](const std::string& type, const std::string& data) {
    REQUIRE(redis.Command({"XADD", "partners", "*", "type", type, "data", data}).ok());
  };
  // The partner's terms (held 0 days: available at once), then, as the
  // partner service publishes them: three valid scans at 0.12, one of them
  // delivered twice, and an attributed order's 2.50% share of 19.90.
  publish("partner.updated", absl::StrCat(R"({"id":")", pid, R"(","state":"APPROVED",)",
                                          R"("terms":{"cpc":{"currency":"CNY","minor":"12"},)",
                                          R"("cpsBps":250,"holdingDays":0,)",
                                          R"("minPayout":{"currency":"CNY","minor":"30"}},)",
                                          R"("updateTime":"2026-01-01T00:00:00Z"})"));
  for (const char* scan : {"scan-1", "scan-2", "scan-2", "scan-3"}) {
    publish("partner.scan_valid",
            absl::StrCat(R"({"scanEventId":")", scan, R"(","partnerId":")", pid,
                         R"(","placementId":"pl-1","cpc":{"currency":"CNY","minor":"12"}})"));
  }
  const std::string attribution =
      absl::StrCat(R"({"orderId":"partner-order-1","partnerId":")", pid,
                   R"(","placementId":"pl-1","orderTotal":{"currency":"CNY","minor":"1990"},)",
                   R"("cps":{"currency":"CNY","minor":"50"},"cpsBps":250})");
  publish("partner.order_attributed", attribution);
  const std::string available = "/v1/ledger/accounts/partner." + pid + ".available.CNY";
  // 3 × 0.12 + 0.50 = 0.86, released at once.
  REQUIRE(WaitFor([&] { return partner->Get(available).At("balance.minor") == "-86"; },
                  absl::Seconds(20)));
  CHECK(w.admin->Get("/v1/ledger/accounts/platform.partners.CNY").At("balance.minor") == "86");
  CHECK(w.merchant->Get(available).status == 404);
  ApiResponse lines = partner->Get("/v1/statements/" + ("partner." + pid + "." + ThisMonth()));
  INFO(lines.body);
  CHECK(absl::StrContains(lines.body, "valid scan"));  // the scans' accrual, one line a batch

  // A scan id heard again with another price is the same id reused with
  // different inputs: parked, and nothing more is paid.
  publish("partner.scan_valid",
          absl::StrCat(R"({"scanEventId":"scan-3","partnerId":")", pid,
                       R"(","placementId":"pl-1","cpc":{"currency":"CNY","minor":"99"}})"));
  REQUIRE(WaitFor(
      [&] {
        ApiResponse parked = w.admin->Get("/v1/settlement/parkedEvents");
        return parked.At("events.0.event") == "partner.scan_valid:scan-3" &&
               parked.At("events.0.reason") == "scan settled before with other terms";
      },
      absl::Seconds(20)));
  CHECK(partner->Get(available).At("balance.minor") == "-86");

  // Payouts: not below the partner's minimum, never beyond what is there.
  const std::string statement = "partner." + pid + "." + ThisMonth();
  auto payout = [&](const std::string& request, int64_t minor) {
    return w.admin->Post("/v1/payouts", absl::StrCat(R"({"statementId":")", statement,
                                                     R"(","amount":{"currency":"CNY","minor":")",
                                                     minor, R"("},"reference":"B-)", request,
                                                     R"(","requestId":")", request, R"("})"));
  };
  ApiResponse small = payout("p-small", 20);
  CHECK(small.status == 400);
  CHECK(absl::StrContains(small.body, "minimum payout of 0.30 CNY"));
  REQUIRE(payout("p-1", 40).status == 200);

  // The order refunded: its share taken back from what is available.
  publish("partner.order_unattributed", attribution);
  REQUIRE(WaitFor(
      [&] {
        // 0.86 − 0.40 paid − 0.50 taken back would be −0.04: refused and parked.
        return w.admin->Get("/v1/settlement/parkedEvents").At("events.0.event") ==
               "partner.order_unattributed:partner-order-1";
      },
      absl::Seconds(20)));
  CHECK(partner->Get(available).At("balance.minor") == "-46");
  ApiResponse list = partner->Get("/v1/statements");
  INFO(list.body);
  CHECK(list.At("statements.0.totalPayouts.minor") == "40");
  ApiResponse check = w.admin->Post("/v1/ledger:check", "{}");
  CHECK(check.At("problems").empty());
}

}  // namespace
}  // namespace qrcloud::testing
