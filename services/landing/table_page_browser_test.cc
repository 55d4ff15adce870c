// The table page in a real browser: a landing node in-process on a temporary
// SQLite file, holding a configuration as the center sends it, with one item
// sold out at the desk; headless Chromium on a phone's viewport opens the
// sticker's link, fills the cart, places the order and sees the
// confirmation (tests/browser/table_page.test.js); the desk page then takes
// it from new to settled with its buttons. The order is at the node, at its
// table, with the lines the guest chose, settled.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "services/landing/node.h"
#include "tests/support/stack.h"

namespace qrcloud::landing {
namespace {

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TEST_CASE("Chromium on a phone orders from the table page, and the order is at the node") {
  const std::string script = absl::StrCat(QRCLOUD_SOURCE_DIR, "/tests/browser/table_page.test.js");
  INFO("needs /usr/bin/chromium and tests/node_modules/playwright-core: run tools/setup");
  REQUIRE(access("/usr/bin/chromium", X_OK) == 0);
  REQUIRE(access(absl::StrCat(QRCLOUD_SOURCE_DIR, "/tests/node_modules/playwright-core").c_str(),
                 F_OK) == 0);

  std::string pattern = (std::filesystem::temp_directory_path() / "qrcloud-table-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  const std::string dir = pattern;
  service::ServiceConfig sc;
  sc.name = "landing";
  sc.listen_address = "127.0.0.1";
  sc.workers = 4;
  sc.max_queue = 64;
  sc.max_streams = 4;
  sc.data_dir = dir;
  auto connected = service::Host::Connect(NodeSpec(nullptr), sc);
  REQUIRE(connected.ok());
  std::unique_ptr<service::Host> host = *std::move(connected);
  NodeConfig config;
  config.node_id = core::NewId();
  config.lan_port = 0;
  auto built = BuildNode(*host, config);
  INFO(built.status());
  REQUIRE(built.ok());
  NodeLogic& logic = *built->logic;
  v1::LandingConfig c;
  c.set_merchant_id(core::NewId());
  c.set_merchant_name("福州小店");
  c.set_version(1);
  c.set_landing_enabled(true);
  v1::LandingTable* table = c.add_tables();
  table->set_id("T1");
  table->set_name("窗边 1");
  table->set_token("Zm9yLXRhYmxlLTE");
  for (auto [id, name, minor] :
       {std::tuple{"noodles", "拌面 Noodles", 1800}, std::tuple{"tea", "茉莉花茶 Jasmine tea", 500},
        std::tuple{"dumplings", "饺子 Dumplings", 2400}}) {
    v1::MenuItem* m = c.add_menu();
    m->set_id(id);
    m->set_name(name);
    m->mutable_price()->set_currency("CNY");
    m->mutable_price()->set_minor(minor);
  }
  REQUIRE(logic.ApplyConfig(c).ok());
  v1::SetSoldOutRequest sold;
  sold.set_menu_item_id("dumplings");
  sold.set_sold_out(true);
  REQUIRE(logic.SetSoldOut(sold).ok());
  REQUIRE(host->Start().ok());

  const std::string base = absl::StrCat("http://127.0.0.1:", host->http_port());
  std::string desk_token;
  {
    std::ifstream in(dir + "/desk-token");
    std::getline(in, desk_token);
  }
  REQUIRE(!desk_token.empty());
  const char* keep = std::getenv("QRCLOUD_BROWSER_OUT");
  const std::string out = keep != nullptr && *keep != '\0' ? std::string(keep) : dir + "/browser";
  std::filesystem::create_directories(out);
  const std::string log = out + "/table_page.log";
  const std::string cmd = absl::StrCat(
      "node ", ShellQuote(script), " ", ShellQuote(base + "/t/T1?k=Zm9yLXRhYmxlLTE"), " ",
      ShellQuote(base + "/t/T1?k=AAAAAAAAAAAAAAA"), " ", ShellQuote(out), " ",
      ShellQuote(base + "/desk"), " ", ShellQuote(desk_token), " > ", ShellQuote(log), " 2>&1");
  const int rc = std::system(cmd.c_str());
  INFO(absl::StrCat("table_page.test.js (", out, "):\n", testing::Tail(log, 60)));
  REQUIRE(WIFEXITED(rc));
  REQUIRE(WEXITSTATUS(rc) == 0);
  CHECK(testing::Tail(log, 1).find(" 0 failed") != std::string::npos);

  // The order the page confirmed is at the node: table T1, two noodles and a tea.
  std::string order_id;
  {
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("order-id: ", 0) == 0) order_id = line.substr(10);
    }
  }
  REQUIRE(!order_id.empty());
  auto orders = logic.ListOrders(v1::ListDeskOrdersRequest());
  REQUIRE(orders.ok());
  REQUIRE(orders->size() == 1);
  const v1::Order& o = orders->front();
  CHECK(o.id() == order_id);
  CHECK(o.table() == "T1");
  // ... and the desk page took it to settled.
  CHECK(o.landing_status() == v1::Order::SETTLED);
  CHECK(o.total().minor() == 4100);
  REQUIRE(o.items_size() == 2);
  std::map<std::string, int> lines;
  for (const v1::OrderItem& item : o.items()) lines[item.menu_item_id()] = item.quantity();
  CHECK(lines == std::map<std::string, int>{{"noodles", 2}, {"tea", 1}});

  host->Shutdown(absl::Seconds(1));
  host.reset();
  if (keep == nullptr || *keep == '\0') {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

}  // namespace
}  // namespace qrcloud::landing
