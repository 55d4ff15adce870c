// The landing node against the real center (issue 12, "Must show"): a
// merchant with landing business on through audit and a configuration put
// through the gateway, a node registered through the gateway, and
// `qrcloud-landing` run as a child process on a data dir of its own, its
// --center the center's gRPC address (or a TcpProxy in front of it). Guests'
// orders go to the node's LAN HTTP; what the center holds is read where the
// merchant reads it (GET /v1/merchants/{id}/orders?source=LANDING through the
// gateway); what the node holds, through its desk (LandingDeskService) and
// its sync status.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/ids.h"
#include "qrcloud/v1/landing.grpc.pb.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr absl::Duration kDeadline = absl::Seconds(60);
constexpr int kTables = 8;

// Eight tables T1..T8; "seasonal" is the item a poison record names once
// the center's menu no longer has it.
std::string ConfigJson(bool with_seasonal) {
  std::vector<std::string> tables;
  for (int t = 1; t <= kTables; ++t) {
    tables.push_back(absl::StrCat(R"({"id":"T)", t, R"(","name":"桌 )", t, R"(","seats":4})"));
  }
  std::string menu =
      R"({"id":"tea","name":"茉莉花茶 Jasmine tea","price":{"currency":"CNY","minor":"800"}},)"
      R"({"id":"noodles","name":"拌面 Noodles","price":{"currency":"CNY","minor":"1800"}})";
  if (with_seasonal) {
    menu +=
        R"(,{"id":"seasonal","name":"时令菜 Seasonal","price":{"currency":"CNY","minor":"3600"}})";
  }
  return absl::StrCat(R"({"menu":[)", menu, R"(],"tables":[)", absl::StrJoin(tables, ","), "]}");
}

// Percent-encodes a query value.
std::string QueryValue(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

// qrcloud-landing as a child process: the same data dir and ports across
// restarts, as the shop's PC would run it.
class NodeProcess {
 public:
  NodeProcess(Stack& stack, std::string node_id, const std::string& api_key,
              const std::string& center)
      : stack_(stack), node_id_(std::move(node_id)), center_(center) {
    dir_ = absl::StrCat(stack.dir(), "/", UniqueName("node"));
    REQUIRE(mkdir(dir_.c_str(), 0700) == 0);
    key_file_ = dir_ + "-api-key";
    std::ofstream(key_file_) << api_key << "\n";
    grpc_port_ = FreePort();
    lan_port_ = FreePort();
  }

  // Starts it and waits until its LAN front answers.
  void Start() {
    const bool up = TryStart();
    INFO(Tail(dir_ + ".log"));
    REQUIRE(up);
  }
  // The same, for a thread other than the test's: false if it did not come up.
  bool TryStart() {
    auto p = Process::Spawn(
        "qrcloud-landing",
        {absl::StrCat("--grpc_port=", grpc_port_), "--metrics_port=0", "--listen_address=127.0.0.1",
         absl::StrCat("--data_dir=", dir_), absl::StrCat("--node_id=", node_id_),
         absl::StrCat("--center=", center_), absl::StrCat("--center_api_key_file=", key_file_),
         absl::StrCat("--lan_port=", lan_port_), "--config_interval=1s", "--pull_interval=2s"},
        stack_.env(), dir_ + ".log");
    if (!p.ok()) return false;
    process_ = *std::move(p);
    const bool up = WaitFor(
        [&] {
          auto r = http::Fetch("127.0.0.1", static_cast<uint16_t>(lan_port_), "GET", "/healthz");
          return r.ok() && r->status == 200;
        },
        kDeadline, absl::Milliseconds(10));
    if (!up) return false;
    std::ifstream in(dir_ + "/desk-token");
    std::getline(in, desk_token_);
    return !desk_token_.empty();
  }
  // As a crash or a pulled plug would.
  void Kill() { process_->Kill(); }

  // A guest's order at `table`: `items` as JSON.
  ApiResponse Order(const std::string& table, const std::string& token, const std::string& items,
                    const std::string& request_id = core::NewId()) {
    return Lan().Post(absl::StrCat("/v1/tables/", table, "/orders"),
                      absl::StrCat(R"({"requestId":")", request_id, R"(","items":)", items,
                                   R"(,"token":")", token, R"("})"));
  }
  Api Lan(const std::string& token = "") {
    Api api("127.0.0.1", lan_port_);
    api.set_token(token);
    return api;
  }
  ApiResponse Status() { return Lan(desk_token_).Get("/v1/sync/status"); }
  // Nothing waits for the center: no record pending or being sent.
  bool Drained() {
    ApiResponse s = Status();
    return s.status == 200 && s.At("pending") == "" && s.At("sending") == "";
  }

  // The desk's view (LandingDeskService, the desk token).
  std::unique_ptr<v1::LandingDeskService::Stub> Desk() {
    return v1::LandingDeskService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", grpc_port_), grpc::InsecureChannelCredentials()));
  }
  void Authorize(grpc::ClientContext& ctx) {
    ctx.AddMetadata("authorization", "Bearer " + desk_token_);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  }
  // Every order the node holds, by id (how many times each), table by table.
  std::map<std::string, int> Orders() {
    auto desk = Desk();
    std::map<std::string, int> out;
    for (int t = 1; t <= kTables; ++t) {
      grpc::ClientContext ctx;
      Authorize(ctx);
      v1::ListDeskOrdersRequest req;
      req.set_table(absl::StrCat("T", t));
      req.set_limit(500);
      v1::ListDeskOrdersResponse resp;
      const grpc::Status s = desk->ListOrders(&ctx, req, &resp);
      INFO(s.error_message());
      REQUIRE(s.ok());
      REQUIRE(resp.orders_size() < 500);  // else some would be beyond the list
      for (const v1::Order& o : resp.orders()) ++out[o.id()];
    }
    return out;
  }

  int lan_port() const { return lan_port_; }
  int grpc_port() const { return grpc_port_; }
  const std::string& log() const { return dir_; }

 private:
  Stack& stack_;
  std::string node_id_;
  std::string center_;
  std::string dir_;
  std::string key_file_;
  int grpc_port_ = 0;
  int lan_port_ = 0;
  std::string desk_token_;
  std::unique_ptr<Process> process_;
};

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;
  std::unique_ptr<Api> merchant;
  std::string mid;
  std::string node_id;
  std::string api_key;
  std::map<std::string, std::string> tokens;  // table -> its token

  World() {
    auto s = Stack::Start();
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
    // A merchant whose landing business the audit approved.
    merchant = flow->QualifiedMerchant(&mid);
    REQUIRE(merchant
                ->Post("/v1/merchants/" + mid + ":setBusinessSwitches",
                       R"({"cloudBusinessEnabled":true,"landingBusinessEnabled":true})")
                .At("landingReview.state") == "PENDING_AUDIT");
    flow->Decide("landing.requested", mid, true);
    REQUIRE(merchant->Get("/v1/merchants/" + mid).At("landingBusinessEnabled") == "true");
    // Its menu and tables, and a node registered with its key.
    ApiResponse put = PutConfig(true);
    REQUIRE(put.status == 200);
    ApiResponse made = merchant->Post("/v1/landing/nodes",
                                      absl::StrCat(R"({"merchantId":")", mid,
                                                   R"(","name":"前台电脑 Front desk","lanUrl":)"
                                                   R"("http://192.168.1.20:8090","requestId":")",
                                                   core::NewId(), R"("})"));
    INFO(made.body);
    REQUIRE(made.status == 200);
    node_id = made.At("node.id");
    api_key = made.At("apiKey");
    REQUIRE(!node_id.empty());
  }

  ApiResponse PutConfig(bool with_seasonal) {
    ApiResponse put = merchant->Call("PUT", "/v1/merchants/" + mid + "/landing/config",
                                     ConfigJson(with_seasonal));
    INFO(put.body);
    for (int t = 0; t < kTables; ++t) {
      tokens[put.At(absl::StrCat("tables.", t, ".id"))] =
          put.At(absl::StrCat("tables.", t, ".token"));
    }
    return put;
  }

  // A node process for this world's node, calling the center at `center`
  // (the stack's center unless a proxy's address is given), started and
  // holding the configuration.
  std::unique_ptr<NodeProcess> StartNode(const std::string& center = "") {
    auto node = std::make_unique<NodeProcess>(*stack, node_id, api_key,
                                              center.empty() ? stack->center_address() : center);
    node->Start();
    const bool configured = WaitFor([&] { return node->Status().At("configVersion") != ""; },
                                    kDeadline, absl::Milliseconds(50));
    INFO(Tail(node->log() + ".log"));
    REQUIRE(configured);
    return node;
  }

  // The merchant's landing orders at the center, by id (how many times each
  // is listed), every page.
  std::map<std::string, int> CenterOrders() {
    std::map<std::string, int> out;
    std::string page_token;
    for (int page = 0; page < 100; ++page) {
      std::string target =
          absl::StrCat("/v1/merchants/", mid, "/orders?source=LANDING&page.pageSize=200");
      if (!page_token.empty()) absl::StrAppend(&target, "&page.pageToken=", QueryValue(page_token));
      ApiResponse listed = merchant->Get(target);
      if (listed.status != 200) return {};  // the center may be on its way back
      const auto json = ParseJson(listed.body);
      for (int i = 0;; ++i) {
        const std::string id = JsonAt(json, absl::StrCat("orders.", i, ".id"));
        if (id.empty()) break;
        ++out[id];
      }
      page_token = JsonAt(json, "page.nextPageToken");
      if (page_token.empty()) break;
    }
    return out;
  }
  // The node's high-water mark as the center keeps it.
  std::string CenterMark() {
    return merchant->Get("/v1/merchants/" + mid + "/landing/nodes").At("nodes.0.highWaterMark");
  }
};

// The ids, each listed once: else the first id listed twice.
std::string Duplicate(const std::map<std::string, int>& counts) {
  for (const auto& [id, n] : counts) {
    if (n != 1) return absl::StrCat(id, " x", n);
  }
  return "";
}

std::set<std::string> Ids(const std::map<std::string, int>& counts) {
  std::set<std::string> out;
  for (const auto& [id, n] : counts) out.insert(id);
  return out;
}

constexpr char kTea[] = R"([{"menuItemId":"tea","quantity":1}])";
constexpr char kLunch[] =
    R"([{"menuItemId":"noodles","quantity":2},{"menuItemId":"tea","quantity":1}])";

TEST_CASE(
    "The center stopped: 500 orders answered 200 at the tables arrive once each when it is back",
    "[landing]") {
  World w;
  auto node = w.StartNode();

  w.stack->StopCenter();
  std::set<std::string> answered;
  for (int i = 0; i < 500; ++i) {
    const std::string table = absl::StrCat("T", 1 + i % kTables);
    ApiResponse placed = node->Order(table, w.tokens[table], i % 2 == 0 ? kTea : kLunch);
    INFO(placed.body);
    REQUIRE(placed.status == 200);
    CHECK(placed.At("order.landingStatus") == "PLACED");
    answered.insert(placed.At("order.id"));
  }
  REQUIRE(answered.size() == 500);
  // They wait at the node, and it says why.
  CHECK(node->Status().At("pending") == "500");
  CHECK(WaitFor([&] { return !node->Status().At("lastError").empty(); }, kDeadline));
  CHECK(node->Status().At("online") == "");
  CHECK(node->Status().At("pending") == "500");

  REQUIRE(w.stack->StartCenter().ok());
  const bool drained = WaitFor([&] { return node->Drained(); }, kDeadline, absl::Milliseconds(50));
  INFO(node->Status().body);
  REQUIRE(drained);
  std::map<std::string, int> at_center;
  REQUIRE(WaitFor(
      [&] {
        at_center = w.CenterOrders();
        return at_center.size() >= 500;
      },
      kDeadline, absl::Milliseconds(100)));
  CHECK(Duplicate(at_center) == "");
  CHECK(Ids(at_center) == answered);
  CHECK(node->Status().At("online") == "true");
  CHECK(w.CenterMark() == node->Status().At("highWaterMark"));
}

TEST_CASE("kill -9 at random moments during 2,000 orders: every order answered 200 survives, once",
          "[landing]") {
  World w;
  auto node = w.StartNode();

  constexpr int kOrders = 2000;
  constexpr int kKills = 5;
  std::mt19937 random(std::random_device{}());
  // The kills: after random numbers of answered orders, then a random few
  // milliseconds into the next ones.
  std::vector<int> kill_at;
  for (int i = 0; i < kKills; ++i) {
    kill_at.push_back(std::uniform_int_distribution<int>(100, kOrders - 100)(random));
  }
  std::sort(kill_at.begin(), kill_at.end());
  std::atomic<int> placed{0};
  std::atomic<bool> done{false};
  std::atomic<int> kills{0};
  std::atomic<bool> restart_failed{false};
  std::thread killer([&] {
    std::mt19937 r(std::random_device{}());
    for (int at : kill_at) {
      while (placed.load() < at && !done) absl::SleepFor(absl::Milliseconds(1));
      if (done) return;
      absl::SleepFor(absl::Microseconds(std::uniform_int_distribution<int>(0, 5000)(r)));
      node->Kill();
      ++kills;
      if (!node->TryStart()) {
        restart_failed = true;
        return;
      }
    }
  });

  // A guest's phone: each order with its request id, sent again until it is
  // answered (the node may be down for a moment); each answer recorded.
  std::map<std::string, std::string> answered;  // request id -> order id
  std::set<std::string> order_ids;
  bool all_answered = true;
  std::string last_refusal;
  for (int i = 0; i < kOrders && all_answered; ++i) {
    const std::string table = absl::StrCat("T", 1 + i % kTables);
    const std::string request_id = core::NewId();
    const std::string items = i % 3 == 0 ? kLunch : kTea;
    ApiResponse r;
    const bool ok = WaitFor(
        [&] {
          r = node->Order(table, w.tokens[table], items, request_id);
          return r.status == 200 || (r.status >= 400 && r.status < 500);
        },
        kDeadline, absl::Milliseconds(5));
    if (!ok || r.status != 200) {
      all_answered = false;
      last_refusal = absl::StrCat(r.status, " ", r.body);
      break;
    }
    answered[request_id] = r.At("order.id");
    order_ids.insert(r.At("order.id"));
    ++placed;
  }
  done = true;
  killer.join();
  INFO(Tail(node->log() + ".log"));
  REQUIRE(!restart_failed);
  INFO(last_refusal);
  REQUIRE(all_answered);
  CHECK(kills.load() == kKills);
  REQUIRE(order_ids.size() == kOrders);

  // After the last restart the node syncs everything: the node and the
  // center hold the same orders, the 2,000 that were answered, once each.
  const bool drained = WaitFor([&] { return node->Drained(); }, kDeadline, absl::Milliseconds(50));
  INFO(node->Status().body);
  REQUIRE(drained);
  const std::map<std::string, int> at_node = node->Orders();
  CHECK(Duplicate(at_node) == "");
  CHECK(Ids(at_node) == order_ids);
  std::map<std::string, int> at_center;
  REQUIRE(WaitFor(
      [&] {
        at_center = w.CenterOrders();
        return at_center.size() >= order_ids.size();
      },
      kDeadline, absl::Milliseconds(100)));
  CHECK(Duplicate(at_center) == "");
  CHECK(Ids(at_center) == order_ids);
  CHECK(w.CenterMark() == node->Status().At("highWaterMark"));
}

TEST_CASE(
    "The center's reply is lost after it stored a batch: the node's replay stores nothing twice",
    "[landing]") {
  World w;
  TcpProxy proxy(w.stack->center_port());
  REQUIRE(proxy.Start().ok());
  auto node = w.StartNode(absl::StrCat("127.0.0.1:", proxy.port()));

  // Twenty orders wait while the link is down; then every answer to a sync
  // (a request of more than a few hundred bytes: not a configuration or
  // orders pull) is lost on its way back.
  proxy.SetDown(true);
  std::set<std::string> answered;
  for (int i = 0; i < 20; ++i) {
    const std::string table = absl::StrCat("T", 1 + i % kTables);
    ApiResponse placed = node->Order(table, w.tokens[table], kLunch);
    REQUIRE(placed.status == 200);
    answered.insert(placed.At("order.id"));
  }
  proxy.DropReplies(1000, 400);
  proxy.SetDown(false);

  // The center stored the batch, the node never heard so and sent it again
  // (and never heard again): the center still holds each order once.
  REQUIRE(WaitFor([&] { return proxy.dropped() >= 3; }, kDeadline, absl::Milliseconds(20)));
  std::map<std::string, int> at_center = w.CenterOrders();
  CHECK(Duplicate(at_center) == "");
  CHECK(Ids(at_center) == answered);
  ApiResponse unsure = node->Status();
  CHECK(unsure.At("pending") == "20");
  CHECK(unsure.At("online") == "");

  // Replies get through again: the replay is answered as duplicates and the
  // node is done, with nothing doubled at the center.
  proxy.DropReplies(0, 0);
  const bool drained = WaitFor([&] { return node->Drained(); }, kDeadline, absl::Milliseconds(50));
  INFO(node->Status().body);
  REQUIRE(drained);
  at_center = w.CenterOrders();
  CHECK(Duplicate(at_center) == "");
  CHECK(Ids(at_center) == answered);
  CHECK(w.CenterMark() == node->Status().At("highWaterMark"));
  CHECK(node->Status().At("highWaterMark") != "");
}

TEST_CASE("A record the center rejects is parked at the node and later orders still sync",
          "[landing]") {
  World w;
  TcpProxy proxy(w.stack->center_port());
  REQUIRE(proxy.Start().ok());
  auto node = w.StartNode(absl::StrCat("127.0.0.1:", proxy.port()));

  // The merchant takes "seasonal" off the menu while the node cannot reach
  // the center; a guest orders it at the node, which still has it.
  proxy.SetDown(true);
  REQUIRE(w.PutConfig(false).status == 200);
  ApiResponse poison =
      node->Order("T1", w.tokens["T1"], R"([{"menuItemId":"seasonal","quantity":1}])");
  INFO(poison.body);
  REQUIRE(poison.status == 200);
  const std::string poison_id = poison.At("order.id");
  std::set<std::string> good;
  for (const std::string table : {"T2", "T3"}) {
    ApiResponse placed = node->Order(table, w.tokens[table], kLunch);
    REQUIRE(placed.status == 200);
    good.insert(placed.At("order.id"));
  }
  proxy.SetDown(false);

  // The center rejects that one record; the node parks it where the desk
  // sees it, and the others are stored.
  const bool settled = WaitFor(
      [&] {
        ApiResponse s = node->Status();
        return s.At("parked") == "1" && s.At("pending") == "" && s.At("sending") == "";
      },
      kDeadline, absl::Milliseconds(50));
  INFO(node->Status().body);
  REQUIRE(settled);
  {
    auto desk = node->Desk();
    grpc::ClientContext ctx;
    node->Authorize(ctx);
    v1::ListParkedRecordsResponse parked;
    REQUIRE(desk->ListParkedRecords(&ctx, v1::ListParkedRecordsRequest(), &parked).ok());
    REQUIRE(parked.records_size() == 1);
    CHECK(parked.records(0).type() == "order.placed");
    CHECK(parked.records(0).reason().find("\"seasonal\" is not on the merchant's menu") !=
          std::string::npos);
    CHECK(parked.records(0).data().find(poison_id) != std::string::npos);
  }
  std::map<std::string, int> at_center;
  REQUIRE(WaitFor(
      [&] {
        at_center = w.CenterOrders();
        return at_center.size() >= good.size();
      },
      kDeadline));
  CHECK(Ids(at_center) == good);

  // The node has the new menu now: the item is refused at the table.
  REQUIRE(WaitFor([&] { return node->Status().At("configVersion") == "2"; }, kDeadline));
  ApiResponse gone =
      node->Order("T1", w.tokens["T1"], R"([{"menuItemId":"seasonal","quantity":1}])");
  CHECK(gone.status == 400);
  CHECK(gone.At("details.0.fieldViolations.0.field") == "items[0].menuItemId");

  // A later order still syncs; the parked record stays parked.
  ApiResponse later = node->Order("T4", w.tokens["T4"], kTea);
  REQUIRE(later.status == 200);
  good.insert(later.At("order.id"));
  REQUIRE(WaitFor(
      [&] {
        at_center = w.CenterOrders();
        return at_center.size() >= good.size();
      },
      kDeadline, absl::Milliseconds(100)));
  CHECK(Ids(at_center) == good);
  CHECK(Duplicate(at_center) == "");
  REQUIRE(WaitFor([&] { return node->Drained(); }, kDeadline));
  CHECK(node->Status().At("parked") == "1");
}

TEST_CASE("Bad orders at the node are refused with a clear error and nothing is written",
          "[landing]") {
  World w;
  auto node = w.StartNode();
  const std::string t1 = w.tokens["T1"];
  REQUIRE(!t1.empty());

  struct Refusal {
    std::string what;
    ApiResponse r;
    int status;
    std::string field;  // the field a 400 names ("" for none asserted)
  };
  std::vector<Refusal> refusals;
  auto refused = [&](const std::string& what, ApiResponse r, int status,
                     const std::string& field = "") {
    refusals.push_back({what, std::move(r), status, field});
  };
  Api lan = node->Lan();
  refused("a forged token", node->Order("T1", "AAAAAAAAAAAAAAAA", kTea), 403);
  refused("another table's token", node->Order("T1", w.tokens["T2"], kTea), 403);
  refused("no token",
          lan.Post("/v1/tables/T1/orders",
                   absl::StrCat(R"({"requestId":")", core::NewId(), R"(","items":)", kTea, "}")),
          403);
  refused("an unknown table", node->Order("T99", t1, kTea), 404);
  refused("an unknown menu item",
          node->Order("T1", t1, R"([{"menuItemId":"caviar","quantity":1}])"), 400,
          "items[0].menuItemId");
  refused("quantity 0", node->Order("T1", t1, R"([{"menuItemId":"tea","quantity":0}])"), 400,
          "items[0].quantity");
  refused("quantity 10,000", node->Order("T1", t1, R"([{"menuItemId":"tea","quantity":10000}])"),
          400, "items[0].quantity");
  refused("no items", node->Order("T1", t1, "[]"), 400, "items");
  refused("a body that is not JSON", lan.Post("/v1/tables/T1/orders?k=" + t1, "{\"requestId\":"),
          400);
  refused("items that are not a list",
          lan.Post("/v1/tables/T1/orders?k=" + t1,
                   absl::StrCat(R"({"requestId":")", core::NewId(), R"(","items":"tea"})")),
          400);
  refused("a field the route does not know",
          lan.Post("/v1/tables/T1/orders?k=" + t1,
                   absl::StrCat(R"({"requestId":")", core::NewId(), R"(","items":)", kTea,
                                R"(,"discount":100})")),
          400);
  for (const Refusal& f : refusals) {
    INFO(f.what << ": " << f.r.status << " " << f.r.body);
    CHECK(f.r.status == f.status);
    CHECK(!f.r.At("message").empty());  // says what is wrong
    if (!f.field.empty()) CHECK(f.r.At("details.0.fieldViolations.0.field") == f.field);
  }
  // Nothing was written: no order at the node, nothing to sync.
  CHECK(node->Orders().empty());
  CHECK(node->Status().At("pending") == "");

  // The merchant rotates T1's token at the center: once the node has pulled
  // it, the old sticker is refused (the page and orders) and the new one works.
  ApiResponse rotated =
      w.merchant->Post("/v1/merchants/" + w.mid + "/landing/tables/T1:rotateToken", "{}");
  REQUIRE(rotated.status == 200);
  const std::string version = rotated.At("version");
  std::string fresh;
  for (int t = 0; t < kTables; ++t) {
    if (rotated.At(absl::StrCat("tables.", t, ".id")) == "T1") {
      fresh = rotated.At(absl::StrCat("tables.", t, ".token"));
    }
  }
  REQUIRE(!fresh.empty());
  REQUIRE(fresh != t1);
  REQUIRE(WaitFor([&] { return node->Status().At("configVersion") == version; }, kDeadline,
                  absl::Milliseconds(50)));
  ApiResponse old_sticker = node->Order("T1", t1, kTea);
  CHECK(old_sticker.status == 403);
  CHECK(!old_sticker.At("message").empty());
  CHECK(lan.Get("/t/T1?k=" + t1).status == 403);
  CHECK(lan.Get("/t/T1?k=" + fresh).status == 200);
  CHECK(node->Orders().empty());
  ApiResponse placed = node->Order("T1", fresh, kTea);
  INFO(placed.body);
  REQUIRE(placed.status == 200);
  // Only that one order was ever written, at the node and at the center.
  std::map<std::string, int> at_node = node->Orders();
  CHECK(Ids(at_node) == std::set<std::string>{placed.At("order.id")});
  std::map<std::string, int> at_center;
  REQUIRE(WaitFor(
      [&] {
        at_center = w.CenterOrders();
        return !at_center.empty();
      },
      kDeadline, absl::Milliseconds(100)));
  CHECK(Ids(at_center) == std::set<std::string>{placed.At("order.id")});
}

}  // namespace
}  // namespace qrcloud::testing

namespace qrcloud::testing {
namespace {

constexpr char kCloudOffer[] = R"({"title":"Hotpot for two","description":"Dinner","mode":"ORDER",
  "template":"coupon","price":{"currency":"CNY","minor":"1990"},"stock":"100","perPersonLimit":5})";

TEST_CASE(
    "A cloud receipt redeemed at the node with the center down counts once, and twice is "
    "flagged",
    "[landing]") {
  World w;
  // Two people order the merchant's cloud offer at the center.
  const std::string campaign = w.flow->PublishCampaign(*w.merchant, w.mid, kCloudOffer).At("id");
  REQUIRE_FALSE(campaign.empty());
  auto order = [&](const std::string& request) {
    auto person = w.flow->NewAccount("PERSON");
    ApiResponse placed = person->Post("/v1/campaigns/" + campaign + "/orders",
                                      absl::StrCat(R"({"requestId":")", request, R"("})"));
    INFO(placed.body);
    REQUIRE(placed.status == 200);
    return std::make_pair(placed.At("order.id"), placed.At("order.receipt.token"));
  };
  const auto [first, first_token] = order("cloud-1");
  const auto [second, second_token] = order("cloud-2");
  // The second is redeemed at the counter through the center first.
  REQUIRE(
      w.merchant->Post("/v1/receipts:redeem", absl::StrCat(R"({"token":")", second_token, R"("})"))
          .status == 200);

  // The node has the platform's key from its configuration: no flag needed.
  auto node = w.StartNode();
  w.stack->StopCenter();
  auto redeem = [&](const std::string& token) {
    auto desk = node->Desk();
    grpc::ClientContext ctx;
    node->Authorize(ctx);
    v1::RedeemCloudReceiptRequest req;
    req.set_token(token);
    v1::RedeemCloudReceiptResponse resp;
    const grpc::Status s = desk->RedeemCloudReceipt(&ctx, req, &resp);
    return std::make_pair(s, resp);
  };
  // Offline, both are checked with the key and redeemed at the node; a
  // forged token and a second go at the same receipt are refused.
  auto [s1, r1] = redeem(first_token);
  INFO(s1.error_message());
  REQUIRE(s1.ok());
  CHECK(r1.order_id() == first);
  REQUIRE(redeem(second_token).first.ok());  // the node cannot know the counter did it
  std::string forged = first_token;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  CHECK_FALSE(redeem(forged).first.ok());
  CHECK(redeem(first_token).first.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(node->Status().At("pending") == "2");

  // The center back: the first is redeemed once; the second, redeemed at
  // both places, is flagged to the merchant.
  REQUIRE(w.stack->StartCenter().ok());
  const bool drained = WaitFor([&] { return node->Drained(); }, kDeadline, absl::Milliseconds(50));
  INFO(node->Status().body);
  REQUIRE(drained);
  ApiResponse redeemed = w.merchant->Get("/v1/orders/" + first);
  INFO(redeemed.body);
  CHECK(redeemed.At("state") == "REDEEMED");
  ApiResponse conflicts = w.merchant->Get("/v1/merchants/" + w.mid + "/landing/conflicts");
  INFO(conflicts.body);
  CHECK(conflicts.At("conflicts.0.orderId") == second);
  CHECK(conflicts.At("conflicts.0.nodeId") == w.node_id);
  CHECK(conflicts.At("conflicts.1.orderId").empty());
}

// The desk's sync-now: the status after a round that started after the call.
v1::SyncStatus SyncNow(NodeProcess& node) {
  auto desk = node.Desk();
  grpc::ClientContext ctx;
  node.Authorize(ctx);
  v1::SyncStatus status;
  const grpc::Status s = desk->SyncNow(&ctx, v1::SyncNowRequest(), &status);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return status;
}

TEST_CASE(
    "Landing business switched off while the node runs: no orders taken or synced, and on again "
    "each arrives once",
    "[landing]") {
  World w;
  auto node = w.StartNode();
  ApiResponse first = node->Order("T1", w.tokens["T1"], kTea);
  REQUIRE(first.status == 200);
  const std::string first_id = first.At("order.id");
  REQUIRE(WaitFor([&] { return node->Drained(); }, kDeadline, absl::Milliseconds(50)));

  // Off at the center: the node hears it at its next round, stops syncing and
  // tells guests to order at the counter; what the desk does meanwhile waits.
  REQUIRE(w.merchant
              ->Post("/v1/merchants/" + w.mid + ":setBusinessSwitches",
                     R"({"cloudBusinessEnabled":true,"landingBusinessEnabled":false})")
              .status == 200);
  const v1::SyncStatus stopped = SyncNow(*node);
  CHECK(stopped.stopped_reason().find("landing business is off") != std::string::npos);
  ApiResponse refused = node->Order("T2", w.tokens["T2"], kTea);
  CHECK(refused.status == 400);
  CHECK(refused.At("message").find("order at the counter") != std::string::npos);
  {
    auto desk = node->Desk();
    grpc::ClientContext ctx;
    node->Authorize(ctx);
    v1::DeskOrderRequest req;
    req.set_order_id(first_id);
    v1::Order accepted;
    REQUIRE(desk->AcceptOrder(&ctx, req, &accepted).ok());
  }
  CHECK(SyncNow(*node).pending() == 1);
  CHECK(w.CenterOrders().size() == 1);
  CHECK(w.merchant->Get("/v1/orders/" + first_id).At("landingStatus") == "PLACED");
  // The center link is closed too.
  Api guest("127.0.0.1", w.stack->gateway_port());
  CHECK(guest.Get("/l/" + w.node_id + "/T1?k=" + w.tokens["T1"]).status == 400);

  // On again (through audit): the node syncs what waited and takes orders.
  REQUIRE(w.merchant
              ->Post("/v1/merchants/" + w.mid + ":setBusinessSwitches",
                     R"({"cloudBusinessEnabled":true,"landingBusinessEnabled":true})")
              .At("landingReview.state") == "PENDING_AUDIT");
  w.flow->Decide("landing.requested", w.mid, true);
  const v1::SyncStatus resumed = SyncNow(*node);
  CHECK(resumed.stopped_reason().empty());
  ApiResponse second = node->Order("T2", w.tokens["T2"], kLunch);
  INFO(second.body);
  REQUIRE(second.status == 200);
  REQUIRE(WaitFor([&] { return node->Drained(); }, kDeadline, absl::Milliseconds(50)));
  std::map<std::string, int> at_center;
  REQUIRE(WaitFor(
      [&] {
        at_center = w.CenterOrders();
        return at_center.size() >= 2;
      },
      kDeadline, absl::Milliseconds(100)));
  CHECK(Duplicate(at_center) == "");
  CHECK(Ids(at_center) == std::set<std::string>{first_id, second.At("order.id")});
  CHECK(w.merchant->Get("/v1/orders/" + first_id).At("landingStatus") == "ACCEPTED");
}

TEST_CASE("The desk edits the menu at the node: the center keeps it, guests order from it at once",
          "[landing]") {
  World w;
  auto node = w.StartNode();
  auto desk = node->Desk();
  auto call = [&](auto method, const auto& req, auto& resp) {
    grpc::ClientContext ctx;
    node->Authorize(ctx);
    return (desk.get()->*method)(&ctx, req, &resp);
  };
  v1::Menu menu;
  {
    auto lan = v1::LandingNodeService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", node->grpc_port()), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    node->Authorize(ctx);
    REQUIRE(lan->GetMenu(&ctx, v1::GetMenuRequest(), &menu).ok());
  }
  REQUIRE(menu.config_version() > 0);
  // Tea costs 9.00 now, the seasonal dish is off the menu, dumplings are new.
  v1::UpdateDeskMenuRequest edit;
  edit.set_expected_version(menu.config_version());
  for (const v1::MenuItem& item : menu.items()) {
    if (item.id() == "seasonal") continue;
    v1::MenuItem* kept = edit.add_items();
    *kept = item;
    if (item.id() == "tea") kept->mutable_price()->set_minor(900);
  }
  v1::MenuItem* dumplings = edit.add_items();
  dumplings->set_id("dumplings");
  dumplings->set_name("饺子 Dumplings");
  dumplings->mutable_price()->set_currency("CNY");
  dumplings->mutable_price()->set_minor(2400);
  v1::Menu edited;
  const grpc::Status s = call(&v1::LandingDeskService::Stub::UpdateMenu, edit, edited);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(edited.config_version() == menu.config_version() + 1);
  // The center keeps it; the tables' tokens are unchanged.
  ApiResponse config = w.merchant->Get("/v1/merchants/" + w.mid + "/landing/config");
  CHECK(config.At("version") == absl::StrCat(edited.config_version()));
  CHECK(config.At("menu.0.id") == "tea");
  CHECK(config.At("menu.0.price.minor") == "900");
  CHECK(config.At("menu.2.id") == "dumplings");
  CHECK(config.At("menu.3.id") == "");
  CHECK(config.At("tables.0.token") == w.tokens["T1"]);
  // Guests see it and order from it at the node, at once; the center gets
  // the order at the new prices.
  CHECK(node->Lan().Get("/v1/menu").body.find("饺子 Dumplings") != std::string::npos);
  ApiResponse placed =
      node->Order("T3", w.tokens["T3"],
                  R"([{"menuItemId":"dumplings","quantity":1},{"menuItemId":"tea","quantity":1}])");
  INFO(placed.body);
  REQUIRE(placed.status == 200);
  CHECK(placed.At("order.total.minor") == "3300");
  CHECK(node->Order("T3", w.tokens["T3"], R"([{"menuItemId":"seasonal","quantity":1}])").status ==
        400);
  REQUIRE(WaitFor([&] { return node->Drained(); }, kDeadline, absl::Milliseconds(50)));
  CHECK(w.merchant->Get("/v1/orders/" + placed.At("order.id")).At("total.minor") == "3300");

  // An edit from a stale read: ABORTED, nothing changed.
  v1::Menu unchanged;
  CHECK(call(&v1::LandingDeskService::Stub::UpdateMenu, edit, unchanged).error_code() ==
        grpc::StatusCode::ABORTED);
  // The center away: the edit is refused saying why; sold out still works.
  w.stack->StopCenter();
  edit.set_expected_version(edited.config_version());
  const grpc::Status offline = call(&v1::LandingDeskService::Stub::UpdateMenu, edit, unchanged);
  CHECK(offline.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(offline.error_message().find("sold out works offline") != std::string::npos);
  v1::SetSoldOutRequest sold;
  sold.set_menu_item_id("dumplings");
  sold.set_sold_out(true);
  v1::Menu after;
  CHECK(call(&v1::LandingDeskService::Stub::SetSoldOut, sold, after).ok());
  REQUIRE(w.stack->StartCenter().ok());
  CHECK(w.merchant->Get("/v1/merchants/" + w.mid + "/landing/config").At("version") ==
        absl::StrCat(edited.config_version()));
}

}  // namespace
}  // namespace qrcloud::testing
