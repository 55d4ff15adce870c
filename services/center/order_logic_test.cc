// Orders at the center on memory stores: the campaign's terms, stock,
// limits, retries and fences through the center's logic, receipts redeemed
// once by the right shop, and who may see an order.
#include "services/center/order_logic.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"
#include "services/center/testing/center_world.h"

namespace qrcloud::center {
namespace {

using testing::Caller;
using testing::CenterWorld;
using v1::Campaign;
using v1::Order;

absl::StatusOr<Order> Place(CenterWorld& w, const Caller& who, const Campaign& c,
                            const std::string& request_id, int quantity = 1) {
  v1::CreateOrderRequest req;
  req.set_campaign_id(c.id());
  req.set_request_id(request_id);
  req.set_quantity(quantity);
  v1::CreateOrderResponse resp;
  absl::Status s = w.order.Create(who.call(), req, resp);
  if (!s.ok()) return s;
  return resp.order();
}

absl::StatusOr<v1::RedeemReceiptResponse> Redeem(CenterWorld& w, const Caller& shop,
                                                 const Order& o) {
  v1::RedeemReceiptRequest req;
  req.set_token(o.receipt().token());
  v1::RedeemReceiptResponse resp;
  absl::Status s = w.order.Redeem(shop.call(), req, resp);
  if (!s.ok()) return s;
  return resp;
}

TEST_CASE("A published order campaign sells its stock and no more") {
  CenterWorld w;
  Caller shop = w.Qualified();
  Campaign c = w.Published(shop, w.OrderCampaign(/*stock=*/3));
  Caller alice = w.Person(), bob = w.Person();
  auto first = Place(w, alice, c, "a1", 2);
  REQUIRE(first.ok());
  CHECK(first->total().minor() == 3980);
  CHECK(first->receipt().image_url() == "/v1/orders/" + first->id() + "/receipt.png");
  CHECK(Place(w, bob, c, "b1", 2).status().message() == "sold out: all 3 have been ordered");
  CHECK(Place(w, bob, c, "b2", 1).ok());
}

TEST_CASE("Only people order: a merchant, its staff and the platform's staff cannot") {
  CenterWorld w;
  Caller shop = w.Qualified();
  Campaign c = w.Published(shop, w.OrderCampaign(/*stock=*/3));
  for (const Caller& who : {shop, w.Staff(shop), w.Qualified(), w.Auditor()}) {
    auto refused = Place(w, who, c, "self-1");
    CHECK(refused.status().code() == absl::StatusCode::kPermissionDenied);
    CHECK(refused.status().message().find("only personal accounts order") != std::string::npos);
  }
  CHECK(Place(w, w.Person(), c, "p1").ok());
}

TEST_CASE("The per-person limit holds per buyer, and a retried request id orders once") {
  CenterWorld w;
  Caller shop = w.Qualified();
  Campaign c = w.Published(shop, w.OrderCampaign(/*stock=*/0, /*per_person_limit=*/1));
  Caller alice = w.Person();
  auto first = Place(w, alice, c, "same");
  REQUIRE(first.ok());
  auto retry = Place(w, alice, c, "same");
  REQUIRE(retry.ok());
  CHECK(retry->id() == first->id());
  CHECK(Place(w, alice, c, "another").status().message() ==
        "the limit is 1 per person, and you have reached it");
  CHECK(Place(w, w.Person(), c, "same").ok());  // request ids are per buyer
  // A request id reused for another campaign is a mistake, said so.
  Campaign other = w.Published(shop, w.OrderCampaign());
  auto reused = Place(w, alice, other, "same");
  CHECK(reused.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(reused.status())[0].field == "requestId");
  // So is the same campaign in another quantity: one rule for every call.
  auto more = Place(w, alice, c, "same", /*quantity=*/2);
  CHECK(more.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(more.status().message().find("different order") != std::string::npos);
}

TEST_CASE("Only a published order campaign of a merchant with cloud business takes orders") {
  CenterWorld w;
  Caller shop = w.Qualified();
  Caller alice = w.Person();
  // A draft does not exist for buyers.
  v1::CreateCampaignRequest create;
  create.set_merchant_id(shop.merchant_id());
  *create.mutable_campaign() = w.OrderCampaign();
  Campaign draft;
  REQUIRE(w.campaign.Create(shop.call(), create, draft).ok());
  CHECK(Place(w, alice, draft, "d").status().code() == absl::StatusCode::kNotFound);
  // A showcase takes no orders.
  Campaign showcase_content = w.OrderCampaign();
  showcase_content.set_mode(Campaign::SHOWCASE);
  Campaign showcase = w.Published(shop, showcase_content);
  CHECK(Place(w, alice, showcase, "s").status().message() == "this campaign takes no orders");
  // A paused offer is not on sale.
  Campaign live = w.Published(shop, w.OrderCampaign());
  v1::CampaignActionRequest pause;
  pause.set_id(live.id());
  Campaign paused;
  REQUIRE(w.campaign.Pause(shop.call(), pause, paused).ok());
  CHECK(Place(w, alice, live, "p").status().message() == "this offer is not on sale (PAUSED)");
  // Cloud business switched off: no orders online.
  Campaign other = w.Published(shop, w.OrderCampaign());
  v1::SetBusinessSwitchesRequest off;
  off.set_id(shop.merchant_id());
  off.set_cloud_business_enabled(false);
  v1::Merchant m;
  REQUIRE(w.merchant.SetBusinessSwitches(shop.call(), off, m).ok());
  CHECK(Place(w, alice, other, "o").status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Place(w, alice, Campaign(), "none").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("A fenced campaign is ordered only near the shop") {
  CenterWorld w;
  Caller shop = w.Qualified();
  Campaign content = w.OrderCampaign();
  content.mutable_fence()->mutable_origin()->set_lat(26.0745);
  content.mutable_fence()->mutable_origin()->set_lng(119.2965);
  content.mutable_fence()->set_radius_m(500);
  Campaign c = w.Published(shop, content);
  Caller alice = w.Person();
  v1::CreateOrderRequest req;
  req.set_campaign_id(c.id());
  req.set_request_id("far");
  req.mutable_location()->set_lat(26.0900);
  req.mutable_location()->set_lng(119.2965);
  v1::CreateOrderResponse resp;
  CHECK(w.order.Create(alice.call(), req, resp).code() == absl::StatusCode::kPermissionDenied);
  req.set_request_id("near");
  req.mutable_location()->set_lat(26.0750);
  CHECK(w.order.Create(alice.call(), req, resp).ok());
}

TEST_CASE("A receipt is redeemed once by its own shop, and others do not even find it") {
  CenterWorld w;
  Caller shop = w.Qualified();
  Caller rival = w.Qualified();
  Campaign c = w.Published(shop, w.OrderCampaign());
  Caller alice = w.Person();
  auto order = Place(w, alice, c, "r");
  REQUIRE(order.ok());

  CHECK(Redeem(w, rival, *order).status().code() == absl::StatusCode::kNotFound);
  CHECK(Redeem(w, alice, *order).status().code() == absl::StatusCode::kPermissionDenied);
  auto done = Redeem(w, w.Staff(shop), *order);
  REQUIRE(done.ok());
  CHECK(done->order().state() == Order::REDEEMED);
  CHECK(Redeem(w, shop, *order).status().code() == absl::StatusCode::kAlreadyExists);

  // A receipt altered by one character is not genuine.
  Order altered = *order;
  std::string token = altered.receipt().token();
  token[10] = token[10] == 'A' ? 'B' : 'A';
  altered.mutable_receipt()->set_token(token);
  CHECK(Redeem(w, shop, altered).status().code() == absl::StatusCode::kInvalidArgument);
}

absl::StatusOr<Order> Refund(CenterWorld& w, const Caller& who, const Order& o,
                             const std::string& request_id) {
  v1::RefundOrderRequest req;
  req.set_id(o.id());
  req.set_request_id(request_id);
  req.set_reason("菜不新鲜 not fresh");
  Order resp;
  absl::Status s = w.order.Refund(who.call(), req, resp);
  if (!s.ok()) return s;
  return resp;
}

TEST_CASE("A redeemed order is refunded by its shop's owner or staff, refused to anyone else") {
  CenterWorld w;
  Caller shop = w.Qualified();
  Caller rival = w.Qualified();
  Campaign c = w.Published(shop, w.OrderCampaign());
  Caller alice = w.Person();
  auto order = Place(w, alice, c, "r");
  REQUIRE(order.ok());
  REQUIRE(Redeem(w, shop, *order).ok());

  CHECK(Refund(w, alice, *order, "a").status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(Refund(w, w.Auditor(), *order, "a").status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(Refund(w, rival, *order, "a").status().code() == absl::StatusCode::kNotFound);
  auto refunded = Refund(w, w.Staff(shop), *order, "a");
  INFO(refunded.status());
  REQUIRE(refunded.ok());
  CHECK(refunded->state() == Order::REFUNDED);
  CHECK(refunded->refund_reason() == "菜不新鲜 not fresh");
  CHECK(refunded->receipt().image_url() == "/v1/orders/" + order->id() + "/receipt.png");
  // The owner retrying the staff's request gets the same order: the request
  // id is the merchant's, whoever of its accounts sends it.
  auto retried = Refund(w, shop, *order, "a");
  REQUIRE(retried.ok());
  CHECK(retried->refund_time().seconds() == refunded->refund_time().seconds());
  CHECK(Refund(w, shop, *order, "b").status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("An order is seen by its buyer and its shop, and by nobody else") {
  CenterWorld w;
  Caller shop = w.Qualified();
  Campaign c = w.Published(shop, w.OrderCampaign());
  Caller alice = w.Person(), bob = w.Person();
  auto order = Place(w, alice, c, "mine");
  REQUIRE(order.ok());
  v1::GetOrderRequest get;
  get.set_id(order->id());
  Order seen;
  CHECK(w.order.Get(alice.call(), get, seen).ok());
  CHECK(w.order.Get(shop.call(), get, seen).ok());
  CHECK(w.order.Get(bob.call(), get, seen).code() == absl::StatusCode::kNotFound);
  CHECK(w.order.Get(w.Qualified().call(), get, seen).code() == absl::StatusCode::kNotFound);

  v1::ListMerchantOrdersRequest theirs;
  theirs.set_merchant_id(shop.merchant_id());
  v1::ListOrdersResponse list;
  CHECK(w.order.ListMerchant(bob.call(), theirs, list).code() == absl::StatusCode::kNotFound);
  REQUIRE(w.order.ListMerchant(shop.call(), theirs, list).ok());
  CHECK(list.orders_size() == 1);
  v1::ListMyOrdersRequest mine;
  v1::ListOrdersResponse bobs;
  REQUIRE(w.order.ListMine(bob.call(), mine, bobs).ok());
  CHECK(bobs.orders().empty());
  // Only the buyer cancels.
  v1::CancelOrderRequest cancel;
  cancel.set_id(order->id());
  CHECK(w.order.Cancel(bob.call(), cancel, seen).code() == absl::StatusCode::kNotFound);
  CHECK(w.order.Cancel(alice.call(), cancel, seen).ok());
}

// Where a watch's orders go: each kept; every pause runs `between` (orders
// placed while the watch waits) until it says the client left.
struct WatchRecorder : rpc::StreamWriter<Order> {
  std::vector<Order> got;
  bool ready = false;
  int pauses = 0;
  std::function<bool(int)> between;
  bool Write(const Order& o) override {
    CHECK(ready);  // the client learns the stream is open before any order
    got.push_back(o);
    return true;
  }
  bool Pause(absl::Duration) override { return between(++pauses); }
  void Ready() override { ready = true; }
};

TEST_CASE("A watch sends the merchant's new orders once each, in the order placed, and no others") {
  CenterWorld w;
  Caller shop = w.Qualified();
  Caller other_shop = w.Qualified();
  Campaign c = w.Published(shop, w.OrderCampaign(/*stock=*/500));
  Campaign elsewhere = w.Published(other_shop, w.OrderCampaign(/*stock=*/5));
  Caller alice = w.Person();
  REQUIRE(Place(w, alice, c, "before").ok());  // placed before the watch: not news
  w.clock.Advance(absl::Seconds(1));

  std::vector<std::string> placed;
  WatchRecorder out;
  out.between = [&](int pause) {
    w.clock.Advance(absl::Milliseconds(250));
    if (pause == 1) {
      for (int i = 0; i < 3; ++i) placed.push_back(Place(w, w.Person(), c, "p1").value().id());
      CHECK(Place(w, alice, elsewhere, "e1").ok());  // another merchant's
    }
    if (pause == 2) {  // a burst larger than one page of the watch's reads
      for (int i = 0; i < 150; ++i) placed.push_back(Place(w, w.Person(), c, "p2").value().id());
    }
    return pause < 5;  // then the client leaves
  };
  v1::WatchMerchantOrdersRequest req;
  req.set_merchant_id(shop.merchant_id());
  REQUIRE(w.order.WatchMerchant(shop.call(), req, out).ok());
  REQUIRE(out.got.size() == placed.size());
  for (size_t i = 0; i < placed.size(); ++i) CHECK(out.got[i].id() == placed[i]);
  CHECK(out.got[0].merchant_id() == shop.merchant_id());

  WatchRecorder spy;
  spy.between = [](int) { return false; };
  req.set_merchant_id(other_shop.merchant_id());
  const absl::Status refused = w.order.WatchMerchant(shop.call(), req, spy);
  CHECK((refused.code() == absl::StatusCode::kPermissionDenied ||
         refused.code() == absl::StatusCode::kNotFound));
  CHECK_FALSE(spy.ready);
}

}  // namespace
}  // namespace qrcloud::center
