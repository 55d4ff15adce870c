// `qrcloudctl desk ...` run as the shop's staff would run it, against a
// landing node in-process on a temporary SQLite file (no center: its records
// wait, so a shift will not close unforced): the orders listed and watched,
// each step from placed to settled, a rejection, sold out, tables, shifts,
// the sync status, and the errors a desk meets (no token file, a wrong
// token, no node).
#include <stdlib.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/ids.h"
#include "libs/http/client.h"
#include "services/landing/node.h"
#include "services/landing/test_node_host.h"
#include "tests/support/api.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::landing {
namespace {

using testing::JsonAt;

struct CtlRun {
  int code = -2;
  std::string out;  // stdout and stderr
  std::string At(const std::string& path) const { return JsonAt(out, path); }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A center that keeps the menu edits the desk sends and has nothing else to
// say (its records wait at the node).
class MenuCenter final : public CenterLink {
 public:
  absl::StatusOr<v1::PullNodeConfigResponse> PullConfig(const v1::PullNodeConfigRequest&) override {
    return v1::PullNodeConfigResponse();  // unchanged
  }
  absl::StatusOr<v1::SyncOrdersResponse> Sync(const v1::SyncOrdersRequest&) override {
    return absl::UnavailableError("this center keeps menus only");
  }
  absl::StatusOr<v1::PullOrdersResponse> PullOrders(const v1::PullOrdersRequest&) override {
    return v1::PullOrdersResponse();
  }
  absl::StatusOr<v1::LandingConfig> UpdateMenu(const v1::UpdateNodeMenuRequest& req) override {
    absl::MutexLock lock(&mu);
    if (req.expected_version() != config.version()) {
      return absl::AbortedError("the configuration changed since it was read");
    }
    *config.mutable_menu() = req.menu();
    config.set_version(config.version() + 1);
    return config;
  }
  absl::Mutex mu;
  v1::LandingConfig config;
};

class DeskNode {
 public:
  explicit DeskNode(MenuCenter* center = nullptr) {
    NodeConfig config;
    config.center_link = center;
    TestHost t = StartTestHost("qrcloud-desk", 64, 4, config);
    dir = t.dir;
    host = std::move(t.host);
    node = t.node;
    // The configuration the center would send.
    v1::LandingConfig c;
    c.set_merchant_id(core::NewId());
    c.set_merchant_name("福州小店");
    c.set_version(1);
    c.set_landing_enabled(true);
    for (const char* id : {"T1", "T2"}) {
      v1::LandingTable* t = c.add_tables();
      t->set_id(id);
      t->set_name(absl::StrCat("桌 ", id));
      t->set_token(absl::StrCat("token-", id, "-0001"));
    }
    for (auto [id, minor] : {std::pair{"noodles", 1800}, std::pair{"tea", 500}}) {
      v1::MenuItem* m = c.add_menu();
      m->set_id(id);
      m->set_name(id);
      m->mutable_price()->set_currency("CNY");
      m->mutable_price()->set_minor(minor);
    }
    REQUIRE(node.logic->ApplyConfig(c).ok());
    if (center != nullptr) {
      absl::MutexLock lock(&center->mu);
      center->config = c;
    }
    REQUIRE(host->Start().ok());
    token_file = dir + "/desk-token";
  }
  ~DeskNode() {
    host->Shutdown(absl::Seconds(1));
    host.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  // A guest's order at T1; the order's id ("" if refused).
  std::string Order(const std::string& item, int* status = nullptr) {
    auto r = http::Fetch(
        "127.0.0.1", static_cast<uint16_t>(host->http_port()), "POST", "/v1/tables/T1/orders",
        {{"content-type", "application/json"}},
        absl::StrCat(R"({"requestId":")", core::NewId(), R"(","items":[{"menuItemId":")", item,
                     R"(","quantity":1}],"token":"token-T1-0001"})"));
    REQUIRE(r.ok());
    if (status != nullptr) *status = r->status;
    return JsonAt(r->body, "order.id");
  }

  std::vector<std::string> DeskFlags() const {
    return {"--output=json", absl::StrCat("--node=127.0.0.1:", host->grpc_port()),
            absl::StrCat("--desk-token-file=", token_file)};
  }
  // Runs `qrcloudctl desk <args>` to its end.
  CtlRun Desk(std::vector<std::string> args, std::vector<std::string> flags = {}) {
    if (flags.empty()) flags = DeskFlags();
    args.insert(args.begin(), "desk");
    args.insert(args.end(), flags.begin(), flags.end());
    const std::string log = absl::StrCat(dir, "/ctl-", ++runs_, ".log");
    auto p = testing::Process::Spawn("qrcloudctl", args, {"NO_COLOR=1"}, log);
    REQUIRE(p.ok());
    CtlRun run;
    auto code = (*p)->Wait(absl::Seconds(30));
    REQUIRE(code.ok());
    run.code = *code;
    run.out = ReadFile(log);
    return run;
  }

  std::string dir;
  std::string token_file;
  std::unique_ptr<service::Host> host;
  Node node;

 private:
  int runs_ = 0;
};

TEST_CASE("qrcloudctl desk works a table order from placed to settled at the node") {
  DeskNode n;
  const std::string first = n.Order("noodles");
  const std::string second = n.Order("tea");
  REQUIRE(!first.empty());
  REQUIRE(!second.empty());

  // The orders, newest first; by status and table.
  CtlRun listed = n.Desk({"orders"});
  INFO(listed.out);
  REQUIRE(listed.code == 0);
  CHECK(listed.At("orders.0.id") == second);
  CHECK(listed.At("orders.1.id") == first);
  CHECK(listed.At("orders.1.table") == "T1");
  CHECK(listed.At("orders.1.landingStatus") == "PLACED");
  CHECK(listed.At("orders.1.total.minor") == "1800");

  // Each step, in order; a step out of order is refused (exit 6) and changes nothing.
  CtlRun early = n.Desk({"settle", first});
  CHECK(early.code == 6);
  CHECK(early.out.find("error") != std::string::npos);
  CtlRun accepted = n.Desk({"accept", first});
  INFO(accepted.out);
  REQUIRE(accepted.code == 0);
  CHECK(accepted.At("landingStatus") == "ACCEPTED");
  CHECK(n.Desk({"paid", first}).At("landingStatus") == "PAID");
  CtlRun settled = n.Desk({"settle", first});
  CHECK(settled.At("landingStatus") == "SETTLED");
  CHECK(settled.At("state") == "REDEEMED");
  CtlRun rejected = n.Desk({"reject", second, "out", "of", "tea"});
  INFO(rejected.out);
  CHECK(rejected.At("landingStatus") == "REJECTED");
  CHECK(n.Desk({"orders", "--state=settled"}).At("orders.0.id") == first);
  CHECK(n.Desk({"orders", "--state=settled"}).At("orders.1.id") == "");
  CHECK(n.Desk({"orders", "--table=T2"}).At("orders.0.id") == "");
  CHECK(n.Desk({"accept", core::NewId()}).code == 5);  // no such order
  CtlRun bad_state = n.Desk({"orders", "--state=COOKING"});
  CHECK(bad_state.code == 2);
  CHECK(bad_state.out.find("--state must be one of") != std::string::npos);

  // Sold out at the node: guests cannot order it until it is back.
  CtlRun sold = n.Desk({"soldout", "noodles"});
  INFO(sold.out);
  REQUIRE(sold.code == 0);
  CHECK(sold.out.find("\"soldOut\": true") != std::string::npos);
  int status = 0;
  CHECK(n.Order("noodles", &status).empty());
  CHECK(status == 400);
  REQUIRE(n.Desk({"soldout", "noodles", "--off"}).code == 0);
  CHECK(!n.Order("noodles", &status).empty());

  // The tables, with their links.
  CtlRun tables = n.Desk({"tables"});
  CHECK(tables.At("tables.0.id") == "T1");
  CHECK(tables.At("tables.0.link") == "/t/T1?k=token-T1-0001");
  CHECK(tables.At("tables.0.openOrders.0.landingStatus") == "PLACED");

  // No center: the records wait, the sync says so, and the shift closes only by force.
  CtlRun sync = n.Desk({"sync"});
  INFO(sync.out);
  REQUIRE(sync.code == 0);
  CHECK(sync.At("pending") != "");
  CHECK(sync.At("lastError").find("no center") != std::string::npos);
  CHECK(n.Desk({"parked"}).code == 0);
  REQUIRE(n.Desk({"shift", "open"}).code == 0);
  CtlRun refused = n.Desk({"shift", "close"});
  INFO(refused.out);
  CHECK(refused.code == 6);
  CHECK(refused.out.find("records are") != std::string::npos);  // how many wait
  CtlRun forced = n.Desk({"shift", "close", "--force"});
  INFO(forced.out);
  CHECK(forced.code == 0);
  CHECK(forced.At("closeTime") != "");
  CHECK(forced.At("unsyncedAtClose") != "");
  CHECK(n.Desk({"shift", "reopen"}).code == 2);
}

TEST_CASE("qrcloudctl desk orders --watch shows the open orders, then each new one") {
  DeskNode n;
  const std::string open = n.Order("tea");
  const std::vector<std::string> flags = n.DeskFlags();
  std::vector<std::string> args = {"desk", "orders", "--watch"};
  args.insert(args.end(), flags.begin(), flags.end());
  const std::string log = n.dir + "/watch.log";
  auto watch = testing::Process::Spawn("qrcloudctl", args, {"NO_COLOR=1"}, log);
  REQUIRE(watch.ok());
  auto shows = [&](const std::string& change, const std::string& id) {
    return testing::WaitFor(
        [&] {
          const std::string text = ReadFile(log);
          return text.find(absl::StrCat(R"("change":")", change, R"(","order":{"id":")", id)) !=
                 std::string::npos;
        },
        absl::Seconds(20));
  };
  INFO(ReadFile(log));
  CHECK(shows("open", open));
  const std::string next = n.Order("noodles");
  CHECK(shows("placed", next));
  REQUIRE(n.Desk({"accept", next}).code == 0);
  CHECK(shows("accepted", next));
  CHECK((*watch)->Alive());
  (*watch)->Stop(absl::Seconds(5));
}

TEST_CASE("qrcloudctl desk says what is wrong without a token, with a wrong one, or with no node") {
  DeskNode n;
  const std::string node = absl::StrCat("--node=127.0.0.1:", n.host->grpc_port());
  CtlRun missing =
      n.Desk({"orders"}, {"--output=json", node, "--desk-token-file=" + n.dir + "/none"});
  CHECK(missing.code == 2);
  CHECK(missing.out.find("cannot read the desk token") != std::string::npos);

  std::ofstream(n.dir + "/wrong-token") << "qrd_not-the-token\n";
  CtlRun wrong =
      n.Desk({"orders"}, {"--output=json", node, "--desk-token-file=" + n.dir + "/wrong-token"});
  CHECK(wrong.code == 4);

  CtlRun away =
      n.Desk({"sync"}, {"--output=json", absl::StrCat("--node=127.0.0.1:", testing::FreePort()),
                        "--desk-token-file=" + n.token_file});
  CHECK(away.code == 7);
  CHECK(away.out.find("no answer from the node") != std::string::npos);
}

TEST_CASE("qrcloudctl desk menu changes a price, adds and removes items through the center") {
  MenuCenter center;
  DeskNode n(&center);
  CtlRun shown = n.Desk({"menu"});
  INFO(shown.out);
  REQUIRE(shown.code == 0);
  CHECK(shown.At("configVersion") == "1");
  CHECK(shown.At("items.0.id") == "noodles");
  // Nothing to send, and the center answers: online.
  CHECK(n.Desk({"sync", "now"}).At("online") == "true");

  CtlRun priced = n.Desk({"menu", "set", "tea", "6.50"});
  INFO(priced.out);
  REQUIRE(priced.code == 0);
  CHECK(priced.At("configVersion") == "2");
  CHECK(priced.At("items.1.id") == "tea");
  CHECK(priced.At("items.1.name") == "tea");
  CHECK(priced.At("items.1.price.minor") == "650");
  CtlRun added = n.Desk({"menu", "set", "dumplings", "22", "饺子", "Dumplings"});
  INFO(added.out);
  REQUIRE(added.code == 0);
  CHECK(added.At("items.2.name") == "饺子 Dumplings");
  CHECK(added.At("items.2.price.minor") == "2200");
  // Guests order it at once.
  CHECK(!n.Order("dumplings").empty());
  CtlRun removed = n.Desk({"menu", "remove", "noodles"});
  REQUIRE(removed.code == 0);
  CHECK(removed.At("items.0.id") == "tea");
  CHECK(removed.At("items.2.id") == "");
  {
    absl::MutexLock lock(&center.mu);
    CHECK(center.config.version() == 4);
    CHECK(center.config.menu_size() == 2);
  }

  // Mistakes are told before anything is sent.
  CtlRun nameless = n.Desk({"menu", "set", "soup", "9"});
  CHECK(nameless.code == 2);
  CHECK(nameless.out.find("give its name") != std::string::npos);
  CtlRun bad_price = n.Desk({"menu", "set", "tea", "six"});
  CHECK(bad_price.code == 2);
  CHECK(bad_price.out.find("price") != std::string::npos);
  CHECK(n.Desk({"menu", "remove", "ghost"}).code == 2);
  {
    absl::MutexLock lock(&center.mu);
    CHECK(center.config.version() == 4);
  }
}

TEST_CASE("qrcloudctl desk menu edits need the center, sync now reports at once") {
  DeskNode n;  // no center
  CtlRun offline = n.Desk({"menu", "set", "tea", "6.50"});
  INFO(offline.out);
  CHECK(offline.code != 0);
  CHECK(offline.out.find("sold out works offline") != std::string::npos);
  CHECK(n.Desk({"menu"}).At("items.1.price.minor") == "500");
  CtlRun now = n.Desk({"sync", "now"});
  INFO(now.out);
  REQUIRE(now.code == 0);
  CHECK(now.At("lastError").find("no center") != std::string::npos);
  CHECK(n.Desk({"sync", "later"}).code == 2);
}

}  // namespace
}  // namespace qrcloud::landing
