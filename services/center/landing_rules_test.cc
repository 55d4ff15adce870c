#include "services/center/landing_rules.h"

#include <catch2/catch.hpp>

#include "libs/core/ids.h"
#include "services/center/landing_page.h"
#include "services/center/landing_sheet.h"

namespace qrcloud::center {
namespace {

v1::UpdateLandingConfigRequest Request() {
  v1::UpdateLandingConfigRequest req;
  auto* item = req.add_menu();
  item->set_id("tea-1");
  item->set_name("  茉莉花茶 Jasmine tea ");
  item->mutable_price()->set_minor(800);
  auto* table = req.add_tables();
  table->set_id("A-1");
  table->set_name("窗边 1");
  table->set_token("chosen-by-the-client");
  auto* wifi = req.mutable_wifi();
  wifi->set_ssid("Tea;House");
  wifi->set_password("pass:word\"1");
  return req;
}

std::function<std::string()> Minter() {
  return [n = 0]() mutable { return "token-" + std::to_string(++n); };
}

std::string FieldOf(const absl::Status& s) {
  // The message starts with the field: "menu[0].price.minor: ...".
  const std::string m(s.message());
  return m.substr(0, m.find(':'));
}

TEST_CASE("A landing configuration is normalised, versioned, and tables get center-minted tokens") {
  v1::LandingConfig current;
  current.set_version(4);
  auto next = MergeConfig(current, Request(), Minter());
  REQUIRE(next.ok());
  CHECK(next->version() == 5);
  CHECK(next->menu(0).name() == "茉莉花茶 Jasmine tea");
  CHECK(next->menu(0).price().currency() == "CNY");
  // The client's token is ignored: tokens are minted at the center.
  CHECK(next->tables(0).token() == "token-1");
  CHECK(next->wifi().security() == v1::WifiNetwork::WPA);

  // A table that stays keeps its token; a new one gets a new one.
  auto req = Request();
  req.add_tables()->set_id("B-2");
  req.mutable_tables(1)->set_name("B 2");
  auto again = MergeConfig(*next, req, Minter());
  REQUIRE(again.ok());
  CHECK(again->version() == 6);
  CHECK(again->tables(0).token() == "token-1");
  CHECK(again->tables(1).token() == "token-1");  // the fresh minter's first token
}

TEST_CASE("Bad landing configurations are refused naming the field and what is accepted") {
  const v1::LandingConfig current;
  auto refuse = [&](const v1::UpdateLandingConfigRequest& req) {
    auto r = MergeConfig(current, req, Minter());
    REQUIRE(!r.ok());
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    return r.status();
  };
  auto req = Request();
  req.mutable_tables(0)->set_id("A 1");
  CHECK(FieldOf(refuse(req)) == "tables[0].id");
  req = Request();
  req.mutable_tables(0)->set_id("A123456789abcdefg");  // 17 characters
  CHECK(FieldOf(refuse(req)) == "tables[0].id");
  req = Request();
  req.mutable_tables()->Add()->CopyFrom(req.tables(0));
  CHECK(refuse(req).message().find("used twice") != std::string::npos);
  req = Request();
  req.mutable_menu(0)->mutable_price()->set_minor(-1);
  CHECK(FieldOf(refuse(req)) == "menu[0].price.minor");
  req = Request();
  req.mutable_menu(0)->set_name("tea\tpot");
  CHECK(FieldOf(refuse(req)) == "menu[0].name");
  req = Request();
  req.mutable_menu(0)->set_name("   ");
  CHECK(FieldOf(refuse(req)) == "menu[0].name");
  req = Request();
  req.mutable_menu(0)->set_name(std::string(65, 'x'));
  CHECK(FieldOf(refuse(req)) == "menu[0].name");
  req = Request();
  req.mutable_wifi()->set_security(v1::WifiNetwork::NONE);
  CHECK(FieldOf(refuse(req)) == "wifi.password");
  req = Request();
  req.mutable_wifi()->set_security(static_cast<v1::WifiNetwork::Security>(9));
  CHECK(FieldOf(refuse(req)) == "wifi.security");
  req = Request();
  for (int i = 0; i < kMaxLandingTables; ++i) req.add_tables()->set_id("T" + std::to_string(i));
  CHECK(FieldOf(refuse(req)) == "tables");
  req = Request();
  for (int i = 0; i <= kMaxLandingMenuItems; ++i) req.add_menu();
  CHECK(FieldOf(refuse(req)) == "menu");
}

TEST_CASE("An expected version that is not the stored one is ABORTED, none given always matches") {
  CHECK(CheckExpectedVersion(0, 7).ok());
  CHECK(CheckExpectedVersion(7, 7).ok());
  CHECK(CheckExpectedVersion(6, 7).code() == absl::StatusCode::kAborted);
}

v1::SyncRecord OrderRecord(int64_t sequence) {
  v1::SyncRecord r;
  r.set_uuid("uuid-" + std::to_string(sequence));
  r.set_sequence(sequence);
  v1::Order& o = *r.mutable_order();
  o.set_id(core::NewId());
  o.set_table("A-1");
  o.set_landing_status(v1::Order::PLACED);
  auto* line = o.add_items();
  line->set_menu_item_id("tea-1");
  line->set_quantity(2);
  line->mutable_unit_price()->set_minor(800);
  o.mutable_total()->set_minor(1600);
  return r;
}

TEST_CASE("Sync records that can never be stored are told apart with a reason") {
  const std::map<std::string, int> menu = {{"tea-1", 0}};
  CHECK(RejectionOf(OrderRecord(1), menu, "m1").empty());
  auto reason = [&](const std::function<void(v1::SyncRecord&)>& change) {
    v1::SyncRecord r = OrderRecord(3);
    change(r);
    return RejectionOf(r, menu, "m1");
  };
  CHECK(reason([](auto& r) { r.set_uuid(""); }).find("uuid") == 0);
  CHECK(reason([](auto& r) { r.set_sequence(0); }).find("sequence") == 0);
  CHECK(reason([](auto& r) { r.clear_order(); }) ==
        "the record holds neither an order nor a redemption");
  CHECK(reason([](auto& r) { r.mutable_order()->set_id("1; DROP TABLE"); }).find("order.id") == 0);
  CHECK(reason([](auto& r) {
          r.mutable_order()->mutable_items(0)->set_menu_item_id("ghost");
        }).find("is not on the merchant's menu") != std::string::npos);
  CHECK(reason([](auto& r) {
          r.mutable_order()->mutable_items(0)->set_quantity(0);
        }).find("quantity must be 1 to 999") != std::string::npos);
  CHECK(reason([](auto& r) {
          r.mutable_order()->mutable_items(0)->set_quantity(10000);
        }).find("quantity must be 1 to 999") != std::string::npos);
  CHECK(reason([](auto& r) { r.mutable_order()->mutable_total()->set_minor(1500); }) ==
        "order.total is 1500 but its lines add up to 1600");
  CHECK(reason([](auto& r) {
          r.mutable_order()->set_merchant_id("m2");
        }).find("not this node's merchant") != std::string::npos);
  CHECK(reason([](auto& r) { r.mutable_order()->set_table(""); }).find("order.table") == 0);
  CHECK(reason([](auto& r) {
          r.mutable_order()->set_landing_status(static_cast<v1::Order::LandingStatus>(42));
        }).find("landingStatus") != std::string::npos);
  // A placed order's first record may not say its status yet: it is PLACED.
  CHECK(reason([](auto& r) { r.mutable_order()->clear_landing_status(); }).empty());

  v1::SyncRecord redemption;
  redemption.set_uuid("r-1");
  redemption.set_sequence(9);
  redemption.mutable_redemption()->set_order_id(core::NewId());
  CHECK(RejectionOf(redemption, menu, "m1").find("receiptToken") != std::string::npos);
  redemption.mutable_redemption()->set_receipt_token("TOKEN");
  CHECK(RejectionOf(redemption, menu, "m1").empty());
}

TEST_CASE("A landing order at the center has the state its landing status means, and no receipt") {
  v1::Order sent = OrderRecord(1).order();
  sent.mutable_receipt()->set_token("forged");
  sent.set_account_id("someone");
  v1::Order o = LandingOrderOf(sent, "m1", "n1");
  CHECK(o.source() == v1::Order::LANDING);
  CHECK(o.merchant_id() == "m1");
  CHECK(o.landing_node_id() == "n1");
  CHECK(!o.has_receipt());
  CHECK(o.account_id().empty());
  CHECK(o.quantity() == 2);
  CHECK(o.total().currency() == "CNY");
  CHECK(o.state() == v1::Order::CONFIRMED);
  sent.clear_landing_status();
  CHECK(LandingOrderOf(sent, "m1", "n1").landing_status() == v1::Order::PLACED);
  sent.set_landing_status(v1::Order::SETTLED);
  CHECK(LandingOrderOf(sent, "m1", "n1").state() == v1::Order::REDEEMED);
  sent.set_landing_status(v1::Order::REJECTED);
  CHECK(LandingOrderOf(sent, "m1", "n1").state() == v1::Order::CANCELLED);
}

TEST_CASE("The high-water mark is the highest sequence seen, never lower than before") {
  CHECK(HighWaterMark(10, {OrderRecord(3), OrderRecord(12), OrderRecord(11)}) == 12);
  CHECK(HighWaterMark(10, {OrderRecord(3)}) == 10);
  CHECK(HighWaterMark(0, {}) == 0);
}

TEST_CASE("The Wi-Fi join code escapes backslash, semicolon, comma, colon and double quote") {
  v1::WifiNetwork wifi;
  wifi.set_ssid(R"(Tea;House,1:"x"\)");
  wifi.set_password("p;w");
  wifi.set_security(v1::WifiNetwork::WPA);
  CHECK(WifiJoinCode(wifi) == R"(WIFI:T:WPA;S:Tea\;House\,1\:\"x\"\\;P:p\;w;;)");
  wifi.set_security(v1::WifiNetwork::NONE);
  wifi.set_password("");
  CHECK(WifiJoinCode(wifi) == R"(WIFI:T:nopass;S:Tea\;House\,1\:\"x\"\\;;)");
  CHECK(WifiJoinCode(v1::WifiNetwork()).empty());
}

TEST_CASE("A node key calls only as its own node") {
  CHECK(CheckNodeCaller({true, "n1"}, "n1").ok());
  CHECK(CheckNodeCaller({true, "n1"}, "n2").code() == absl::StatusCode::kPermissionDenied);
  CHECK(CheckNodeCaller({false, ""}, "n1").code() == absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace qrcloud::center

namespace qrcloud::center {
namespace {

v1::LandingConfig TeaHouse() {
  v1::LandingConfig c;
  c.set_merchant_name("</script><script>alert(1)</script> 茶馆");
  auto* tea = c.add_menu();
  tea->set_id("tea-1");
  tea->set_name("Jasmine tea");
  tea->mutable_price()->set_currency("CNY");
  tea->mutable_price()->set_minor(800);
  auto* cake = c.add_menu();
  cake->set_id("cake");
  cake->set_name("Cake");
  cake->mutable_price()->set_currency("CNY");
  cake->mutable_price()->set_minor(1500);
  cake->set_sold_out(true);
  auto* table = c.add_tables();
  table->set_id("A-1");
  table->set_name("窗边 1");
  table->set_token("tok-A1");
  return c;
}

v1::TableOrderLine Line(const std::string& item, int32_t quantity) {
  v1::TableOrderLine l;
  l.set_menu_item_id(item);
  l.set_quantity(quantity);
  return l;
}

TEST_CASE("A center link opens its table only with the table's current token") {
  const v1::LandingConfig c = TeaHouse();
  CHECK(TableFor(c, "A-1", "tok-A1").ok());
  CHECK(TableFor(c, "A-1", "old-token").status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(TableFor(c, "A-1", "").status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(TableFor(c, "B-9", "tok-A1").status().code() == absl::StatusCode::kNotFound);
  CHECK(CenterTableUrl("https://qr.example/", "n1", c.tables(0)) ==
        "https://qr.example/l/n1/A-1?k=tok-A1");
  CHECK(LanTableUrl("http://192.168.1.20:8090/", c.tables(0)) ==
        "http://192.168.1.20:8090/t/A-1?k=tok-A1");
}

TEST_CASE("A table order through the center is priced from the menu and bounded") {
  const v1::LandingConfig c = TeaHouse();
  auto order = PriceTableOrder(c, {Line("tea-1", 2), Line("tea-1", 1)});
  REQUIRE(order.ok());
  CHECK(order->items_size() == 1);  // a repeated item is one line
  CHECK(order->items(0).quantity() == 3);
  CHECK(order->items(0).name() == "Jasmine tea");
  CHECK(order->total().minor() == 2400);
  CHECK(order->landing_status() == v1::Order::PLACED);
  CHECK(order->source() == v1::Order::LANDING);
  auto field = [&](const std::vector<v1::TableOrderLine>& lines) {
    auto r = PriceTableOrder(c, lines);
    REQUIRE(!r.ok());
    return FieldOf(r.status());
  };
  CHECK(field({}) == "items");
  CHECK(field({Line("ghost", 1)}) == "items[0].menuItemId");
  CHECK(field({Line("tea-1", 0)}) == "items[0].quantity");
  CHECK(field({Line("tea-1", 51)}) == "items[0].quantity");
  CHECK(field({Line("tea-1", 30), Line("tea-1", 30)}) == "items[1].quantity");
  CHECK(PriceTableOrder(c, {Line("cake", 1)}).status().code() ==
        absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("The table page carries the shop's names as data, never as markup") {
  const v1::LandingConfig c = TeaHouse();
  const std::string html = RenderTablePage({c, c.tables(0), "n1", "http://192.168.1.20:8090"});
  CHECK(html.find("<script>alert(1)") == std::string::npos);
  CHECK(html.find("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)") != std::string::npos);
  CHECK(html.find("\"lanTarget\":\"http://192.168.1.20:8090/t/A-1?k=tok-A1\"") !=
        std::string::npos);
  CHECK(html.find("\"orderUrl\":\"/v1/landing/nodes/n1/tables/A-1/orders\"") != std::string::npos);
  // Without a LAN address the page orders through the center at once.
  CHECK(RenderTablePage({c, c.tables(0), "n1", ""}).find("\"lanProbe\":") == std::string::npos);
}

TEST_CASE("The table sheet is a PDF of the tables and the Wi-Fi join code") {
  v1::WifiNetwork wifi;
  wifi.set_ssid("Tea;House");
  wifi.set_password("jasmine-tea-1");
  auto pdf = RenderTableSheet({{"窗边 1", "https://qr.example/l/n1/A-1?k=t"}}, "茶馆", wifi);
  REQUIRE(pdf.ok());
  CHECK(pdf->rfind("%PDF", 0) == 0);
  CHECK(RenderTableSheet({}, "茶馆", v1::WifiNetwork()).status().code() ==
        absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace qrcloud::center
