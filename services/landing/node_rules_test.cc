// The landing node's rules alone: protos in, a verdict or a status out.
#include "services/landing/node_rules.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"

namespace qrcloud::landing {
namespace {

using v1::Order;

v1::LandingConfig Config() {
  v1::LandingConfig c;
  c.set_version(3);
  c.set_merchant_name("福州小店");
  v1::LandingTable* t = c.add_tables();
  t->set_id("A1");
  t->set_name("窗边 1");
  t->set_token("tok-A1-current");
  v1::MenuItem* noodles = c.add_menu();
  noodles->set_id("noodles");
  noodles->set_name("牛肉面");
  noodles->mutable_price()->set_currency("CNY");
  noodles->mutable_price()->set_minor(1800);
  v1::MenuItem* tea = c.add_menu();
  tea->set_id("tea");
  tea->set_name("茶");
  tea->mutable_price()->set_currency("CNY");
  tea->mutable_price()->set_minor(500);
  return c;
}

google::protobuf::RepeatedPtrField<v1::TableOrderItem> Ask(
    std::vector<std::pair<std::string, int>> lines) {
  google::protobuf::RepeatedPtrField<v1::TableOrderItem> out;
  for (auto& [id, q] : lines) {
    v1::TableOrderItem* i = out.Add();
    i->set_menu_item_id(id);
    i->set_quantity(q);
  }
  return out;
}

TEST_CASE("A table link opens its table only with the current token") {
  const v1::LandingConfig c = Config();
  CHECK(OpenTable(c, "A1", "tok-A1-current").ok());
  auto forged = OpenTable(c, "A1", "tok-A1-forged");
  CHECK(forged.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(forged.status().message().find("tok-A1") == std::string::npos);
  CHECK(OpenTable(c, "A1", "").status().code() == absl::StatusCode::kPermissionDenied);
  auto unknown = OpenTable(c, "B9", "tok-A1-current");
  CHECK(unknown.status().code() == absl::StatusCode::kNotFound);
  CHECK(unknown.status().message() == "table B9 is not a table of this shop");
  CHECK(OpenTable(c, "A1/../x", "t").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(OpenTable(c, std::string(17, 'a'), "t").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(OpenTable(v1::LandingConfig(), "A1", "t").status().code() ==
        absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Lines are priced from the menu, merged, and bounded") {
  const v1::Menu menu = GuestMenu(Config(), {});
  auto lines = PriceLines(menu, Ask({{"noodles", 2}, {"tea", 1}, {"noodles", 1}}));
  REQUIRE(lines.ok());
  REQUIRE(lines->size() == 2);
  CHECK((*lines)[0].quantity() == 3);
  CHECK((*lines)[0].name() == "牛肉面");
  CHECK((*lines)[0].unit_price().minor() == 1800);

  auto unknown = PriceLines(menu, Ask({{"tea", 1}, {"caviar", 1}}));
  CHECK(core::FieldViolations(unknown.status())[0].field == "items[1].menuItemId");
  auto zero = PriceLines(menu, Ask({{"tea", 0}}));
  CHECK(core::FieldViolations(zero.status())[0].field == "items[0].quantity");
  auto huge = PriceLines(menu, Ask({{"tea", 10000}}));
  CHECK(huge.status().message().find("1 to 50") != std::string::npos);
  // Merged lines over the line's bound, and over the order's.
  CHECK_FALSE(PriceLines(menu, Ask({{"tea", 30}, {"tea", 30}})).ok());
  CHECK_FALSE(PriceLines(menu, Ask({{"tea", 50}, {"noodles", 50}, {"tea", 1}})).ok());
  CHECK_FALSE(PriceLines(menu, Ask({})).ok());
}

TEST_CASE("What the desk set sold out cannot be ordered") {
  const v1::Menu menu = GuestMenu(Config(), {"tea"});
  CHECK(menu.items(1).sold_out());
  auto sold = PriceLines(menu, Ask({{"tea", 1}}));
  CHECK(sold.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(sold.status().message().find("sold out") != std::string::npos);
}

TEST_CASE("A request id is required and bounded") {
  CHECK(CheckRequestId("0b5a-4f2e:1").ok());
  CHECK_FALSE(CheckRequestId("").ok());
  CHECK_FALSE(CheckRequestId(std::string(129, 'a')).ok());
  CHECK_FALSE(CheckRequestId("a b").ok());
}

TEST_CASE("A retry is the same request only with the same table and lines") {
  Order o;
  o.set_table("A1");
  v1::OrderItem* line = o.add_items();
  line->set_menu_item_id("tea");
  line->set_quantity(2);
  std::vector<v1::OrderItem> same = {*line};
  CHECK(SameRequest(o, "A1", same));
  CHECK_FALSE(SameRequest(o, "A2", same));
  same[0].set_quantity(3);
  CHECK_FALSE(SameRequest(o, "A1", same));
}

TEST_CASE("An order moves through the desk one step at a time") {
  CHECK(MayApply(Order::PLACED, DeskAction::kAccept).value());
  CHECK(MayApply(Order::PLACED, DeskAction::kReject).value());
  CHECK(MayApply(Order::ACCEPTED, DeskAction::kReject).value());
  CHECK(MayApply(Order::ACCEPTED, DeskAction::kPay).value());
  CHECK(MayApply(Order::PAID, DeskAction::kSettle).value());
  // A retry of the same step changes nothing.
  CHECK_FALSE(MayApply(Order::ACCEPTED, DeskAction::kAccept).value());
  auto skip = MayApply(Order::PLACED, DeskAction::kSettle);
  CHECK(skip.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(skip.status().message() ==
        "cannot settle a PLACED order: only a PAID order (mark it paid first)");
  CHECK_FALSE(MayApply(Order::PAID, DeskAction::kReject).ok());
  CHECK_FALSE(MayApply(Order::REJECTED, DeskAction::kAccept).ok());
  CHECK_FALSE(MayApply(Order::SETTLED, DeskAction::kPay).ok());
}

TEST_CASE("A shift closes with records unsynced only when forced") {
  CHECK(CheckShiftClose(0, false).ok());
  auto refused = CheckShiftClose(3, false);
  CHECK(refused.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(refused.message().find("3 records are not yet synced") == 0);
  CHECK(CheckShiftClose(3, true).ok());
}

TEST_CASE("The backoff doubles from half a second to a minute, with jitter") {
  CHECK(Backoff(1, 0.0) == absl::Milliseconds(250));
  CHECK(Backoff(1, 1.0) == absl::Milliseconds(500));
  CHECK(Backoff(2, 1.0) == absl::Seconds(1));
  CHECK(Backoff(4, 0.5) == absl::Milliseconds(3000));
  CHECK(Backoff(30, 1.0) == absl::Seconds(60));
  CHECK(Backoff(30, 0.0) == absl::Seconds(30));
}

TEST_CASE("A sync answer: done up to the mark, rejected records parked, the rest again") {
  std::vector<SentRecord> sent = {{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}};
  v1::SyncOrdersResponse answer;
  answer.set_high_water_mark(3);
  v1::RejectedRecord* r = answer.add_rejected();
  r->set_sequence(2);
  r->set_reason("unknown menu item");
  const SyncVerdict v = JudgeSync(sent, answer);
  CHECK(v.synced == std::vector<int64_t>{1, 3});
  REQUIRE(v.parked.size() == 1);
  CHECK(v.parked[0] == std::make_pair(int64_t{2}, std::string("unknown menu item")));
  CHECK(v.retry == std::vector<int64_t>{4});
}

}  // namespace
}  // namespace qrcloud::landing
