// Refunds end to end through REST: a merchant refunds a redeemed order once,
// a retry answers the same, everyone else is refused as docs/orders.md says,
// and the refund goes out on the `orders` stream exactly once.
#include <catch2/catch.hpp>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/ids.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr char kOffer[] =
    R"({"title":"鱼丸汤 Fish ball soup","description":"Any day","mode":"ORDER",
  "template":"coupon","price":{"currency":"CNY","minor":"2500"},"stock":"10"})";

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
};

std::string Refund(const std::string& request_id, const std::string& reason) {
  return absl::StrCat(R"({"requestId":")", request_id, R"(","reason":")", reason, R"("})");
}

// The `orders` stream's entries as "type id", and the data of each.
struct Published {
  std::vector<std::string> seen;
  std::vector<std::string> data;
};

Published ReadOrders(Flow& flow) {
  Published out;
  auto entries = flow.redis().Command({"XRANGE", "orders", "-", "+"});
  if (!entries.ok()) return out;
  for (size_t i = 0; i < entries->size(); ++i) {
    const cache::Reply& fields = (*entries)[i][1];
    std::string type, data;
    for (size_t f = 0; f + 1 < fields.size(); f += 2) {
      if (fields[f].str() == "type") type = fields[f + 1].str();
      if (fields[f].str() == "data") data = fields[f + 1].str();
    }
    out.seen.push_back(absl::StrCat(type, " ", JsonAt(data, "id")));
    out.data.push_back(data);
  }
  return out;
}

TEST_CASE("A merchant refunds a redeemed order once, and the refund is published once") {
  World w;
  std::string mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  const std::string campaign = w.flow->PublishCampaign(*merchant, mid, kOffer).At("id");
  REQUIRE(!campaign.empty());
  auto buyer = w.flow->NewAccount("PERSON");
  auto order_one = [&](const std::string& request_id) {
    ApiResponse placed =
        buyer->Post("/v1/campaigns/" + campaign + "/orders",
                    absl::StrCat(R"({"requestId":")", request_id, R"(","quantity":1})"));
    REQUIRE(placed.status == 200);
    return placed;
  };
  ApiResponse placed = order_one(core::NewId());
  const std::string id = placed.At("order.id");
  const std::string refund = "/v1/orders/" + id + ":refund";

  // Not yet redeemed: refused, saying why.
  ApiResponse early = merchant->Post(refund, Refund(core::NewId(), "not fresh"));
  CHECK(early.status == 400);
  CHECK(early.At("message") ==
        "a CONFIRMED order cannot be refunded; only a REDEEMED one (before redemption the buyer "
        "cancels it)");

  auto redeem = [&](const ApiResponse& order) {
    REQUIRE(merchant
                ->Post("/v1/receipts:redeem",
                       absl::StrCat(R"({"token":")", order.At("order.receipt.token"), R"("})"))
                .status == 200);
  };
  redeem(placed);
  ApiResponse placed_b = order_one(core::NewId());
  const std::string b = placed_b.At("order.id");
  redeem(placed_b);

  // Nobody but the order's merchant refunds it: another merchant does not
  // even find it; the buyer is not a merchant.
  const std::string request_id = core::NewId();
  auto other = w.flow->NewAccount("MERCHANT");
  ApiResponse theirs = other->Post(refund, Refund(request_id, "not fresh"));
  CHECK(theirs.status == 404);
  CHECK(theirs.At("message") == absl::StrCat("order ", id, " not found"));
  CHECK(buyer->Post(refund, Refund(request_id, "not fresh")).status == 403);
  // A reason is required.
  ApiResponse no_reason =
      merchant->Post(refund, absl::StrCat(R"({"requestId":")", request_id, R"(","reason":"   "})"));
  CHECK(no_reason.status == 400);
  CHECK(no_reason.At("details.0.fieldViolations.0.field") == "reason");
  ApiResponse no_request = merchant->Post(refund, R"({"reason":"not fresh"})");
  CHECK(no_request.status == 400);
  CHECK(no_request.At("details.0.fieldViolations.0.field") == "requestId");

  ApiResponse refunded = merchant->Post(refund, Refund(request_id, " 鱼丸不新鲜 not fresh "));
  INFO(refunded.body);
  REQUIRE(refunded.status == 200);
  CHECK(refunded.At("state") == "REFUNDED");
  CHECK(!refunded.At("refundTime").empty());
  CHECK(refunded.At("refundReason") == "鱼丸不新鲜 not fresh");
  CHECK(refunded.At("total.minor") == "2500");

  // The same request id again: the same order, refunded once.
  ApiResponse again = merchant->Post(refund, Refund(request_id, " 鱼丸不新鲜 not fresh "));
  CHECK(again.status == 200);
  CHECK(again.At("state") == "REFUNDED");
  CHECK(again.At("refundTime") == refunded.At("refundTime"));
  // A new request id: refused, it was refunded already.
  ApiResponse second = merchant->Post(refund, Refund(core::NewId(), "again"));
  CHECK(second.status == 400);
  CHECK(second.At("message").find("already refunded at ") == 0);

  // The request id refunded this order: it refunds no other.
  ApiResponse reused = merchant->Post("/v1/orders/" + b + ":refund", Refund(request_id, "other"));
  CHECK(reused.status == 400);
  CHECK(reused.At("details.0.fieldViolations.0.field") == "requestId");
  CHECK(merchant->Get("/v1/orders/" + b).At("state") == "REDEEMED");

  // The buyer and the merchant see it refunded.
  CHECK(buyer->Get("/v1/orders/" + id).At("state") == "REFUNDED");
  CHECK(merchant->Get("/v1/merchants/" + mid + "/orders?state=REFUNDED").At("orders.0.id") == id);

  // A later order marks the end: once it is on the stream, everything the
  // refunds wrote before it is too (the outbox relays in order).
  const std::string marker = order_one(core::NewId()).At("order.id");
  Published published;
  const bool relayed = WaitFor(
      [&] {
        published = ReadOrders(*w.flow);
        return std::find(published.seen.begin(), published.seen.end(), "order.placed " + marker) !=
               published.seen.end();
      },
      absl::Seconds(10));
  INFO(absl::StrJoin(published.seen, "\n"));
  REQUIRE(relayed);
  const std::vector<std::string> expected = {"order.placed " + id,   "order.redeemed " + id,
                                             "order.placed " + b,    "order.redeemed " + b,
                                             "order.refunded " + id, "order.placed " + marker};
  CHECK(published.seen == expected);
  const std::string& data = published.data[4];
  CHECK(JsonAt(data, "state") == "REFUNDED");
  CHECK(JsonAt(data, "refundTime") == refunded.At("refundTime"));
  CHECK(JsonAt(data, "refundReason") == "鱼丸不新鲜 not fresh");
  CHECK(JsonAt(data, "redeemTime") == refunded.At("redeemTime"));
  CHECK(JsonAt(data, "total.minor") == "2500");
  CHECK(JsonAt(data, "merchantId") == mid);
  CHECK(JsonAt(data, "receipt.token").empty());
}

}  // namespace
}  // namespace qrcloud::testing
