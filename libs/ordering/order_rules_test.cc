// The refund rules alone: protos in, a verdict or a status out.
#include "libs/ordering/order_rules.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::ordering {
namespace {

const absl::Time kRedeemed =
    absl::FromCivil(absl::CivilSecond(2026, 1, 1, 12, 0, 0), absl::UTCTimeZone());

v1::Order Redeemed() {
  v1::Order o;
  o.set_id("01order");
  o.set_state(v1::Order::REDEEMED);
  core::ToProto(kRedeemed, o.mutable_redeem_time());
  return o;
}

RefundRequest Request(std::string request_id = "r1", std::string reason = "the dish was cold") {
  return {"01order", std::move(request_id), std::move(reason)};
}

RefundFacts Own() { return {.merchant_may_refund = true}; }

std::string FieldOf(const absl::Status& s) {
  auto v = core::FieldViolations(s);
  return v.empty() ? std::string() : v[0].field;
}

TEST_CASE("A refund needs a request id and a reason of 1 to 200 characters, trimmed") {
  auto clean = CheckRefundRequest(Request("r1", "  菜是凉的 the dish was cold \n"));
  REQUIRE(clean.ok());
  CHECK(*clean == "菜是凉的 the dish was cold");
  CHECK(CheckRefundRequest(Request("r1", std::string(200, 'x'))).ok());
  CHECK(CheckRefundRequest(Request("r1", " " + std::string(200, 'x') + "  ")).ok());

  CHECK(FieldOf(CheckRefundRequest(Request("")).status()) == "requestId");
  CHECK(FieldOf(CheckRefundRequest(Request(std::string(129, 'r'))).status()) == "requestId");
  const absl::Status missing = CheckRefundRequest(Request("r1", " \t ")).status();
  CHECK(FieldOf(missing) == "reason");
  CHECK(missing.message() == "reason: is required: why the order is refunded, 1 to 200 characters");
  const absl::Status long_one = CheckRefundRequest(Request("r1", std::string(201, 'x'))).status();
  CHECK(FieldOf(long_one) == "reason");
  CHECK(long_one.message() == "reason: must be at most 200 characters (got 201)");
  // Characters, not bytes: 200 Chinese characters are 600 bytes and fine.
  std::string chinese;
  for (int i = 0; i < 200; ++i) chinese += "退";
  CHECK(CheckRefundRequest(Request("r1", chinese)).ok());
  CHECK(FieldOf(CheckRefundRequest(Request("r1", "bad\x01reason")).status()) == "reason");
  CHECK(FieldOf(CheckRefundRequest(Request("r1", "bad\xffutf8")).status()) == "reason");
}

TEST_CASE("The order's merchant refunds a redeemed order within the window") {
  const absl::Duration window = kDefaultRefundWindow;
  CHECK(DecideRefund(Redeemed(), Own(), Request(), kRedeemed + absl::Minutes(5), window).value() ==
        RefundVerdict::kRefund);
  // The last moment of the window still counts.
  CHECK(DecideRefund(Redeemed(), Own(), Request(), kRedeemed + window, window).value() ==
        RefundVerdict::kRefund);
  auto late =
      DecideRefund(Redeemed(), Own(), Request(), kRedeemed + window + absl::Seconds(1), window);
  CHECK(late.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(late.status().message() ==
        "the refund window closed at 2026-01-31 12:00:00 UTC: an order is refunded within 30 days "
        "of its redemption");
  // The center may set another window.
  auto short_window =
      DecideRefund(Redeemed(), Own(), Request(), kRedeemed + absl::Hours(2), absl::Hours(1));
  CHECK(short_window.status().message().find("within 1h of its redemption") != std::string::npos);
}

TEST_CASE("Another merchant's order reads as missing") {
  auto theirs = DecideRefund(Redeemed(), {.merchant_may_refund = false}, Request(), kRedeemed,
                             kDefaultRefundWindow);
  CHECK(theirs.status().code() == absl::StatusCode::kNotFound);
  CHECK(theirs.status().message() == "order 01order not found");
  // Whatever its state: not even "already refunded" leaks.
  v1::Order refunded = Redeemed();
  refunded.set_state(v1::Order::REFUNDED);
  CHECK(DecideRefund(refunded, {.merchant_may_refund = false, .refunded_with = "r1"}, Request(),
                     kRedeemed, kDefaultRefundWindow)
            .status()
            .code() == absl::StatusCode::kNotFound);
}

TEST_CASE("Only a redeemed order is refunded, saying what it is instead") {
  for (auto state : {v1::Order::CONFIRMED, v1::Order::CANCELLED, v1::Order::EXPIRED}) {
    v1::Order o = Redeemed();
    o.set_state(state);
    auto r = DecideRefund(o, Own(), Request(), kRedeemed, kDefaultRefundWindow);
    INFO(v1::Order::State_Name(state));
    CHECK(r.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(r.status().message() ==
          absl::StrCat("a ", v1::Order::State_Name(state),
                       " order cannot be refunded; only a REDEEMED one (before redemption the "
                       "buyer cancels it)"));
  }
}

TEST_CASE("A refunded order answers its own retry and refuses a second refund") {
  v1::Order o = Redeemed();
  o.set_state(v1::Order::REFUNDED);
  core::ToProto(kRedeemed + absl::Hours(1), o.mutable_refund_time());
  const RefundFacts done{
      .merchant_may_refund = true, .refunded_with = "r1", .refunded_reason = "the dish was cold"};
  // The retry is answered even after the window has closed.
  CHECK(DecideRefund(o, done, Request(), kRedeemed + absl::Hours(24 * 90), kDefaultRefundWindow)
            .value() == RefundVerdict::kRetried);
  auto second = DecideRefund(o, done, Request("r2"), kRedeemed, kDefaultRefundWindow);
  CHECK(second.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(second.status().message() ==
        "already refunded at 2026-01-01 13:00:00 UTC: an order is refunded once");
  // The same request id with another reason is another request.
  auto changed =
      DecideRefund(o, done, Request("r1", "something else"), kRedeemed, kDefaultRefundWindow);
  CHECK(FieldOf(changed.status()) == "requestId");
}

}  // namespace
}  // namespace qrcloud::ordering

namespace qrcloud::ordering {
namespace {

v1::OrderItem Line(std::string id, int32_t quantity, int64_t unit_minor,
                   std::string currency = "CNY") {
  v1::OrderItem line;
  line.set_menu_item_id(std::move(id));
  line.set_quantity(quantity);
  line.mutable_unit_price()->set_currency(std::move(currency));
  line.mutable_unit_price()->set_minor(unit_minor);
  return line;
}

TEST_CASE("An order's lines add up to its quantity and total") {
  auto lines = CheckLines({Line("a", 2, 1500), Line("b", 1, 800)});
  REQUIRE(lines.ok());
  CHECK(lines->quantity == 3);
  CHECK(lines->total.minor() == 3800);
  CHECK(lines->total.currency() == "CNY");
}

TEST_CASE("Lines out of bounds are refused, naming the line") {
  auto zero = CheckLines({Line("a", 1, 100), Line("b", 0, 100)});
  REQUIRE(zero.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(zero.status().message().find("items[1].quantity") != std::string::npos);
  CHECK(CheckLines({Line("a", 10000, 100)}).status().message().find("1 to 50") !=
        std::string::npos);
  CHECK_FALSE(CheckLines({}).ok());
  std::vector<v1::OrderItem> many(kMaxLines + 1, Line("a", 1, 100));
  CHECK_FALSE(CheckLines(many).ok());
  // 3 lines of 40 is 120 items: over the order's 100.
  auto over = CheckLines({Line("a", 40, 1), Line("b", 40, 1), Line("c", 40, 1)});
  CHECK(over.status().message().find("at most 100") != std::string::npos);
  CHECK_FALSE(CheckLines({Line("a", 1, 100), Line("b", 1, 100, "USD")}).ok());
  CHECK_FALSE(CheckLines({Line("a", 1, -5)}).ok());
  CHECK_FALSE(CheckLines({Line("", 1, 5)}).ok());
}

TEST_CASE("A request with lines takes its quantity from them") {
  PlaceRequest req{.request_id = "r1", .quantity = 7};
  req.items = {Line("a", 2, 100), Line("b", 3, 100)};
  auto quantity = CheckRequest(req);
  REQUIRE(quantity.ok());
  CHECK(*quantity == 5);
}

}  // namespace
}  // namespace qrcloud::ordering
