#include "services/center/landing_rules.h"

#include <catch2/catch.hpp>

#include "libs/core/ids.h"

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
