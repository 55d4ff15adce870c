// The wallet's rules on their own: validity by the campaign, the order and
// the time; reminders' wording; categories.
#include "services/personal/wallet_rules.h"

#include <catch2/catch.hpp>

namespace qrcloud::personal {
namespace {

using v1::WalletItem;

const absl::Time kNow = absl::FromUnixSeconds(1796083200);  // 2026-12-01T00:00:00Z
const absl::Duration kDay = absl::Hours(24);

CampaignFacts Live(std::optional<absl::Time> end) {
  CampaignFacts c;
  c.id = "c";
  c.title = "鱼丸汤";
  c.state = v1::Campaign::PUBLISHED;
  c.end = end;
  return c;
}

TEST_CASE("An offer is valid, then expiring within the window, then expired at its end") {
  const CampaignFacts c = Live(kNow + absl::Hours(30));
  Verdict v = OfferValidity(c, kNow, kDay);
  CHECK(v.validity == WalletItem::VALID);
  REQUIRE(v.next_check.has_value());
  CHECK(*v.next_check == kNow + absl::Hours(6));  // when it turns EXPIRING
  v = OfferValidity(c, kNow + absl::Hours(6), kDay);
  CHECK(v.validity == WalletItem::EXPIRING);
  CHECK(*v.next_check == kNow + absl::Hours(30));
  v = OfferValidity(c, kNow + absl::Hours(30), kDay);
  CHECK(v.validity == WalletItem::EXPIRED);
  CHECK_FALSE(v.next_check.has_value());
  // With no end it stays valid and needs no time check.
  v = OfferValidity(Live(std::nullopt), kNow, kDay);
  CHECK(v.validity == WalletItem::VALID);
  CHECK_FALSE(v.next_check.has_value());
}

TEST_CASE("The campaign's state and stock come before time") {
  CampaignFacts c = Live(kNow + absl::Hours(1));
  c.state = v1::Campaign::PAUSED;
  CHECK(OfferValidity(c, kNow, kDay).validity == WalletItem::PAUSED);
  CHECK(*OfferValidity(c, kNow, kDay).next_check == kNow + absl::Hours(1));
  c.state = v1::Campaign::PUBLISHED;
  c.stock = 10;
  c.stock_left = 0;
  CHECK(OfferValidity(c, kNow, kDay).validity == WalletItem::SOLD_OUT);
  c.stock_left = 1;
  CHECK(OfferValidity(c, kNow, kDay).validity == WalletItem::EXPIRING);
  c.state = v1::Campaign::ENDED;
  CHECK(OfferValidity(c, kNow, kDay).validity == WalletItem::EXPIRED);
  c = Live(kNow - absl::Seconds(1));
  c.state = v1::Campaign::PAUSED;  // ended by time while paused
  CHECK(OfferValidity(c, kNow, kDay).validity == WalletItem::EXPIRED);
}

TEST_CASE("A receipt follows its order, and its expiry") {
  OrderFacts o;
  o.state = v1::Order::CONFIRMED;
  o.expire = kNow + absl::Hours(2);
  CHECK(ReceiptValidity(o, kNow, absl::Hours(1)).validity == WalletItem::VALID);
  CHECK(*ReceiptValidity(o, kNow, absl::Hours(1)).next_check == kNow + absl::Hours(1));
  CHECK(ReceiptValidity(o, kNow + absl::Hours(1), absl::Hours(1)).validity == WalletItem::EXPIRING);
  CHECK(ReceiptValidity(o, kNow + absl::Hours(2), absl::Hours(1)).validity == WalletItem::EXPIRED);
  o.state = v1::Order::REDEEMED;
  CHECK(ReceiptValidity(o, kNow + absl::Hours(3), absl::Hours(1)).validity == WalletItem::REDEEMED);
  o.state = v1::Order::CANCELLED;
  CHECK(ReceiptValidity(o, kNow, absl::Hours(1)).validity == WalletItem::CANCELLED);
  o.state = v1::Order::REFUNDED;
  CHECK(ReceiptValidity(o, kNow, absl::Hours(1)).validity == WalletItem::REFUNDED);
}

TEST_CASE("An order's state never goes back, so late or repeated news cannot undo it") {
  using v1::Order;
  CHECK(OrderMovesTo(Order::STATE_UNSPECIFIED, Order::CONFIRMED));
  CHECK(OrderMovesTo(Order::CONFIRMED, Order::REDEEMED));
  CHECK(OrderMovesTo(Order::CONFIRMED, Order::CANCELLED));
  CHECK_FALSE(OrderMovesTo(Order::REDEEMED, Order::CONFIRMED));
  CHECK_FALSE(OrderMovesTo(Order::CANCELLED, Order::REDEEMED));
  CHECK_FALSE(OrderMovesTo(Order::CONFIRMED, Order::CONFIRMED));
  // Refunded after the redemption, never before it or back.
  CHECK(OrderMovesTo(Order::REDEEMED, Order::REFUNDED));
  CHECK_FALSE(OrderMovesTo(Order::REFUNDED, Order::REDEEMED));
  CHECK_FALSE(OrderMovesTo(Order::CANCELLED, Order::REFUNDED));
}

TEST_CASE("Reminders say what changed, in both languages, with Beijing time") {
  CHECK(ReminderMessage(WalletItem::EXPIRING, "鱼丸汤", kNow + absl::Hours(10)) ==
        "“鱼丸汤” 即将到期 · ends soon: 2026-12-01 18:00");
  CHECK(ReminderMessage(WalletItem::REDEEMED, "Tea", std::nullopt) ==
        "“Tea” 已核销 · was redeemed at the shop");
  CHECK(ReminderMessage(WalletItem::REFUNDED, "Tea", std::nullopt) ==
        "“Tea” 已退款 · was refunded by the shop");
}

TEST_CASE("A category is the person's own, else the campaign's first tag, else other") {
  CHECK(*Category("  Food ", {"soup"}) == "food");
  CHECK(*Category("", {"", "火锅", "soup"}) == "火锅");
  CHECK(*Category("", {}) == "other");
  CHECK(Category(std::string(33, 'x'), {}).status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qrcloud::personal
