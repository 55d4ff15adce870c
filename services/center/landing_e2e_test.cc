// The center's side of landing nodes end to end, through the gateway to the
// real center and MariaDB: a merchant's configuration (versions, tokens,
// tenancy, bad input), node registration and revocation, the node's key and
// what it may call, the landing business switch, sync batches stored
// exactly once (replay, poison records, another merchant's order id), the
// landing orders in the merchant's list and stats, and cloud receipts
// redeemed at a node (conflicts). docs/landing.md, "The center's side".
#include <catch2/catch.hpp>

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/ids.h"
#include "qrcloud/v1/landing_admin.grpc.pb.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr absl::Duration kDeadline = absl::Seconds(30);

constexpr char kConfig[] = R"({
  "menu":[{"id":"tea-1","name":" 茉莉花茶 Jasmine tea ","price":{"currency":"CNY","minor":"800"}},
          {"id":"dumplings","name":"饺子 Dumplings","price":{"minor":"2400"}}],
  "tables":[{"id":"A-1","name":"窗边 1","seats":4},{"id":"A-2","name":"窗边 2"}],
  "wifi":{"ssid":"Tea;House","password":"jasmine-tea-1","security":"WPA"}})";

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;
  World() {
    auto s = Stack::Start();
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
  }
  std::unique_ptr<Api> Client(const std::string& token = "") {
    auto api = std::make_unique<Api>("127.0.0.1", stack->gateway_port());
    api->set_token(token);
    return api;
  }
  // Asks for landing business and approves it as the audit service would.
  void LandingOn(Api& merchant, const std::string& mid) {
    REQUIRE(merchant
                .Post("/v1/merchants/" + mid + ":setBusinessSwitches",
                      R"({"cloudBusinessEnabled":true,"landingBusinessEnabled":true})")
                .At("landingReview.state") == "PENDING_AUDIT");
    flow->Decide("landing.requested", mid, true);
    REQUIRE(merchant.Get("/v1/merchants/" + mid).At("landingBusinessEnabled") == "true");
  }
  void LandingOff(Api& merchant, const std::string& mid) {
    REQUIRE(merchant
                .Post("/v1/merchants/" + mid + ":setBusinessSwitches",
                      R"({"cloudBusinessEnabled":true,"landingBusinessEnabled":false})")
                .status == 200);
  }
  // A merchant with landing business on and the configuration above.
  std::unique_ptr<Api> LandingMerchant(std::string* mid) {
    auto merchant = flow->QualifiedMerchant(mid);
    LandingOn(*merchant, *mid);
    ApiResponse put = merchant->Call("PUT", "/v1/merchants/" + *mid + "/landing/config", kConfig);
    INFO(put.body);
    REQUIRE(put.status == 200);
    return merchant;
  }
};

std::string Register(const std::string& mid, const std::string& request_id,
                     const std::string& name = "前台电脑 Front desk") {
  return absl::StrCat(R"({"merchantId":")", mid, R"(","name":")", name,
                      R"(","lanUrl":"http://192.168.1.20:8090","requestId":")", request_id,
                      R"("})");
}

struct Node {
  std::string id;
  std::unique_ptr<Api> api;
};

Node RegisterNode(World& w, Api& merchant, const std::string& mid) {
  ApiResponse made = merchant.Post("/v1/landing/nodes", Register(mid, core::NewId()));
  INFO(made.body);
  REQUIRE(made.status == 200);
  return {made.At("node.id"), w.Client(made.At("apiKey"))};
}

// One order record of a node: `lines` of "item:quantity:unit price".
std::string OrderRecord(const std::string& uuid, int64_t sequence, const std::string& order_id,
                        const std::string& status, const std::vector<std::string>& lines,
                        int64_t total) {
  std::vector<std::string> items;
  for (const std::string& l : lines) {
    std::vector<std::string> p = absl::StrSplit(l, ':');
    items.push_back(absl::StrCat(R"({"menuItemId":")", p[0], R"(","quantity":)", p[1],
                                 R"(,"unitPrice":{"currency":"CNY","minor":")", p[2], R"("}})"));
  }
  return absl::StrCat(R"({"uuid":")", uuid, R"(","sequence":")", sequence, R"(","order":{"id":")",
                      order_id, R"(","table":"A-1","landingStatus":")", status, R"(","items":[)",
                      absl::StrJoin(items, ","), R"(],"total":{"currency":"CNY","minor":")", total,
                      R"("}}})");
}

std::string Batch(const std::vector<std::string>& records) {
  return absl::StrCat(R"({"records":[)", absl::StrJoin(records, ","), "]}");
}

TEST_CASE("A merchant's landing configuration is versioned, validated and its own") {
  World w;
  std::string mid, other_mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  auto other = w.flow->NewAccount("MERCHANT", &other_mid);
  auto person = w.flow->NewAccount("PERSON");
  const std::string config = "/v1/merchants/" + mid + "/landing/config";

  ApiResponse empty = merchant->Get(config);
  REQUIRE(empty.status == 200);
  CHECK(empty.At("version") == "");  // 0: nothing configured yet
  CHECK(empty.At("landingEnabled") == "");

  // Bad input: 400 naming the field and what is accepted, and nothing written.
  ApiResponse bad_table =
      merchant->Call("PUT", config, R"({"tables":[{"id":"A 1","name":"窗边"}]})");
  CHECK(bad_table.status == 400);
  CHECK(bad_table.At("details.0.fieldViolations.0.field") == "tables[0].id");
  CHECK(bad_table.At("message").find("1 to 16 of A-Z, a-z, 0-9 and '-'") != std::string::npos);
  ApiResponse bad_price = merchant->Call(
      "PUT", config, R"({"menu":[{"id":"tea","name":"Tea","price":{"minor":"-5"}}]})");
  CHECK(bad_price.status == 400);
  CHECK(bad_price.At("details.0.fieldViolations.0.field") == "menu[0].price.minor");
  ApiResponse control =
      merchant->Call("PUT", config, "{\"menu\":[{\"id\":\"tea\",\"name\":\"Tea\\u0007pot\"}]}");
  CHECK(control.status == 400);
  CHECK(control.At("details.0.fieldViolations.0.field") == "menu[0].name");
  ApiResponse bad_wifi =
      merchant->Call("PUT", config, R"({"wifi":{"ssid":"Shop","password":"x","security":"WPA"}})");
  CHECK(bad_wifi.status == 400);
  CHECK(bad_wifi.At("details.0.fieldViolations.0.field") == "wifi.password");
  CHECK(merchant->Get(config).At("version") == "");

  // A good one: names trimmed, tables with tokens minted at the center.
  ApiResponse put = merchant->Call("PUT", config, kConfig);
  INFO(put.body);
  REQUIRE(put.status == 200);
  CHECK(put.At("version") == "1");
  CHECK(put.At("menu.0.name") == "茉莉花茶 Jasmine tea");
  const std::string token = put.At("tables.0.token");
  CHECK(token.size() == 16);
  CHECK(token != put.At("tables.1.token"));
  CHECK(merchant->Get(config).At("tables.0.token") == token);

  // Two editors: the one that read an older version is told, and nothing changes.
  ApiResponse stale = merchant->Call(
      "PUT", config, R"({"expectedVersion":"7","tables":[{"id":"B-1","name":"B"}]})");
  CHECK(stale.status == 409);
  CHECK(stale.At("message").find("at version 1, not 7") != std::string::npos);
  ApiResponse again = merchant->Call(
      "PUT", config, absl::StrCat(R"({"expectedVersion":"1",)", std::string(kConfig).substr(1)));
  REQUIRE(again.status == 200);
  CHECK(again.At("version") == "2");
  CHECK(again.At("tables.0.token") == token);  // a table that stays keeps its token

  // Rotating a table's token: old stickers stop working, the version moves.
  ApiResponse rotated =
      merchant->Post("/v1/merchants/" + mid + "/landing/tables/A-1:rotateToken", "{}");
  REQUIRE(rotated.status == 200);
  CHECK(rotated.At("version") == "3");
  CHECK(rotated.At("tables.0.token") != token);
  CHECK(merchant->Post("/v1/merchants/" + mid + "/landing/tables/Z-9:rotateToken", "{}").status ==
        404);

  // Nobody else reads or changes it: another merchant and a person see no such merchant.
  for (Api* stranger : {other.get(), person.get()}) {
    CHECK(stranger->Get(config).status == 404);
    CHECK(stranger->Call("PUT", config, kConfig).status == 404);
    CHECK(stranger->Post("/v1/merchants/" + mid + "/landing/tables/A-1:rotateToken", "{}").status ==
          404);
  }
  // The administrator may read it, not change it.
  auto admin = w.Client(w.flow->admin_token());
  CHECK(admin->Get(config).At("version") == "3");
  CHECK(admin->Call("PUT", config, kConfig).status == 403);
  CHECK(merchant->Get(config).At("version") == "3");
}

TEST_CASE("A node registers while landing business is on, calls only as itself, and is revoked") {
  World w;
  std::string mid, other_mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  auto other = w.flow->QualifiedMerchant(&other_mid);
  REQUIRE(merchant->Call("PUT", "/v1/merchants/" + mid + "/landing/config", kConfig).status == 200);

  // Landing business off: no node.
  ApiResponse off = merchant->Post("/v1/landing/nodes", Register(mid, "reg-1"));
  CHECK(off.status == 400);
  CHECK(off.At("message").find("landing business is off") != std::string::npos);
  w.LandingOn(*merchant, mid);

  // Only the merchant's owner registers, for its own merchant; input is checked.
  CHECK(other->Post("/v1/landing/nodes", Register(mid, "reg-x")).status == 404);
  ApiResponse no_name = merchant->Post("/v1/landing/nodes", Register(mid, "reg-y", " "));
  CHECK(no_name.status == 400);
  CHECK(no_name.At("details.0.fieldViolations.0.field") == "name");
  ApiResponse no_request = merchant->Post(
      "/v1/landing/nodes", absl::StrCat(R"({"merchantId":")", mid, R"(","name":"PC"})"));
  CHECK(no_request.status == 400);
  CHECK(no_request.At("details.0.fieldViolations.0.field") == "requestId");

  ApiResponse made = merchant->Post("/v1/landing/nodes", Register(mid, "reg-1"));
  INFO(made.body);
  REQUIRE(made.status == 200);
  const std::string node = made.At("node.id");
  const std::string first_key = made.At("apiKey");
  CHECK(first_key.rfind("qrk_", 0) == 0);
  // A retry after a lost answer: the same node, a new key; the lost one stops working.
  ApiResponse retry = merchant->Post("/v1/landing/nodes", Register(mid, "reg-1"));
  REQUIRE(retry.status == 200);
  CHECK(retry.At("node.id") == node);
  const std::string key = retry.At("apiKey");
  CHECK(key.rfind("qrk_", 0) == 0);
  CHECK(key != first_key);
  CHECK(w.Client(first_key)->Get("/v1/landing/nodes/" + node + "/config").status == 401);
  // The key is kept nowhere in Redis: no cached answer or value holds it.
  auto keys = w.flow->redis().Command({"KEYS", "*"});
  REQUIRE(keys.ok());
  for (size_t i = 0; i < keys->size(); ++i) {
    auto type = w.flow->redis().Command({"TYPE", (*keys)[i].str()});
    if (!type.ok() || type->str() != "string") continue;
    auto value = w.flow->redis().Command({"GET", (*keys)[i].str()});
    REQUIRE(value.ok());
    CHECK(value->str().find(key) == std::string::npos);
    CHECK(value->str().find(first_key) == std::string::npos);
  }

  // The node pulls its configuration with a version cursor.
  auto node_api = w.Client(key);
  ApiResponse pulled = node_api->Get("/v1/landing/nodes/" + node + "/config");
  INFO(pulled.body);
  REQUIRE(pulled.status == 200);
  CHECK(pulled.At("changed") == "true");
  CHECK(pulled.At("config.version") == "1");
  CHECK(pulled.At("config.wifi.ssid") == "Tea;House");
  CHECK(pulled.At("config.landingEnabled") == "true");
  ApiResponse current = node_api->Get("/v1/landing/nodes/" + node + "/config?sinceVersion=1");
  REQUIRE(current.status == 200);
  CHECK(current.At("changed") == "");
  CHECK(current.At("config.version") == "");
  ApiResponse listed = merchant->Get("/v1/merchants/" + mid + "/landing/nodes");
  CHECK(listed.At("nodes.0.id") == node);
  CHECK(listed.At("nodes.0.configVersion") == "1");
  CHECK(!listed.At("nodes.0.lastSeenTime").empty());
  CHECK(other->Get("/v1/merchants/" + mid + "/landing/nodes").status == 404);

  // The node's key is for its own node calls only.
  CHECK(node_api->Get("/v1/merchants/" + mid + "/landing/config").status == 404);
  CHECK(node_api->Get("/v1/merchants/" + mid + "/orders").status == 404);
  CHECK(node_api->Post("/v1/landing/nodes", Register(mid, "reg-2")).status == 404);
  // ... and a merchant's session is not a node.
  ApiResponse session = merchant->Get("/v1/landing/nodes/" + node + "/config");
  CHECK(session.status == 403);
  // Another node (of another merchant) cannot sync, pull or read as this one.
  w.LandingOn(*other, other_mid);
  Node stranger = RegisterNode(w, *other, other_mid);
  ApiResponse as_other = stranger.api->Post("/v1/landing/nodes/" + node + ":sync", Batch({}));
  CHECK(as_other.status == 403);
  CHECK(as_other.At("message").find("a node calls only as itself") != std::string::npos);
  CHECK(stranger.api->Get("/v1/landing/nodes/" + node + "/config").status == 403);
  CHECK(stranger.api->Get("/v1/landing/nodes/" + node + "/orders").status == 403);

  // Landing business off: the registered node stops syncing and pulling, and no node registers.
  w.LandingOff(*merchant, mid);
  ApiResponse stopped = node_api->Post("/v1/landing/nodes/" + node + ":sync", Batch({}));
  CHECK(stopped.status == 400);
  CHECK(stopped.At("message").find("landing business is off") != std::string::npos);
  CHECK(node_api->Get("/v1/landing/nodes/" + node + "/config").status == 400);
  CHECK(merchant->Post("/v1/landing/nodes", Register(mid, "reg-3")).status == 400);
  w.LandingOn(*merchant, mid);
  CHECK(node_api->Post("/v1/landing/nodes/" + node + ":sync", Batch({})).status == 200);

  // Revoked: the key stops working at once (it was cached by the calls above).
  CHECK(other->Post("/v1/landing/nodes/" + node + ":revoke", "{}").status == 404);
  ApiResponse revoked = merchant->Post("/v1/landing/nodes/" + node + ":revoke", "{}");
  REQUIRE(revoked.status == 200);
  CHECK(!revoked.At("node.revokeTime").empty());
  CHECK(node_api->Post("/v1/landing/nodes/" + node + ":sync", Batch({})).status == 401);
  CHECK(node_api->Get("/v1/landing/nodes/" + node + "/config").status == 401);
  // The other merchant's node is untouched.
  CHECK(stranger.api->Get("/v1/landing/nodes/" + stranger.id + "/config").status == 200);
}

TEST_CASE(
    "A node's batch is stored exactly once, a poison record is rejected and the rest stored") {
  World w;
  std::string mid;
  auto merchant = w.LandingMerchant(&mid);
  Node node = RegisterNode(w, *merchant, mid);
  const std::string sync = "/v1/landing/nodes/" + node.id + ":sync";
  const std::string o1 = core::NewId(), o2 = core::NewId(), o3 = core::NewId();
  const std::string batch = Batch({
      OrderRecord("u1", 1, o1, "PLACED", {"tea-1:2:800"}, 1600),
      OrderRecord("u2", 2, o2, "PLACED", {"tea-1:1:800", "dumplings:1:2400"}, 3200),
      OrderRecord("u3", 3, o3, "PLACED", {"ghost-item:1:100"}, 100),  // poison
      OrderRecord("u4", 4, o1, "SETTLED", {"tea-1:2:800"}, 1600),
  });
  ApiResponse first = node.api->Post(sync, batch);
  INFO(first.body);
  REQUIRE(first.status == 200);
  CHECK(first.At("stored") == "3");
  CHECK(first.At("duplicates") == "");
  CHECK(first.At("highWaterMark") == "4");
  CHECK(first.At("rejected.0.uuid") == "u3");
  CHECK(first.At("rejected.0.reason").find("\"ghost-item\" is not on the merchant's menu") !=
        std::string::npos);

  // The reply was lost: the same batch again creates nothing and answers alike.
  ApiResponse replay = node.api->Post(sync, batch);
  REQUIRE(replay.status == 200);
  CHECK(replay.At("stored") == "");
  CHECK(replay.At("duplicates") == "3");
  CHECK(replay.At("highWaterMark") == "4");
  CHECK(replay.At("rejected.0.uuid") == "u3");
  CHECK(replay.At("rejected.0.reason") == first.At("rejected.0.reason"));

  // The merchant sees its landing orders, once each, with the state of the highest sequence.
  ApiResponse listed = merchant->Get("/v1/merchants/" + mid + "/orders?source=LANDING");
  INFO(listed.body);
  REQUIRE(listed.status == 200);
  CHECK(listed.At("orders.2.id") == "");
  const bool first_is_o2 = listed.At("orders.0.id") == o2;
  const std::string at1 = first_is_o2 ? "orders.1." : "orders.0.";
  const std::string at2 = first_is_o2 ? "orders.0." : "orders.1.";
  CHECK(listed.At(at1 + "id") == o1);
  CHECK(listed.At(at1 + "landingStatus") == "SETTLED");
  CHECK(listed.At(at1 + "state") == "REDEEMED");
  CHECK(listed.At(at1 + "source") == "LANDING");
  CHECK(listed.At(at1 + "landingNodeId") == node.id);
  CHECK(listed.At(at1 + "table") == "A-1");
  CHECK(listed.At(at1 + "total.minor") == "1600");
  CHECK(listed.At(at1 + "receipt.token") == "");
  CHECK(listed.At(at2 + "id") == o2);
  CHECK(listed.At(at2 + "landingStatus") == "PLACED");
  CHECK(listed.At(at2 + "items.1.menuItemId") == "dumplings");
  CHECK(merchant->Get("/v1/merchants/" + mid + "/orders?source=CLOUD").At("orders.0.id") == "");
  ApiResponse bad_source = merchant->Get("/v1/merchants/" + mid + "/orders?source=9");
  CHECK(bad_source.status == 400);
  CHECK(merchant->Get("/v1/orders/" + o1).At("table") == "A-1");
  // ... and in its daily figures (landing orders count on rows without a campaign).
  ApiResponse stats = merchant->Get("/v1/merchants/" + mid + "/stats");
  INFO(stats.body);
  CHECK(stats.At("days.0.orders") == "2");
  // A landing order is refunded at the shop, not through the platform.
  ApiResponse refund =
      merchant->Post("/v1/orders/" + o1 + ":refund", R"({"requestId":"r-1","reason":"cold"})");
  CHECK(refund.status == 400);
  CHECK(refund.At("message").find("refunded there") != std::string::npos);

  // An older record arriving later does not take an order back.
  ApiResponse late =
      node.api->Post(sync, Batch({OrderRecord("u0", 1, o1, "ACCEPTED", {"tea-1:2:800"}, 1600)}));
  REQUIRE(late.status == 200);
  CHECK(late.At("stored") == "1");
  CHECK(late.At("highWaterMark") == "4");
  CHECK(merchant->Get("/v1/orders/" + o1).At("landingStatus") == "SETTLED");

  // Too many records at once is refused, naming the limit; nothing is written.
  std::vector<std::string> many;
  for (int i = 0; i < 1001; ++i) {
    many.push_back(OrderRecord(absl::StrCat("big-", i), 100 + i, core::NewId(), "PLACED",
                               {"tea-1:1:800"}, 800));
  }
  ApiResponse too_many = node.api->Post(sync, Batch(many));
  CHECK(too_many.status == 400);
  CHECK(too_many.At("message").find("at most 1000 records") != std::string::npos);
  CHECK(merchant->Get("/v1/merchants/" + mid + "/orders?source=LANDING").At("orders.2.id") == "");
  // A malformed body is refused whole.
  CHECK(node.api->Post(sync, R"({"records":[{"uuid":"x","sequence":"not a number"}]})").status ==
        400);

  // Another merchant's node cannot write over this merchant's order ids.
  std::string other_mid;
  auto other = w.LandingMerchant(&other_mid);
  Node theirs = RegisterNode(w, *other, other_mid);
  ApiResponse stolen = theirs.api->Post(
      "/v1/landing/nodes/" + theirs.id + ":sync",
      Batch({OrderRecord("t1", 1, o2, "REJECTED", {"tea-1:1:800", "dumplings:1:2400"}, 3200),
             OrderRecord("t2", 2, core::NewId(), "PLACED", {"tea-1:1:800"}, 800)}));
  INFO(stolen.body);
  REQUIRE(stolen.status == 200);
  CHECK(stolen.At("stored") == "1");
  CHECK(stolen.At("rejected.0.uuid") == "t1");
  CHECK(stolen.At("rejected.0.reason").find("another merchant's order") != std::string::npos);
  CHECK(merchant->Get("/v1/orders/" + o2).At("landingStatus") == "PLACED");
  CHECK(merchant->Get("/v1/orders/" + o2).At("merchantId") == mid);

  // Landing orders are paid at the shop: none goes out on the orders stream.
  auto entries = w.flow->redis().Command({"XRANGE", "orders", "-", "+"});
  REQUIRE(entries.ok());
  for (const auto& e : cache::ParseEntries(*entries)) {
    CHECK(JsonAt(e.Field("data"), "source") != "LANDING");
  }
}

TEST_CASE(
    "A cloud receipt redeemed at a node is redeemed once, and one redeemed elsewhere too is "
    "flagged") {
  World w;
  std::string mid;
  auto merchant = w.LandingMerchant(&mid);
  const std::string campaign =
      w.flow
          ->PublishCampaign(*merchant, mid,
                            R"({"title":"Tea for two","mode":"ORDER","template":"coupon",
                              "price":{"currency":"CNY","minor":"3000"},"stock":"10"})")
          .At("id");
  auto buyer = w.flow->NewAccount("PERSON");
  auto order = [&](const std::string& request_id) {
    ApiResponse placed = buyer->Post("/v1/campaigns/" + campaign + "/orders",
                                     absl::StrCat(R"({"requestId":")", request_id, R"("})"));
    REQUIRE(placed.status == 200);
    return std::make_pair(placed.At("order.id"), placed.At("order.receipt.token"));
  };
  const auto [offline_id, offline_token] = order("o-1");
  const auto [twice_id, twice_token] = order("o-2");
  // The second is redeemed at the counter through the cloud too.
  REQUIRE(merchant->Post("/v1/receipts:redeem", absl::StrCat(R"({"token":")", twice_token, R"("})"))
              .status == 200);

  Node node = RegisterNode(w, *merchant, mid);
  auto redemption = [](const std::string& uuid, int64_t sequence, const std::string& id,
                       const std::string& token) {
    return absl::StrCat(R"({"uuid":")", uuid, R"(","sequence":")", sequence,
                        R"(","redemption":{"orderId":")", id, R"(","receiptToken":")", token,
                        R"(","redeemTime":"2026-12-06T12:00:00Z"}})");
  };
  const std::string batch = Batch(
      {redemption("r1", 1, offline_id, offline_token), redemption("r2", 2, twice_id, twice_token),
       redemption("r3", 3, offline_id, "QRC1FORGED" + std::string(40, 'A'))});
  const std::string sync = "/v1/landing/nodes/" + node.id + ":sync";
  ApiResponse synced = node.api->Post(sync, batch);
  INFO(synced.body);
  REQUIRE(synced.status == 200);
  CHECK(synced.At("stored") == "2");
  CHECK(synced.At("rejected.0.uuid") == "r3");
  CHECK(synced.At("rejected.1.uuid") == "");
  CHECK(synced.At("highWaterMark") == "3");
  CHECK(merchant->Get("/v1/orders/" + offline_id).At("state") == "REDEEMED");

  ApiResponse conflicts = merchant->Get("/v1/merchants/" + mid + "/landing/conflicts");
  INFO(conflicts.body);
  REQUIRE(conflicts.status == 200);
  CHECK(conflicts.At("conflicts.0.orderId") == twice_id);
  CHECK(conflicts.At("conflicts.0.nodeId") == node.id);
  CHECK(conflicts.At("conflicts.0.nodeRedeemTime") == "2026-12-06T12:00:00Z");
  CHECK(!conflicts.At("conflicts.0.otherRedeemTime").empty());
  CHECK(conflicts.At("conflicts.0.reason").find("elsewhere") != std::string::npos);
  CHECK(conflicts.At("conflicts.1.orderId") == "");

  // Replayed: nothing redeemed twice, no second conflict.
  ApiResponse replay = node.api->Post(sync, batch);
  REQUIRE(replay.status == 200);
  CHECK(replay.At("duplicates") == "2");
  CHECK(replay.At("rejected.0.uuid") == "r3");
  CHECK(merchant->Get("/v1/merchants/" + mid + "/landing/conflicts").At("conflicts.1.orderId") ==
        "");
  // A record sent again under a new uuid (the node lost its outbox row's
  // state) is still this node's own redemption, not a conflict.
  ApiResponse resent =
      node.api->Post(sync, Batch({redemption("r9", 9, offline_id, offline_token)}));
  CHECK(resent.At("stored") == "1");
  CHECK(merchant->Get("/v1/merchants/" + mid + "/landing/conflicts").At("conflicts.1.orderId") ==
        "");
  // Two more receipts redeemed at the counter and at the node: three
  // conflicts, listed newest order first, a page at a time.
  std::vector<std::string> flagged = {twice_id};
  for (int i = 0; i < 2; ++i) {
    const auto [id, token] = order(absl::StrCat("o-more-", i));
    REQUIRE(merchant->Post("/v1/receipts:redeem", absl::StrCat(R"({"token":")", token, R"("})"))
                .status == 200);
    REQUIRE(
        node.api->Post(sync, Batch({redemption(absl::StrCat("m", i), 10 + i, id, token)})).status ==
        200);
    flagged.insert(flagged.begin(), id);
  }
  std::vector<std::string> paged;
  std::string page_token;
  for (int pages = 0; pages < 5; ++pages) {
    std::string target = "/v1/merchants/" + mid + "/landing/conflicts?page.pageSize=2";
    if (!page_token.empty()) target += "&page.pageToken=" + page_token;
    ApiResponse page = merchant->Get(target);
    INFO(page.body);
    REQUIRE(page.status == 200);
    for (int i = 0; i < 2 && !page.At(absl::StrCat("conflicts.", i, ".orderId")).empty(); ++i) {
      paged.push_back(page.At(absl::StrCat("conflicts.", i, ".orderId")));
    }
    page_token = page.At("page.nextPageToken");
    if (page_token.empty()) break;
  }
  CHECK(paged == flagged);
  // Nobody else reads the conflicts.
  std::string other_mid;
  CHECK(w.flow->NewAccount("MERCHANT", &other_mid)
            ->Get("/v1/merchants/" + mid + "/landing/conflicts")
            .status == 404);
}

TEST_CASE("A guest off the shop's network orders through a center link and the node pulls it") {
  World w;
  std::string mid;
  auto merchant = w.LandingMerchant(&mid);
  Node node = RegisterNode(w, *merchant, mid);
  const std::string token =
      merchant->Get("/v1/merchants/" + mid + "/landing/config").At("tables.0.token");
  REQUIRE(!token.empty());
  auto guest = w.Client();
  const std::string link = "/l/" + node.id + "/A-1";

  // The table page: the menu, and the node's LAN address to try first.
  ApiResponse page = guest->Get(link + "?k=" + token);
  REQUIRE(page.status == 200);
  CHECK(page.Header("content-type").find("text/html") == 0);
  CHECK(page.body.find("\"lanTarget\":\"http://192.168.1.20:8090/t/A-1?k=" + token + "\"") !=
        std::string::npos);
  CHECK(page.body.find("Jasmine tea") != std::string::npos);
  CHECK(guest->Get(link + "?k=forged").status == 403);
  CHECK(guest->Get(link).status == 403);
  // A phone's browser opening an old sticker gets a page saying why, not JSON;
  // an API client still gets JSON.
  ApiResponse old_sticker =
      guest->Call("GET", link + "?k=forged", "",
                  {{"accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}});
  CHECK(old_sticker.status == 403);
  CHECK(old_sticker.Header("content-type").find("text/html") == 0);
  CHECK(old_sticker.body.find("<p id=\"error\">") != std::string::npos);
  CHECK(old_sticker.body.find("ask the staff") != std::string::npos);
  CHECK(old_sticker.Header("x-frame-options") == "DENY");
  CHECK(guest->Get(link + "?k=forged").Header("content-type").find("application/json") == 0);
  CHECK(guest->Get("/l/" + node.id + "/Z-9?k=" + token).status == 404);
  CHECK(guest->Get("/l/" + core::NewId() + "/A-1?k=" + token).status == 404);

  // Ordering through the center: checked, priced from the menu, once per request id.
  const std::string orders = "/v1/landing/nodes/" + node.id + "/tables/A-1/orders";
  auto body = [&](const std::string& tok, const std::string& request_id, const std::string& items) {
    return absl::StrCat(R"({"token":")", tok, R"(","requestId":")", request_id, R"(","items":)",
                        items, "}");
  };
  const std::string items =
      R"([{"menuItemId":"tea-1","quantity":2},{"menuItemId":"dumplings","quantity":1}])";
  CHECK(guest->Post(orders, body("forged", "g-1", items)).status == 403);
  ApiResponse bad =
      guest->Post(orders, body(token, "g-1", R"([{"menuItemId":"tea-1","quantity":0}])"));
  CHECK(bad.status == 400);
  CHECK(bad.At("details.0.fieldViolations.0.field") == "items[0].quantity");
  ApiResponse ghost =
      guest->Post(orders, body(token, "g-1", R"([{"menuItemId":"ghost","quantity":1}])"));
  CHECK(ghost.status == 400);
  CHECK(ghost.At("details.0.fieldViolations.0.field") == "items[0].menuItemId");
  CHECK(merchant->Get("/v1/merchants/" + mid + "/orders?source=LANDING").At("orders.0.id") == "");
  ApiResponse placed = guest->Post(orders, body(token, "g-1", items));
  INFO(placed.body);
  REQUIRE(placed.status == 200);
  const std::string id = placed.At("order.id");
  CHECK(placed.At("order.total.minor") == "4000");
  CHECK(placed.At("order.landingStatus") == "PLACED");
  CHECK(placed.At("order.table") == "A-1");
  CHECK(placed.At("order.landingNodeId") == node.id);
  CHECK(guest->Post(orders, body(token, "g-1", items)).At("order.id") == id);
  CHECK(merchant->Get("/v1/merchants/" + mid + "/orders?source=LANDING").At("orders.0.id") == id);
  CHECK(merchant->Get("/v1/merchants/" + mid + "/orders?source=LANDING").At("orders.1.id") == "");

  // The node pulls it with a cursor, once.
  ApiResponse pulled;
  REQUIRE(WaitFor(
      [&] {
        pulled = node.api->Get("/v1/landing/nodes/" + node.id + "/orders");
        return pulled.status == 200 && !pulled.At("orders.0.id").empty();
      },
      kDeadline, absl::Milliseconds(100)));
  CHECK(pulled.At("orders.0.id") == id);
  CHECK(pulled.At("orders.0.items.1.menuItemId") == "dumplings");
  const std::string cursor = pulled.At("nextCursor");
  REQUIRE(!cursor.empty());
  ApiResponse next = node.api->Get("/v1/landing/nodes/" + node.id + "/orders?after=" + cursor);
  CHECK(next.status == 200);
  CHECK(next.At("orders.0.id") == "");
  CHECK(next.At("nextCursor") == cursor);
  // The node's desk then works it, and its records sync onto the same order.
  ApiResponse accepted = node.api->Post(
      "/v1/landing/nodes/" + node.id + ":sync",
      Batch({OrderRecord("acc-1", 1, id, "ACCEPTED", {"tea-1:2:800", "dumplings:1:2400"}, 4000)}));
  CHECK(accepted.At("stored") == "1");
  CHECK(merchant->Get("/v1/orders/" + id).At("landingStatus") == "ACCEPTED");

  // A rotated token: the old sticker stops working.
  REQUIRE(merchant->Post("/v1/merchants/" + mid + "/landing/tables/A-1:rotateToken", "{}").status ==
          200);
  CHECK(guest->Get(link + "?k=" + token).status == 403);
  CHECK(guest->Post(orders, body(token, "g-2", items)).status == 403);

  // The printable sheet of table codes and the Wi-Fi join code: the merchant's own only.
  ApiResponse sheet = merchant->Get("/v1/landing/nodes/" + node.id + "/sheet");
  INFO(sheet.body.substr(0, 200));
  REQUIRE(sheet.status == 200);
  CHECK(sheet.Header("content-type") == "application/pdf");
  CHECK(sheet.body.rfind("%PDF", 0) == 0);
  CHECK(merchant->Get("/v1/landing/nodes/" + node.id + "/sheet?links=LAN").status == 200);
  CHECK(merchant->Get("/v1/landing/nodes/" + node.id + "/sheet?links=WAN").status == 400);
  std::string other_mid;
  CHECK(w.flow->NewAccount("MERCHANT", &other_mid)
            ->Get("/v1/landing/nodes/" + node.id + "/sheet")
            .status == 404);

  // Landing business off: no table page and no orders through the center.
  w.LandingOff(*merchant, mid);
  const std::string fresh =
      merchant->Get("/v1/merchants/" + mid + "/landing/config").At("tables.0.token");
  CHECK(guest->Get(link + "?k=" + fresh).status == 400);
  CHECK(guest->Post(orders, body(fresh, "g-3", items)).status == 400);
}

}  // namespace
}  // namespace qrcloud::testing

namespace qrcloud::testing {
namespace {

TEST_CASE("A node edits its merchant's menu through the center, and nothing else") {
  World w;
  std::string mid, other_mid;
  auto merchant = w.LandingMerchant(&mid);
  Node node = RegisterNode(w, *merchant, mid);
  const ApiResponse before = merchant->Get("/v1/merchants/" + mid + "/landing/config");
  REQUIRE(before.At("version") == "1");
  const std::string menu_path = "/v1/landing/nodes/" + node.id + "/menu";
  auto edit = [&](const std::string& version, const std::string& items) {
    return absl::StrCat(R"({"expectedVersion":")", version, R"(","requestId":")", core::NewId(),
                        R"(","menu":)", items, "}");
  };
  const std::string new_menu =
      R"([{"id":"tea-1","name":"茉莉花茶 Jasmine tea","price":{"currency":"CNY","minor":"900"}},)"
      R"({"id":"noodles","name":"拌面 Noodles","price":{"currency":"CNY","minor":"1800"}}])";

  // Bad input is refused naming the field, and changes nothing.
  ApiResponse bad = node.api->Call(
      "PUT", menu_path,
      edit("1", R"([{"id":"tea-1","name":"tea","price":{"currency":"CNY","minor":"-5"}}])"));
  CHECK(bad.status == 400);
  CHECK(bad.At("details.0.fieldViolations.0.field").rfind("menu[0]", 0) == 0);
  CHECK(merchant->Get("/v1/merchants/" + mid + "/landing/config").At("version") == "1");

  // The edit: the menu replaced, the tables with their tokens and the Wi-Fi kept.
  ApiResponse edited = node.api->Call("PUT", menu_path, edit("1", new_menu));
  INFO(edited.body);
  REQUIRE(edited.status == 200);
  CHECK(edited.At("version") == "2");
  const ApiResponse after = merchant->Get("/v1/merchants/" + mid + "/landing/config");
  CHECK(after.At("version") == "2");
  CHECK(after.At("menu.0.price.minor") == "900");
  CHECK(after.At("menu.1.id") == "noodles");
  CHECK(after.At("menu.2.id") == "");
  CHECK(after.At("tables.0.token") == before.At("tables.0.token"));
  CHECK(after.At("tables.1.token") == before.At("tables.1.token"));
  CHECK(after.At("wifi.ssid") == "Tea;House");
  // An edit from a stale read is ABORTED and changes nothing.
  ApiResponse stale = node.api->Call("PUT", menu_path, edit("1", new_menu));
  CHECK(stale.status == 409);
  CHECK(merchant->Get("/v1/merchants/" + mid + "/landing/config").At("version") == "2");

  // Only a node edits through this route, and only its own merchant's menu.
  CHECK(merchant->Call("PUT", menu_path, edit("2", new_menu)).status == 403);
  auto other = w.LandingMerchant(&other_mid);
  Node stranger = RegisterNode(w, *other, other_mid);
  CHECK(stranger.api->Call("PUT", menu_path, edit("0", new_menu)).status == 403);
  CHECK(w.Client()->Call("PUT", menu_path, edit("0", new_menu)).status == 401);
  CHECK(merchant->Get("/v1/merchants/" + mid + "/landing/config").At("version") == "2");
  CHECK(other->Get("/v1/merchants/" + other_mid + "/landing/config").At("menu.0.price.minor") ==
        "800");

  // Landing business off: no edits from the node.
  w.LandingOff(*merchant, mid);
  ApiResponse off = node.api->Call("PUT", menu_path, edit("2", new_menu));
  CHECK(off.status == 400);
  CHECK(off.At("message").find("landing business is off") != std::string::npos);
}

TEST_CASE("Nodes and conflicts are listed a page at a time") {
  World w;
  std::string mid;
  auto merchant = w.LandingMerchant(&mid);
  std::set<std::string> made;
  for (int i = 0; i < 5; ++i) made.insert(RegisterNode(w, *merchant, mid).id);
  std::set<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    std::string target = "/v1/merchants/" + mid + "/landing/nodes?page.pageSize=2";
    if (!token.empty()) target += "&page.pageToken=" + token;
    ApiResponse page = merchant->Get(target);
    INFO(page.body);
    REQUIRE(page.status == 200);
    for (int i = 0; i < 3; ++i) {
      const std::string id = page.At(absl::StrCat("nodes.", i, ".id"));
      if (id.empty()) break;
      CHECK(i < 2);
      CHECK(listed.insert(id).second);
    }
    token = page.At("page.nextPageToken");
    ++pages;
  } while (!token.empty() && pages < 10);
  CHECK(pages == 3);
  CHECK(listed == made);
  ApiResponse bad = merchant->Get("/v1/merchants/" + mid + "/landing/nodes?page.pageSize=500");
  CHECK(bad.status == 400);
  CHECK(bad.At("details.0.fieldViolations.0.field") == "page.pageSize");
  CHECK(merchant->Get("/v1/merchants/" + mid + "/landing/nodes?page.pageToken=x%27").status == 400);
  CHECK(merchant->Get("/v1/merchants/" + mid + "/landing/conflicts?page.pageToken=abc").status ==
        400);
  ApiResponse none = merchant->Get("/v1/merchants/" + mid + "/landing/conflicts?page.pageSize=1");
  CHECK(none.status == 200);
  CHECK(none.At("page.nextPageToken") == "");
}

}  // namespace
}  // namespace qrcloud::testing
