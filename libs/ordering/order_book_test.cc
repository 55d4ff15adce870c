// The order and receipt rules, each case on the in-memory store and on SQLite
// (test_stores.h): one set of rules, two stores. No server, no Redis.
#include "libs/ordering/order_book.h"

#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/core/clock.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/ordering/test_stores.h"

namespace qrcloud::ordering {
namespace {

// A gate that counts what it holds, as the center's Redis gate does.
class CountingGate : public StockGate {
 public:
  explicit CountingGate(int64_t left) : left_(left) {}
  absl::StatusOr<Verdict> Take(const std::string&, int64_t q) override {
    if (left_ < q) return Verdict::kSoldOut;
    left_ -= q;
    return Verdict::kTaken;
  }
  void Give(const std::string&, int64_t q) override { left_ += q; }
  absl::Status Reconcile(const std::string&) override {
    ++reconciled;
    return absl::OkStatus();
  }
  std::atomic<int64_t> left_;
  std::atomic<int> reconciled{0};
};

template <typename Stores>
struct World : Stores {
  core::FakeClock clock;
  core::ReceiptSigner signer = *core::ReceiptSigner::FromSeed(std::string(32, 's'));
  PayAtShop payments;
  OrderBook book{this->runner(), this->orders, signer, payments, clock, {}};

  // Receipt tokens carry ids in binary: offers and merchants have real ids.
  const std::string merchant = core::NewId();
  const std::string other_merchant = core::NewId();

  Offer NewOffer(int64_t stock = 0, int32_t limit = 0) {
    Offer o;
    o.id = core::NewId();
    o.merchant_id = merchant;
    o.price = *core::Money::Of("CNY", 1990);
    o.stock = stock;
    o.per_person_limit = limit;
    return o;
  }
  PlaceRequest Request(std::string id, int32_t quantity = 1) {
    PlaceRequest r;
    r.request_id = std::move(id);
    r.quantity = quantity;
    return r;
  }
  Redeemer Shop() { return ShopOf(merchant); }
  Refunder Owner() { return OwnerOf(merchant); }
  Refunder OwnerOf(std::string m) {
    return {"owner-account", [m](absl::string_view asked) { return asked == m; }};
  }
  RefundRequest Refund(const v1::Order& order, std::string request_id,
                       std::string reason = "the dish was cold") {
    return {order.id(), std::move(request_id), std::move(reason)};
  }
  // An order of a new offer, redeemed now.
  v1::Order RedeemedOrder(const std::string& buyer, const std::string& request_id) {
    auto placed = book.Place(buyer, NewOffer(), Request(request_id));
    REQUIRE(placed.ok());
    auto done = book.Redeem(Shop(), {.token = placed->receipt().token()});
    REQUIRE(done.ok());
    return done->order;
  }
  Redeemer ShopOf(std::string m) {
    return {"shop-account", m, [m](absl::string_view asked) { return asked == m; }};
  }
};

TEMPLATE_TEST_CASE("An order takes the stock, and none is sold past it", "", testing::MemoryStores,
                   testing::SqliteStores) {
  World<TestType> w;
  const Offer offer = w.NewOffer(/*stock=*/3);
  auto a = w.book.Place("alice", offer, w.Request("a1", 2));
  INFO(a.status());
  REQUIRE(a.ok());
  CHECK(a->total().minor() == 3980);
  CHECK(a->state() == v1::Order::CONFIRMED);
  CHECK(a->receipt().number().size() == 8);
  auto b = w.book.Place("bob", offer, w.Request("b1", 2));
  CHECK(b.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(b.status().message() == "sold out: all 3 have been ordered");
  CHECK(w.book.Place("bob", offer, w.Request("b2", 1)).ok());
  CHECK(w.StockLeft(offer.id) == 0);
}

TEMPLATE_TEST_CASE("A rush of buyers at once never oversells", "", testing::MemoryStores,
                   testing::SqliteStores) {
  World<TestType> w;
  const Offer offer = w.NewOffer(/*stock=*/25);
  std::atomic<int> sold{0}, refused{0};
  std::vector<std::thread> buyers;
  for (int i = 0; i < 8; ++i) {
    buyers.emplace_back([&, i] {
      for (int j = 0; j < 10; ++j) {
        auto r = w.book.Place(absl::StrCat("buyer-", i, "-", j), offer,
                              w.Request(absl::StrCat("r-", i, "-", j)));
        (r.ok() ? sold : refused)++;
      }
    });
  }
  for (auto& t : buyers) t.join();
  CHECK(sold == 25);
  CHECK(refused == 55);
  CHECK(w.StockLeft(offer.id) == 0);
}

TEMPLATE_TEST_CASE("A gate that lets through more than the store has is reconciled, not trusted",
                   "", testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  CountingGate gate(/*left=*/10);  // the gate believes in 10; the store has 1
  OrderBook gated(w.runner(), w.orders, w.signer, w.payments, w.clock, {}, &gate);
  const Offer offer = w.NewOffer(/*stock=*/1);
  REQUIRE(gated.Place("alice", offer, w.Request("a")).ok());
  auto second = gated.Place("bob", offer, w.Request("b"));
  CHECK(second.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(gate.reconciled == 1);
  // A gate that says sold out turns the buyer away before the store.
  CountingGate empty(0);
  OrderBook closed(w.runner(), w.orders, w.signer, w.payments, w.clock, {}, &empty);
  const Offer other = w.NewOffer(/*stock=*/5);
  CHECK(closed.Place("carol", other, w.Request("c")).status().message() ==
        "sold out: all 5 have been ordered");
  CHECK(w.StockLeft(other.id) == -1);  // the store never saw it
}

TEMPLATE_TEST_CASE("The per-person limit counts what a buyer holds, and a cancel gives it back", "",
                   testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const Offer offer = w.NewOffer(/*stock=*/0, /*limit=*/2);
  REQUIRE(w.book.Place("alice", offer, w.Request("1")).ok());
  auto second = w.book.Place("alice", offer, w.Request("2"));
  REQUIRE(second.ok());
  auto third = w.book.Place("alice", offer, w.Request("3"));
  CHECK(third.status().message() == "the limit is 2 per person, and you have reached it");
  // Another buyer has their own allowance.
  CHECK(w.book.Place("bob", offer, w.Request("1")).ok());
  // Cancelling gives the allowance back.
  auto cancelled = w.book.Cancel("alice", second->id());
  REQUIRE(cancelled.ok());
  CHECK(cancelled->state() == v1::Order::CANCELLED);
  CHECK(w.book.Place("alice", offer, w.Request("4")).ok());
}

TEMPLATE_TEST_CASE("A retried request id returns the first order and acts once", "",
                   testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const Offer offer = w.NewOffer(/*stock=*/5);
  auto first = w.book.Place("alice", offer, w.Request("same", 2));
  REQUIRE(first.ok());
  auto again = w.book.Place("alice", offer, w.Request("same", 2));
  REQUIRE(again.ok());
  CHECK(again->id() == first->id());
  CHECK(again->receipt().token() == first->receipt().token());
  CHECK(w.StockLeft(offer.id) == 3);
  CHECK(w.book.Retried("alice", "same").value()->id() == first->id());
  CHECK_FALSE(w.book.Retried("bob", "same").value().has_value());
  // The same id for another offer is a mistake, said so.
  auto other = w.book.Place("alice", w.NewOffer(), w.Request("same"));
  CHECK(other.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(other.status().message().find("requestId") == 0);
}

TEMPLATE_TEST_CASE("Bad requests are refused naming the field, and nothing is written", "",
                   testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const Offer offer = w.NewOffer(/*stock=*/5);
  auto field = [](const absl::StatusOr<v1::Order>& r) {
    auto v = core::FieldViolations(r.status());
    return v.empty() ? std::string() : v[0].field;
  };
  CHECK(field(w.book.Place("alice", offer, w.Request(""))) == "requestId");
  CHECK(field(w.book.Place("alice", offer, w.Request(std::string(129, 'x')))) == "requestId");
  CHECK(field(w.book.Place("alice", offer, w.Request("q", 101))) == "quantity");
  CHECK(field(w.book.Place("alice", offer, w.Request("q", -1))) == "quantity");
  PlaceRequest far = w.Request("loc");
  far.location = Location{91, 0};
  CHECK(field(w.book.Place("alice", offer, far)) == "location.lat");
  PlaceRequest code = w.Request("code");
  code.platform_code = "bad code!";
  CHECK(field(w.book.Place("alice", offer, code)) == "platformCode");
  CHECK(w.StockLeft(offer.id) == -1);
}

TEMPLATE_TEST_CASE("A fenced offer is ordered only from inside its radius", "",
                   testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  Offer offer = w.NewOffer();
  offer.fence = Fence{26.0745, 119.2965, 500};
  auto nowhere = w.book.Place("alice", offer, w.Request("n"));
  CHECK(core::FieldViolations(nowhere.status())[0].field == "location");
  PlaceRequest near = w.Request("near");
  near.location = Location{26.0760, 119.2970};  // about 170 m away
  CHECK(w.book.Place("alice", offer, near).ok());
  PlaceRequest far = w.Request("far");
  far.location = Location{26.0900, 119.2965};  // about 1.7 km away
  auto refused = w.book.Place("alice", offer, far);
  CHECK(refused.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(refused.status().message().find("1724 m from the shop") != std::string::npos);
  CHECK(refused.status().message().find("within 500 m") != std::string::npos);
}

TEMPLATE_TEST_CASE(
    "An offer is ordered only inside its window, and its receipt lasts until its end", "",
    testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  Offer offer = w.NewOffer();
  offer.start_time = w.clock.Now() + absl::Hours(1);
  offer.end_time = w.clock.Now() + absl::Hours(3);
  CHECK(w.book.Place("alice", offer, w.Request("early")).status().message() ==
        "this offer has not started yet");
  w.clock.Advance(absl::Hours(2));
  auto order = w.book.Place("alice", offer, w.Request("on-time"));
  REQUIRE(order.ok());
  CHECK(core::FromProto(order->receipt().expire_time()) == *offer.end_time);
  w.clock.Advance(absl::Hours(1));
  CHECK(w.book.Place("alice", offer, w.Request("late")).status().message() ==
        "this offer has ended");
}

TEMPLATE_TEST_CASE("A receipt is redeemed once, by token or by number, and only by its merchant",
                   "", testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const Offer offer = w.NewOffer();
  auto order = w.book.Place("alice", offer, w.Request("r"));
  REQUIRE(order.ok());

  auto check = w.book.Verify(w.Shop(), {.token = order->receipt().token()});
  REQUIRE(check.ok());
  CHECK(check->not_redeemable.empty());
  CHECK(check->order.id() == order->id());

  // Another merchant's shop does not even find it.
  CHECK(w.book.Redeem(w.ShopOf(w.other_merchant), {.token = order->receipt().token()})
            .status()
            .code() == absl::StatusCode::kNotFound);
  CHECK(w.book.Redeem(w.ShopOf(w.other_merchant), {.number = order->receipt().number()})
            .status()
            .code() == absl::StatusCode::kNotFound);

  const std::string number = order->receipt().number();
  auto done = w.book.Redeem(w.Shop(), {.number = number.substr(0, 4) + "-" + number.substr(4)});
  REQUIRE(done.ok());
  CHECK(done->order.state() == v1::Order::REDEEMED);
  CHECK(done->redemption.amount().minor() == 1990);
  CHECK(done->redemption.payment_provider() == "pay_at_shop");

  auto twice = w.book.Redeem(w.Shop(), {.token = order->receipt().token()});
  CHECK(twice.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(twice.status().message().find("already redeemed at 2026-01-01") != std::string::npos);
  CHECK(w.RedemptionCount(order->id()) == 1);
  CHECK_FALSE(w.book.Verify(w.Shop(), {.token = order->receipt().token()})->not_redeemable.empty());
}

TEMPLATE_TEST_CASE("Two shops redeeming one receipt at once: exactly one succeeds", "",
                   testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  auto order = w.book.Place("alice", w.NewOffer(), w.Request("race"));
  REQUIRE(order.ok());
  std::atomic<int> ok{0}, already{0};
  std::vector<std::thread> counters;
  for (int i = 0; i < 6; ++i) {
    counters.emplace_back([&] {
      auto r = w.book.Redeem(w.Shop(), {.token = order->receipt().token()});
      if (r.ok()) ++ok;
      if (r.status().code() == absl::StatusCode::kAlreadyExists) ++already;
    });
  }
  for (auto& t : counters) t.join();
  CHECK(ok == 1);
  CHECK(already == 5);
}

TEMPLATE_TEST_CASE("Forged and altered tokens are refused, naming the token", "",
                   testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  auto order = w.book.Place("alice", w.NewOffer(), w.Request("t"));
  REQUIRE(order.ok());
  std::string altered = order->receipt().token();
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& token : {altered, std::string("NOTATOKEN"), std::string(188, 'A')}) {
    auto r = w.book.Redeem(w.Shop(), {.token = token});
    INFO(token);
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(core::FieldViolations(r.status())[0].field == "token");
  }
  // A genuine token signed with another key is a forgery too.
  auto other_key = *core::ReceiptSigner::FromSeed(std::string(32, 'x'));
  auto forged = other_key.Sign(
      {order->id(), order->campaign_id(), w.merchant, w.clock.Now() + absl::Hours(1)});
  REQUIRE(forged.ok());
  CHECK(w.book.Redeem(w.Shop(), {.token = *forged}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(w.RedemptionCount(order->id()) == 0);
  // Neither or both of token and number is a mistake too.
  CHECK(w.book.Redeem(w.Shop(), {}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(w.book.Redeem(w.Shop(), {.number = "1234"}).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEMPLATE_TEST_CASE("A cancelled or expired receipt cannot be redeemed, and only its buyer cancels",
                   "", testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const Offer offer = w.NewOffer(/*stock=*/2);
  auto order = w.book.Place("alice", offer, w.Request("c"));
  REQUIRE(order.ok());
  CHECK(w.book.Cancel("bob", order->id()).status().code() == absl::StatusCode::kNotFound);
  REQUIRE(w.book.Cancel("alice", order->id()).ok());
  CHECK(w.StockLeft(offer.id) == 2);  // the stock came back
  CHECK(w.book.Cancel("alice", order->id()).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  auto cancelled = w.book.Redeem(w.Shop(), {.token = order->receipt().token()});
  CHECK(cancelled.status().message() == "cannot redeem: the order was cancelled");

  auto later = w.book.Place("alice", offer, w.Request("e"));
  REQUIRE(later.ok());
  w.clock.Advance(absl::Hours(24 * 31));  // past the default 30 days
  CHECK(w.book.Redeem(w.Shop(), {.token = later->receipt().token()}).status().message() ==
        "cannot redeem: the receipt has expired");
}

TEMPLATE_TEST_CASE(
    "Each change of an order is published once, in its unit, without what redeems it", "",
    testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const Offer offer = w.NewOffer(/*stock=*/2);
  auto a = w.book.Place("alice", offer, w.Request("a1"));
  REQUIRE(a.ok());
  REQUIRE(w.book.Place("alice", offer, w.Request("a1")).ok());  // a retry: no second event
  auto b = w.book.Place("bob", offer, w.Request("b1"));
  REQUIRE(b.ok());
  CHECK(w.book.Place("carol", offer, w.Request("c1")).status().code() ==
        absl::StatusCode::kFailedPrecondition);  // sold out: nothing published
  REQUIRE(w.book.Redeem(w.Shop(), {a->receipt().token(), ""}).ok());
  CHECK_FALSE(w.book.Redeem(w.Shop(), {a->receipt().token(), ""}).ok());
  REQUIRE(w.book.Cancel("bob", b->id()).ok());

  const auto events = w.events();
  REQUIRE(events.size() == 4);
  const std::vector<std::pair<std::string, std::string>> expected = {{kOrderPlaced, a->id()},
                                                                     {kOrderPlaced, b->id()},
                                                                     {kOrderRedeemed, a->id()},
                                                                     {kOrderCancelled, b->id()}};
  for (size_t i = 0; i < events.size(); ++i) {
    const store::OutboxEvent& e = events[i].second;
    CHECK(e.stream == kOrderStream);
    CHECK(e.type == expected[i].first);
    v1::Order published;
    REQUIRE(google::protobuf::util::JsonStringToMessage(e.data, &published).ok());
    CHECK(published.id() == expected[i].second);
    CHECK(published.campaign_id() == offer.id);
    CHECK(published.receipt().token().empty());
    CHECK(published.receipt().number().empty());
    CHECK(published.receipt().has_expire_time());
    CHECK(e.data.find(a->receipt().token()) == std::string::npos);
  }
  v1::Order redeemed;
  REQUIRE(google::protobuf::util::JsonStringToMessage(events[2].second.data, &redeemed).ok());
  CHECK(redeemed.state() == v1::Order::REDEEMED);
  CHECK(redeemed.has_redeem_time());
}

TEMPLATE_TEST_CASE("A redeemed order is refunded once by its merchant, a retry answers the same",
                   "", testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const v1::Order order = w.RedeemedOrder("alice", "o1");
  w.clock.Advance(absl::Hours(1));
  auto refunded = w.book.Refund(w.Owner(), w.Refund(order, "refund-1", "  the dish was cold "));
  INFO(refunded.status());
  REQUIRE(refunded.ok());
  CHECK(refunded->state() == v1::Order::REFUNDED);
  CHECK(refunded->refund_reason() == "the dish was cold");
  CHECK(core::FromProto(refunded->refund_time()) == w.clock.Now());
  CHECK(refunded->total().minor() == 1990);
  CHECK(refunded->has_redeem_time());
  // The store keeps it, with who refunded it.
  auto stored = w.orders.Get(order.id());
  REQUIRE(stored.ok());
  CHECK(stored->state() == v1::Order::REFUNDED);
  CHECK(stored->refund_reason() == "the dish was cold");

  // The same request id, later: the same order, nothing written again.
  const size_t events = w.events().size();
  w.clock.Advance(absl::Minutes(5));
  auto again = w.book.Refund(w.Owner(), w.Refund(order, "refund-1"));
  REQUIRE(again.ok());
  CHECK(core::FromProto(again->refund_time()) == core::FromProto(refunded->refund_time()));
  CHECK(w.events().size() == events);

  // A new request id: refused, saying so, and nothing written.
  auto second = w.book.Refund(w.Owner(), w.Refund(order, "refund-2"));
  CHECK(second.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(second.status().message().find("already refunded at ") == 0);
  CHECK(w.events().size() == events);
  // A refunded receipt is not redeemed again either.
  CHECK(w.book.Redeem(w.Shop(), {.token = order.receipt().token()}).status().message() ==
        "cannot redeem: the order was redeemed and then refunded");
}

TEMPLATE_TEST_CASE(
    "A refund is refused before redemption, after the window and to another merchant", "",
    testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  auto placed = w.book.Place("alice", w.NewOffer(), w.Request("p"));
  REQUIRE(placed.ok());
  auto early = w.book.Refund(w.Owner(), w.Refund(*placed, "r-early"));
  CHECK(early.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(early.status().message().find("a CONFIRMED order cannot be refunded") == 0);

  const v1::Order order = w.RedeemedOrder("bob", "o2");
  // Another merchant's refund finds nothing, exactly as for a missing order.
  auto theirs = w.book.Refund(w.OwnerOf(w.other_merchant), w.Refund(order, "r-theirs"));
  CHECK(theirs.status().code() == absl::StatusCode::kNotFound);
  CHECK(theirs.status().message() == absl::StrCat("order ", order.id(), " not found"));
  auto missing = w.book.Refund(w.Owner(), {core::NewId(), "r-missing", "gone"});
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(missing.status().message().find(" not found") != std::string::npos);

  // A missing reason names the field; nothing is looked up.
  auto no_reason = w.book.Refund(w.Owner(), w.Refund(order, "r-empty", " "));
  CHECK(core::FieldViolations(no_reason.status())[0].field == "reason");

  // Past the window (30 days by default, and the center's own).
  w.clock.Advance(kDefaultRefundWindow + absl::Seconds(1));
  auto late = w.book.Refund(w.Owner(), w.Refund(order, "r-late"));
  CHECK(late.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(late.status().message().find("the refund window closed at ") == 0);
  OrderBook longer(w.runner(), w.orders, w.signer, w.payments, w.clock,
                   {.refund_window = absl::Hours(24 * 60)});
  CHECK(longer.Refund(w.Owner(), w.Refund(order, "r-late")).ok());
  CHECK(w.orders.Get(order.id())->state() == v1::Order::REFUNDED);
}

TEMPLATE_TEST_CASE("A refund's request id refunds one order: reused for another, it is refused", "",
                   testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const v1::Order a = w.RedeemedOrder("alice", "a");
  const v1::Order b = w.RedeemedOrder("bob", "b");
  REQUIRE(w.book.Refund(w.Owner(), w.Refund(a, "same")).ok());
  const size_t events = w.events().size();
  auto reused = w.book.Refund(w.Owner(), w.Refund(b, "same"));
  CHECK(core::FieldViolations(reused.status())[0].field == "requestId");
  CHECK(w.orders.Get(b.id())->state() == v1::Order::REDEEMED);
  CHECK(w.events().size() == events);
  // Another merchant's request ids are their own.
  const v1::Order theirs = [&] {
    Offer offer = w.NewOffer();
    offer.merchant_id = w.other_merchant;
    auto placed = w.book.Place("carol", offer, w.Request("c"));
    REQUIRE(placed.ok());
    auto done = w.book.Redeem(w.ShopOf(w.other_merchant), {.token = placed->receipt().token()});
    REQUIRE(done.ok());
    return done->order;
  }();
  CHECK(w.book.Refund(w.OwnerOf(w.other_merchant), w.Refund(theirs, "same")).ok());
}

TEMPLATE_TEST_CASE(
    "Refunds racing on one order: one refunds, the retry answers, the rest are refused", "",
    testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const v1::Order order = w.RedeemedOrder("alice", "race");
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> shops;
  for (int i = 0; i < 6; ++i) {
    shops.emplace_back([&, i] {
      // Two tries of one request, four other requests.
      auto r = w.book.Refund(w.Owner(), w.Refund(order, i < 2 ? "one" : absl::StrCat("r", i)));
      (r.ok() ? ok : refused)++;
    });
  }
  for (auto& t : shops) t.join();
  int refunded_events = 0;
  for (const auto& [id, e] : w.events()) refunded_events += e.type == kOrderRefunded;
  CHECK(refunded_events == 1);
  // Either "one" won (its two tries succeed) or one of the others did.
  CHECK(((ok == 2 && refused == 4) || (ok == 1 && refused == 5)));
}

TEMPLATE_TEST_CASE("A refund is published as order.refunded in its unit, with its time and reason",
                   "", testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  const v1::Order order = w.RedeemedOrder("alice", "e");
  REQUIRE(w.book.Refund(w.Owner(), w.Refund(order, "r", "wrong dish")).ok());
  REQUIRE(w.book.Refund(w.Owner(), w.Refund(order, "r", "wrong dish")).ok());  // a retry
  const auto events = w.events();
  REQUIRE(events.size() == 3);  // placed, redeemed, refunded
  const store::OutboxEvent& e = events[2].second;
  CHECK(e.stream == kOrderStream);
  CHECK(e.type == kOrderRefunded);
  v1::Order published;
  REQUIRE(google::protobuf::util::JsonStringToMessage(e.data, &published).ok());
  CHECK(published.id() == order.id());
  CHECK(published.state() == v1::Order::REFUNDED);
  CHECK(published.total().minor() == 1990);
  CHECK(published.total().currency() == "CNY");
  CHECK(core::FromProto(published.redeem_time()) == core::FromProto(order.redeem_time()));
  CHECK(published.has_refund_time());
  CHECK(published.refund_reason() == "wrong dish");
  CHECK(published.receipt().token().empty());
  CHECK(published.receipt().number().empty());
}

}  // namespace
}  // namespace qrcloud::ordering

namespace qrcloud::ordering {
namespace {

TEMPLATE_TEST_CASE("An order with lines is priced by its lines and published with them", "",
                   testing::MemoryStores, testing::SqliteStores) {
  World<TestType> w;
  PlaceRequest req = w.Request("table-1");
  v1::OrderItem noodles;
  noodles.set_menu_item_id("noodles");
  noodles.set_name("牛肉面");
  noodles.set_quantity(2);
  noodles.mutable_unit_price()->set_currency("CNY");
  noodles.mutable_unit_price()->set_minor(1800);
  v1::OrderItem tea = noodles;
  tea.set_menu_item_id("tea");
  tea.set_quantity(1);
  tea.mutable_unit_price()->set_minor(500);
  req.items = {noodles, tea};
  req.table = "A1";
  req.landing_node_id = core::NewId();
  auto placed = w.book.Place("guest", w.NewOffer(), req);
  INFO(placed.status());
  REQUIRE(placed.ok());
  CHECK(placed->quantity() == 3);
  CHECK(placed->total().minor() == 4100);
  CHECK(placed->items_size() == 2);
  CHECK(placed->table() == "A1");
  // A cloud order book leaves the desk's status alone.
  CHECK(placed->landing_status() == v1::Order::LANDING_STATUS_UNSPECIFIED);
  auto events = w.events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].second.data.find("\"table\":\"A1\"") != std::string::npos);
  CHECK(events[0].second.data.find("牛肉面") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::ordering
