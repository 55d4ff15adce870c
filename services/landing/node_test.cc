// A landing node in-process, on a temporary SQLite file, with the center
// faked in memory (a CenterLink that stores records by uuid, answers a high
// water mark, can be down, can lose its reply after storing, and rejects
// poison): the LAN front's refusals with nothing written, the desk, and sync
// exactly once.
#include <stdlib.h>

#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/ids.h"
#include "libs/http/client.h"
#include "services/landing/node.h"
#include "services/landing/test_node_host.h"

namespace qrcloud::landing {
namespace {

using v1::Order;

// Waits for `cond` until `deadline`; true if it came.
bool WaitFor(const std::function<bool()>& cond, absl::Duration deadline = absl::Seconds(20)) {
  const absl::Time end = absl::Now() + deadline;
  while (absl::Now() < end) {
    if (cond()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return cond();
}

class FakeCenter final : public CenterLink {
 public:
  FakeCenter() {
    config.set_merchant_id(core::NewId());
    config.set_merchant_name("福州小店");
    config.set_version(1);
    config.set_landing_enabled(true);
    for (const char* id : {"A1", "A2"}) {
      v1::LandingTable* t = config.add_tables();
      t->set_id(id);
      t->set_name(absl::StrCat("桌 ", id));
      t->set_token(absl::StrCat("token-", id, "-v1"));
    }
    for (auto [id, minor] : {std::pair{"noodles", 1800}, std::pair{"tea", 500}}) {
      v1::MenuItem* m = config.add_menu();
      m->set_id(id);
      m->set_name(id);
      m->mutable_price()->set_currency("CNY");
      m->mutable_price()->set_minor(minor);
    }
  }

  absl::StatusOr<v1::PullNodeConfigResponse> PullConfig(
      const v1::PullNodeConfigRequest& req) override {
    absl::MutexLock lock(&mu);
    if (down) return absl::UnavailableError("center down");
    if (landing_off) return absl::FailedPreconditionError("landing business is off");
    v1::PullNodeConfigResponse resp;
    if (req.since_version() < config.version()) {
      resp.set_changed(true);
      *resp.mutable_config() = config;
    }
    return resp;
  }
  absl::StatusOr<v1::SyncOrdersResponse> Sync(const v1::SyncOrdersRequest& req) override {
    absl::MutexLock lock(&mu);
    ++calls;
    if (down) return absl::UnavailableError("center down");
    if (landing_off) return absl::FailedPreconditionError("landing business is off");
    v1::SyncOrdersResponse resp;
    for (const v1::SyncRecord& r : req.records()) {
      if (stored.count(r.uuid()) > 0) {
        ++duplicates;
        continue;
      }
      if (r.has_order() && poison.count(r.order().id()) > 0) {
        v1::RejectedRecord* rej = resp.add_rejected();
        rej->set_uuid(r.uuid());
        rej->set_sequence(r.sequence());
        rej->set_reason("unknown menu item");
        high_water_mark = std::max(high_water_mark, r.sequence());
        continue;
      }
      stored[r.uuid()] = r;
      high_water_mark = std::max(high_water_mark, r.sequence());
    }
    resp.set_high_water_mark(high_water_mark);
    if (drop_replies > 0) {
      --drop_replies;
      return absl::UnavailableError("the reply was lost on the way");
    }
    return resp;
  }
  absl::StatusOr<v1::PullOrdersResponse> PullOrders(const v1::PullOrdersRequest&) override {
    absl::MutexLock lock(&mu);
    if (down) return absl::UnavailableError("center down");
    return v1::PullOrdersResponse();
  }
  // The center's rules are the center's (tested there): this one takes the
  // menu as given, by version.
  absl::StatusOr<v1::LandingConfig> UpdateMenu(const v1::UpdateNodeMenuRequest& req) override {
    absl::MutexLock lock(&mu);
    if (down) return absl::UnavailableError("center down");
    if (landing_off) return absl::FailedPreconditionError("landing business is off");
    if (req.expected_version() != 0 && req.expected_version() != config.version()) {
      return absl::AbortedError("the configuration changed since it was read");
    }
    menu_edits.push_back(req);
    *config.mutable_menu() = req.menu();
    config.set_version(config.version() + 1);
    return config;
  }

  // Placed orders stored, by order id: how many records of each.
  std::map<std::string, int> Placed() {
    absl::MutexLock lock(&mu);
    std::map<std::string, int> out;
    for (const auto& [uuid, r] : stored) {
      if (r.has_order() && r.order().landing_status() == Order::PLACED) ++out[r.order().id()];
    }
    return out;
  }

  absl::Mutex mu;
  v1::LandingConfig config;
  bool down = false;
  bool landing_off = false;
  int drop_replies = 0;
  std::set<std::string> poison;
  std::map<std::string, v1::SyncRecord> stored;
  int64_t high_water_mark = 0;
  int duplicates = 0;
  int calls = 0;
  std::vector<v1::UpdateNodeMenuRequest> menu_edits;
};

struct TestNode {
  explicit TestNode(FakeCenter& center) {
    NodeConfig config;
    config.center_link = &center;
    config.sync_interval = absl::Milliseconds(10);
    TestHost t = StartTestHost("qrcloud-node", 256, 8, config);
    dir = t.dir;
    host = std::move(t.host);
    node = t.node;
    REQUIRE(host->Start().ok());
    std::ifstream in(dir + "/desk-token");
    std::getline(in, desk_token);
    REQUIRE(WaitFor([&] { return node.logic->config().version() == 1; }));
  }
  ~TestNode() {
    host->Shutdown(absl::Seconds(1));
    host.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  http::Response Send(const std::string& method, const std::string& target,
                      const std::string& body = "", http::HeaderList headers = {}) {
    auto r = http::Fetch("127.0.0.1", static_cast<uint16_t>(host->http_port()), method, target,
                         headers, body);
    REQUIRE(r.ok());
    return *r;
  }
  http::Response Order(const std::string& table, const std::string& body) {
    return Send("POST", absl::StrCat("/v1/tables/", table, "/orders"), body,
                {{"content-type", "application/json"}});
  }
  int64_t OutboxRows() {
    int64_t n = 0;
    REQUIRE(node.store->db()
                .Read([&](store::SqliteConnection& conn) -> absl::Status {
                  auto row = conn.QueryOne("SELECT COUNT(*) AS n FROM outbox");
                  if (!row.ok()) return row.status();
                  n = row->Int("n");
                  return absl::OkStatus();
                })
                .ok());
    return n;
  }

  std::string dir;
  std::unique_ptr<service::Host> host;
  Node node;
  std::string desk_token;
};

std::string Body(const std::string& request_id, const std::string& items,
                 const std::string& token = "token-A1-v1") {
  return absl::StrCat(R"({"requestId":")", request_id, R"(","items":)", items, R"(,"token":")",
                      token, R"("})");
}

constexpr char kTwoNoodles[] = R"([{"menuItemId":"noodles","quantity":2}])";

TEST_CASE("The LAN front refuses bad orders clearly and writes nothing") {
  FakeCenter center;
  TestNode n(center);
  const int64_t before = n.OutboxRows();
  struct Bad {
    std::string name, table, body;
    int status;
    std::string says;
  };
  const std::vector<Bad> bad = {
      {"forged token", "A1", Body("r1", kTwoNoodles, "token-A1-forged"), 403, "not valid"},
      {"another table's token", "A1", Body("r1", kTwoNoodles, "token-A2-v1"), 403, "not valid"},
      {"no token", "A1", Body("r1", kTwoNoodles, ""), 403, "no table token"},
      {"unknown table", "Z9", Body("r1", kTwoNoodles), 404, "not a table"},
      {"malformed table id", "A1%2F..", Body("r1", kTwoNoodles), 400, "table id"},
      {"unknown item", "A1", Body("r1", R"([{"menuItemId":"caviar","quantity":1}])"), 400,
       "items[0].menuItemId"},
      {"quantity 0", "A1", Body("r1", R"([{"menuItemId":"tea","quantity":0}])"), 400,
       "items[0].quantity"},
      {"quantity 10,000", "A1", Body("r1", R"([{"menuItemId":"tea","quantity":10000}])"), 400,
       "1 to 50"},
      {"no items", "A1", Body("r1", "[]"), 400, "items"},
      {"no request id", "A1", Body("", kTwoNoodles), 400, "requestId"},
      {"malformed JSON", "A1", R"({"requestId":"r1","items":[)", 400, "must be JSON"},
      {"unknown field", "A1", R"({"requestId":"r1","items":[],"price":1})", 400, "must be JSON"},
      {"a number for a string", "A1", R"({"requestId":5,"items":[]})", 400, "must be JSON"},
  };
  for (const Bad& b : bad) {
    auto r = n.Order(b.table, b.body);
    INFO(b.name << ": " << r.status << " " << r.body);
    CHECK(r.status == b.status);
    CHECK(r.body.find(b.says) != std::string::npos);
  }
  // Over the body limit: refused by the server before any parsing.
  auto big = n.Order("A1", std::string(64 * 1024, ' '));
  CHECK(big.status == 400);
  CHECK(n.OutboxRows() == before);

  // A good order, then its retry: one order.
  auto first = n.Order("A1", Body("same-1", kTwoNoodles));
  REQUIRE(first.status == 200);
  CHECK(first.body.find("\"total\":{\"currency\":\"CNY\",\"minor\":\"3600\"}") !=
        std::string::npos);
  auto again = n.Order("A1", Body("same-1", kTwoNoodles));
  CHECK(again.status == 200);
  CHECK(again.body == first.body);
  CHECK(n.OutboxRows() == before + 1);
  // The same request id for another order is refused, naming it.
  auto other = n.Order("A1", Body("same-1", R"([{"menuItemId":"tea","quantity":1}])"));
  CHECK(other.status == 400);
  CHECK(other.body.find("requestId") != std::string::npos);
  CHECK(n.OutboxRows() == before + 1);
}

TEST_CASE("A rotated table token stops the old sticker at once") {
  FakeCenter center;
  TestNode n(center);
  REQUIRE(n.Send("GET", "/t/A1?k=token-A1-v1").status == 200);
  {
    absl::MutexLock lock(&center.mu);
    center.config.mutable_tables(0)->set_token("token-A1-v2");
    center.config.set_version(2);
  }
  n.node.sync->Wake();
  REQUIRE(WaitFor([&] { return n.node.logic->config().version() == 2; }));
  CHECK(n.Send("GET", "/t/A1?k=token-A1-v1").status == 403);
  CHECK(n.Order("A1", Body("r-old", kTwoNoodles)).status == 403);
  CHECK(n.Order("A1", Body("r-new", kTwoNoodles, "token-A1-v2")).status == 200);
}

TEST_CASE("The table page and the menu are served, the sync status needs the desk token") {
  FakeCenter center;
  TestNode n(center);
  auto page = n.Send("GET", "/t/A1?k=token-A1-v1");
  CHECK(page.status == 200);
  CHECK(page.Header("content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("noodles") != std::string::npos);
  CHECK(n.Send("GET", "/t/A1?k=wrong").status == 403);
  CHECK(n.Send("GET", "/t/A1?k=token-A1-v1&x=1").status == 400);
  auto menu = n.Send("GET", "/v1/menu");
  CHECK(menu.status == 200);
  CHECK(menu.body.find("\"merchantName\":\"福州小店\"") != std::string::npos);
  CHECK(n.Send("POST", "/v1/menu").status == 405);
  CHECK(n.Send("GET", "/v1/nothing").status == 404);
  CHECK(n.Send("GET", "/v1/sync/status").status == 401);
  CHECK(n.Send("GET", "/v1/sync/status", "", {{"authorization", "Bearer qrd_forged"}}).status ==
        401);
  auto status = n.Send("GET", "/v1/sync/status", "", {{"authorization", "Bearer " + n.desk_token}});
  CHECK(status.status == 200);
  CHECK(status.body.find("\"configVersion\":\"1\"") != std::string::npos);
}

TEST_CASE("The center down: 500 orders answered 200, then each arrives exactly once") {
  FakeCenter center;
  TestNode n(center);
  {
    absl::MutexLock lock(&center.mu);
    center.down = true;
  }
  std::set<std::string> ids;
  for (int i = 0; i < 500; ++i) {
    auto r = n.Order(i % 2 ? "A1" : "A2", Body(absl::StrCat("offline-", i), kTwoNoodles,
                                               i % 2 ? "token-A1-v1" : "token-A2-v1"));
    REQUIRE(r.status == 200);
    ids.insert(r.body.substr(r.body.find("\"id\":\"") + 6, 26));
  }
  CHECK(ids.size() == 500);
  auto offline = n.node.sync->Status();
  CHECK(offline.pending() == 500);
  CHECK_FALSE(offline.online());
  CHECK_FALSE(offline.last_error().empty());
  {
    absl::MutexLock lock(&center.mu);
    center.down = false;
  }
  n.node.sync->Wake();
  REQUIRE(WaitFor([&] { return n.node.sync->Status().pending() == 0; }));
  auto placed = center.Placed();
  CHECK(placed.size() == 500);
  for (const auto& [id, count] : placed) {
    CHECK(count == 1);
    CHECK(ids.count(id) == 1);
  }
  CHECK(WaitFor([&] { return n.node.sync->Status().online(); }));
}

TEST_CASE("A reply lost after the center stored a batch: the replay stores nothing twice") {
  FakeCenter center;
  TestNode n(center);
  {
    absl::MutexLock lock(&center.mu);
    center.drop_replies = 1;
  }
  for (int i = 0; i < 20; ++i)
    REQUIRE(n.Order("A1", Body(absl::StrCat("lost-", i), kTwoNoodles)).status == 200);
  REQUIRE(WaitFor([&] { return n.node.sync->Status().pending() == 0; }));
  absl::MutexLock lock(&center.mu);
  CHECK(center.drop_replies == 0);
  CHECK(center.duplicates > 0);  // the replay came, and was recognised
  int placed = 0;
  for (const auto& [uuid, r] : center.stored) placed += r.has_order() ? 1 : 0;
  CHECK(placed == 20);
}

TEST_CASE("A poison record is parked where the desk sees it, and later orders still sync") {
  FakeCenter center;
  TestNode n(center);
  {
    absl::MutexLock lock(&center.mu);
    center.down = true;
  }
  auto poison = n.Order("A1", Body("poison", kTwoNoodles));
  REQUIRE(poison.status == 200);
  const std::string poison_id = poison.body.substr(poison.body.find("\"id\":\"") + 6, 26);
  for (int i = 0; i < 5; ++i)
    REQUIRE(n.Order("A1", Body(absl::StrCat("after-", i), kTwoNoodles)).status == 200);
  {
    absl::MutexLock lock(&center.mu);
    center.poison.insert(poison_id);
    center.down = false;
  }
  n.node.sync->Wake();
  REQUIRE(WaitFor([&] { return n.node.sync->Status().pending() == 0; }));
  CHECK(n.node.sync->Status().parked() == 1);
  auto parked = n.node.store->Parked(10);
  REQUIRE(parked.ok());
  REQUIRE(parked->size() == 1);
  CHECK((*parked)[0].reason() == "unknown menu item");
  CHECK((*parked)[0].data().find(poison_id) != std::string::npos);
  CHECK(center.Placed().size() == 5);
  // More orders keep syncing past it.
  REQUIRE(n.Order("A1", Body("later", kTwoNoodles)).status == 200);
  REQUIRE(WaitFor([&] { return center.Placed().size() == 6; }));
}

TEST_CASE("The desk takes an order from placed to settled, each step synced, and a shift closes") {
  FakeCenter center;
  TestNode n(center);
  REQUIRE(n.node.logic->OpenShift().ok());
  auto r = n.Order("A1", Body("desk-1", kTwoNoodles));
  REQUIRE(r.status == 200);
  const std::string id = r.body.substr(r.body.find("\"id\":\"") + 6, 26);
  CHECK_FALSE(n.node.logic->Apply(id, DeskAction::kSettle, "").ok());
  REQUIRE(n.node.logic->Apply(id, DeskAction::kAccept, "").ok());
  REQUIRE(n.node.logic->Apply(id, DeskAction::kAccept, "").ok());  // a retry: no change
  REQUIRE(n.node.logic->Apply(id, DeskAction::kPay, "").ok());
  auto settled = n.node.logic->Apply(id, DeskAction::kSettle, "");
  INFO(settled.status());
  REQUIRE(settled.ok());
  CHECK(settled->state() == Order::REDEEMED);
  CHECK(settled->landing_status() == Order::SETTLED);
  CHECK(n.OutboxRows() == 4);  // placed, accepted, paid, redeemed
  auto tables = n.node.logic->Tables();
  REQUIRE(tables.ok());
  CHECK(tables->tables(0).open_orders_size() == 0);

  {
    absl::MutexLock lock(&center.mu);
    center.down = true;
  }
  REQUIRE(n.Order("A2", Body("desk-2", kTwoNoodles, "token-A2-v1")).status == 200);
  auto refused = n.node.logic->CloseShift(false);
  CHECK(refused.status().code() == absl::StatusCode::kFailedPrecondition);
  auto forced = n.node.logic->CloseShift(true);
  REQUIRE(forced.ok());
  CHECK(forced->orders() == 2);
  CHECK(forced->total().minor() == 7200);
  CHECK(forced->unsynced_at_close() >= 1);
}

TEST_CASE(
    "While the center says landing business is off, the node stops syncing and taking orders") {
  FakeCenter center;
  TestNode n(center);
  {
    absl::MutexLock lock(&center.mu);
    center.down = true;  // the order below is taken before the node hears
  }
  REQUIRE(n.Order("A1", Body("off-1", kTwoNoodles)).status == 200);
  {
    absl::MutexLock lock(&center.mu);
    center.down = false;
    center.landing_off = true;
  }
  const v1::SyncStatus stopped = n.node.sync->SyncNow(absl::Seconds(10));
  CHECK(stopped.stopped_reason().find("off") != std::string::npos);
  CHECK(stopped.pending() == 1);
  // No new table orders while it is off, nothing written; the order taken
  // before waits.
  const int64_t rows = n.OutboxRows();
  http::Response refused = n.Order("A1", Body("off-2", kTwoNoodles));
  CHECK(refused.status == 400);
  CHECK(absl::StrContains(refused.body, "not taking table orders"));
  CHECK(n.OutboxRows() == rows);
  {
    absl::MutexLock lock(&center.mu);
    center.landing_off = false;
  }
  // On again with the same configuration version: the node takes orders and
  // syncs.
  const v1::SyncStatus resumed = n.node.sync->SyncNow(absl::Seconds(10));
  CHECK(resumed.stopped_reason().empty());
  CHECK(resumed.online());
  CHECK(resumed.config_version() == 1);
  REQUIRE(n.Order("A1", Body("off-3", kTwoNoodles)).status == 200);
  REQUIRE(WaitFor([&] { return n.node.sync->Status().pending() == 0; }));
  CHECK(center.Placed().size() == 2);
}

TEST_CASE("The desk page's routes need the desk token and take an order step by step") {
  FakeCenter center;
  TestNode n(center);
  http::Response page = n.Send("GET", "/desk");
  CHECK(page.status == 200);
  CHECK(page.Header("content-type").find("text/html") == 0);
  CHECK(page.body.find("desk-token") != std::string::npos);
  CHECK(page.body.find(n.desk_token) == std::string::npos);  // the page holds no secret
  http::Response placed = n.Order("A1", Body("desk-page-1", kTwoNoodles));
  REQUIRE(placed.status == 200);
  v1::CreateTableOrderResponse made;
  REQUIRE(google::protobuf::util::JsonStringToMessage(placed.body, &made).ok());
  const std::string id = made.order().id();
  const http::HeaderList desk = {{"authorization", "Bearer " + n.desk_token}};

  CHECK(n.Send("GET", "/v1/desk/orders").status == 401);
  CHECK(n.Send("GET", "/v1/desk/orders", "", {{"authorization", "Bearer wrong"}}).status == 401);
  CHECK(n.Send("POST", "/v1/desk/orders/" + id + ":accept").status == 401);
  http::Response listed = n.Send("GET", "/v1/desk/orders", "", desk);
  REQUIRE(listed.status == 200);
  v1::ListDeskOrdersResponse list;
  REQUIRE(google::protobuf::util::JsonStringToMessage(listed.body, &list).ok());
  REQUIRE(list.orders_size() == 1);
  CHECK(list.orders(0).id() == id);

  http::Response bad = n.Send("POST", "/v1/desk/orders/" + id + ":cook", "", desk);
  CHECK(bad.status == 400);
  CHECK(absl::StrContains(bad.body, "accept, reject, paid or settle"));
  CHECK(n.Send("POST", "/v1/desk/orders/" + id + ":paid", "", desk).status == 400);  // not yet
  CHECK(n.Send("POST", "/v1/desk/orders/nope:accept", "", desk).status == 404);
  http::Response accepted = n.Send("POST", "/v1/desk/orders/" + id + ":accept", "", desk);
  CHECK(absl::StrContains(accepted.body, R"("landingStatus":"ACCEPTED")"));
  http::Response rejected =
      n.Send("POST", "/v1/desk/orders/" + id + ":reject", R"({"reason":"out of noodles"})", desk);
  INFO(rejected.body);
  CHECK(rejected.status == 200);
  CHECK(absl::StrContains(rejected.body, R"("landingStatus":"REJECTED")"));
  CHECK(n.Send("POST", "/v1/desk/orders/" + id + ":reject", "not json", desk).status == 400);
}

TEST_CASE("The desk edits the menu through the center and serves the answer at once") {
  FakeCenter center;
  TestNode n(center);
  // Sold out here only: shown so, and not sent to the center as its own.
  REQUIRE(n.node.logic
              ->SetSoldOut([] {
                v1::SetSoldOutRequest r;
                r.set_menu_item_id("tea");
                r.set_sold_out(true);
                return r;
              }())
              .ok());
  auto menu = n.node.logic->Menu();
  REQUIRE(menu.ok());
  CHECK(menu->config_version() == 1);
  v1::UpdateDeskMenuRequest edit;
  edit.set_expected_version(menu->config_version());
  *edit.mutable_items() = menu->items();
  edit.mutable_items(0)->mutable_price()->set_minor(1950);  // noodles
  v1::MenuItem* dumplings = edit.add_items();
  dumplings->set_id("dumplings");
  dumplings->set_name("饺子 Dumplings");
  dumplings->mutable_price()->set_currency("CNY");
  dumplings->mutable_price()->set_minor(2200);
  auto edited = n.node.sync->UpdateMenu(edit);
  INFO(edited.status().message());
  REQUIRE(edited.ok());
  CHECK(edited->config_version() == 2);
  REQUIRE(edited->items_size() == 3);
  CHECK(edited->items(0).price().minor() == 1950);
  CHECK(edited->items(1).sold_out());  // tea, still sold out here
  {
    absl::MutexLock lock(&center.mu);
    REQUIRE(center.menu_edits.size() == 1);
    CHECK(!center.menu_edits[0].menu(1).sold_out());
    CHECK(center.menu_edits[0].node_id() == n.node.logic->options().node_id);
  }
  // Guests order the new item at the new price at once.
  http::Response placed =
      n.Order("A1", Body("menu-1", R"([{"menuItemId":"dumplings","quantity":1},)"
                                   R"({"menuItemId":"noodles","quantity":1}])"));
  INFO(placed.body);
  REQUIRE(placed.status == 200);
  CHECK(absl::StrContains(placed.body, R"("minor":"4150")"));

  // An edit from a stale read is refused; nothing changes.
  auto stale = n.node.sync->UpdateMenu(edit);
  CHECK(stale.status().code() == absl::StatusCode::kAborted);
  CHECK(n.node.logic->config().version() == 2);

  // The center away: the edit says it needs the center and what works
  // offline; sold out still works.
  {
    absl::MutexLock lock(&center.mu);
    center.down = true;
  }
  edit.set_expected_version(2);
  auto offline = n.node.sync->UpdateMenu(edit);
  CHECK(offline.status().code() == absl::StatusCode::kUnavailable);
  CHECK(absl::StrContains(offline.status().message(), "sold out works offline"));
  CHECK(n.node.logic->config().version() == 2);
  v1::SetSoldOutRequest sold;
  sold.set_menu_item_id("dumplings");
  sold.set_sold_out(true);
  CHECK(n.node.logic->SetSoldOut(sold).ok());
}

}  // namespace
}  // namespace qrcloud::landing
