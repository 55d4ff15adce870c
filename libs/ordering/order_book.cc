#include "libs/ordering/order_book.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::ordering {
namespace {

absl::Status NotFound(absl::string_view what) {
  return absl::NotFoundError(absl::StrCat(what, " not found"));
}

absl::Status SoldOut(const Offer& offer) {
  return absl::FailedPreconditionError(
      absl::StrCat("sold out: all ", offer.stock, " have been ordered"));
}

absl::Status LimitReached(const Offer& offer) {
  return absl::FailedPreconditionError(absl::StrCat("the limit is ", offer.per_person_limit,
                                                    " per person, and you have reached it"));
}

// A missing order, or one the caller may not see, reads the same.
absl::Status Hidden(const absl::Status& s, absl::string_view what) {
  return s.ok() || s.code() == absl::StatusCode::kNotFound ? NotFound(what) : s;
}

}  // namespace

// Rolls back the unit of an order that was not placed.
constexpr char kNotPlaced[] = "not placed";

store::OutboxEvent OrderEvent(absl::string_view type, const v1::Order& order) {
  v1::Order published = order;
  // The token and the number redeem the order: they stay with the buyer.
  published.mutable_receipt()->clear_token();
  published.mutable_receipt()->clear_number();
  published.mutable_receipt()->clear_image_url();
  std::string data;
  (void)google::protobuf::util::MessageToJsonString(published, &data);
  return {kOrderStream, std::string(type), std::move(data)};
}

absl::StatusOr<v1::Order> OrderBook::Place(absl::string_view account_id, const Offer& offer,
                                           const PlaceRequest& request) {
  QRCLOUD_ASSIGN_OR_RETURN(const int32_t quantity, CheckRequest(request));
  const absl::Time now = core::ToMicros(clock_.Now());
  QRCLOUD_RETURN_IF_ERROR(CheckOrderable(offer, request, now));
  // The gate turns a rush away before the store; the store decides.
  bool gate_taken = false;
  if (offer.limited() && gate_ != nullptr) {
    auto verdict = gate_->Take(offer.id, quantity);
    if (verdict.ok() && *verdict == StockGate::Verdict::kSoldOut) return SoldOut(offer);
    gate_taken = verdict.ok();
  }
  v1::Order order = NewOrder(account_id, offer, quantity, request, now);
  absl::StatusOr<Placed> placed = [&]() -> absl::StatusOr<Placed> {
    core::Money total = offer.price;
    if (request.items.empty()) {
      QRCLOUD_ASSIGN_OR_RETURN(total, offer.price.Multiply(quantity));
    } else {
      QRCLOUD_ASSIGN_OR_RETURN(LinesTotal lines, CheckLines(request.items));
      total = lines.total;
    }
    order.mutable_total()->set_currency(total.currency());
    order.mutable_total()->set_minor(total.minor());
    const absl::Time expiry = ReceiptExpiry(offer, now, options_.default_receipt_validity);
    QRCLOUD_ASSIGN_OR_RETURN(*order.mutable_receipt()->mutable_token(),
                             signer_.Sign({order.id(), offer.id, offer.merchant_id, expiry}));
    core::ToProto(expiry, order.mutable_receipt()->mutable_expire_time());
    return Write(order, offer, request.request_id);
  }();
  if (!placed.ok() || *placed != Placed::kCreated) {
    Return(offer, quantity, placed.ok() ? *placed : Placed::kCreated, gate_taken);
  }
  if (!placed.ok()) return placed.status();
  switch (*placed) {
    case Placed::kCreated:
      return order;
    case Placed::kSoldOut:
      return SoldOut(offer);
    case Placed::kLimitReached:
      return LimitReached(offer);
    case Placed::kDuplicateRequest:  // a concurrent retry of this request won
      return Existing(account_id, request.request_id, offer.id);
    case Placed::kReceiptNumberTaken:
      break;
  }
  return absl::InternalError("could not find a free receipt number");
}

v1::Order OrderBook::NewOrder(absl::string_view account_id, const Offer& offer, int32_t quantity,
                              const PlaceRequest& request, absl::Time now) {
  v1::Order order;
  order.set_id(core::NewId());
  order.set_campaign_id(offer.id);
  order.set_merchant_id(offer.merchant_id);
  order.set_account_id(std::string(account_id));
  order.set_quantity(quantity);
  order.set_state(v1::Order::CONFIRMED);
  order.set_source(options_.source);
  order.set_platform_code(request.platform_code);
  order.set_buyer_device(request.device);
  core::ToProto(now, order.mutable_create_time());
  for (const v1::OrderItem& line : request.items) *order.add_items() = line;
  order.set_table(request.table);
  order.set_landing_node_id(request.landing_node_id);
  if (order.source() == v1::Order::LANDING) order.set_landing_status(v1::Order::PLACED);
  return order;
}

absl::StatusOr<Placed> OrderBook::Write(v1::Order& order, const Offer& offer,
                                        absl::string_view request_id) {
  // Made before the unit (it holds neither the receipt's number nor its
  // token), so that the unit's time, and the locks held through it, is the
  // database's alone.
  const store::OutboxEvent placed_event = OrderEvent(kOrderPlaced, order);
  for (int attempt = 0;; ++attempt) {
    order.mutable_receipt()->set_number(NewReceiptNumber());
    absl::StatusOr<Placed> placed = Placed::kCreated;
    const absl::Status unit = runner_.Run([&](store::Tx& tx) -> absl::Status {
      // The event first: the order's own write is the one that locks the
      // campaign's row (its stock), so it comes last and the lock is held
      // only until the commit, not through another statement.
      QRCLOUD_RETURN_IF_ERROR(tx.AppendEvent(placed_event).status());
      placed = orders_.Place(tx, order, offer, request_id);
      if (!placed.ok()) return placed.status();
      // Not placed (sold out, a limit, a duplicate): undo the event.
      if (*placed != Placed::kCreated) return absl::CancelledError(kNotPlaced);
      return absl::OkStatus();
    });
    if (!unit.ok() &&
        !(unit.code() == absl::StatusCode::kCancelled && unit.message() == kNotPlaced)) {
      placed = unit;
    }
    // A taken receipt number: draw another. A deadlock: the store rolled the
    // step back whole, so it runs again as if for the first time.
    if (placed.ok() && *placed == Placed::kReceiptNumberTaken && attempt < 5) continue;
    if (placed.status().code() == absl::StatusCode::kAborted && attempt < 3) continue;
    return placed;
  }
}

void OrderBook::Return(const Offer& offer, int32_t quantity, Placed outcome, bool gate_taken) {
  if (!gate_taken) return;
  if (outcome == Placed::kSoldOut) {
    // The gate let through what the store had not: they disagree.
    (void)gate_->Reconcile(offer.id);
  } else {
    gate_->Give(offer.id, quantity);
  }
}

absl::StatusOr<v1::Order> OrderBook::Existing(absl::string_view account_id,
                                              absl::string_view request_id,
                                              absl::string_view offer_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto existing, orders_.FindByRequest(account_id, request_id));
  if (!existing) return absl::AbortedError("the order with this requestId is not readable yet");
  if (existing->campaign_id() != offer_id) {
    return core::InvalidField("requestId", "was already used for an order of another campaign");
  }
  return *std::move(existing);
}

absl::StatusOr<std::optional<v1::Order>> OrderBook::Retried(absl::string_view account_id,
                                                            absl::string_view request_id) {
  return orders_.FindByRequest(account_id, request_id);
}

absl::StatusOr<v1::Order> OrderBook::Cancel(absl::string_view account_id,
                                            absl::string_view order_id) {
  const std::string what = absl::StrCat("order ", order_id);
  bool limited = false;
  v1::Order out;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    auto order = orders_.Get(tx, order_id, /*for_update=*/true);
    if (!order.ok() || order->account_id() != account_id) return Hidden(order.status(), what);
    if (order->state() != v1::Order::CONFIRMED) {
      return absl::FailedPreconditionError(
          absl::StrCat("a ", v1::Order::State_Name(order->state()),
                       " order cannot be cancelled; only a CONFIRMED one"));
    }
    QRCLOUD_ASSIGN_OR_RETURN(limited,
                             orders_.MarkCancelled(tx, *order, core::ToMicros(clock_.Now())));
    QRCLOUD_ASSIGN_OR_RETURN(out, orders_.Get(tx, order_id, /*for_update=*/false));
    return tx.AppendEvent(OrderEvent(kOrderCancelled, out)).status();
  }));
  if (limited && gate_ != nullptr) gate_->Give(out.campaign_id(), out.quantity());
  return out;
}

absl::StatusOr<v1::Order> OrderBook::Find(store::Tx& tx, const Redeemer& redeemer,
                                          const ReceiptRef& receipt, bool for_update) {
  if (receipt.token.empty() == receipt.number.empty()) {
    return core::InvalidField("token", "give exactly one of token or number");
  }
  if (!receipt.token.empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(core::ReceiptClaims claims,
                             core::VerifyReceipt(receipt.token, signer_.public_key()));
    if (!redeemer.may_redeem(claims.merchant_id)) return NotFound("receipt");
    auto order = orders_.Get(tx, claims.order_id, for_update);
    if (!order.ok()) return Hidden(order.status(), "receipt");
    return order;
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::string number, NormalizeReceiptNumber(receipt.number));
  if (redeemer.merchant_id.empty()) return NotFound("receipt");
  auto order = orders_.GetByReceiptNumber(tx, redeemer.merchant_id, number, for_update);
  if (!order.ok()) return Hidden(order.status(), "receipt");
  return order;
}

absl::StatusOr<Verification> OrderBook::Verify(const Redeemer& redeemer,
                                               const ReceiptRef& receipt) {
  Verification out;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(out.order, Find(tx, redeemer, receipt, /*for_update=*/false));
    return absl::OkStatus();
  }));
  out.not_redeemable = NotRedeemable(out.order, clock_.Now());
  return out;
}

absl::StatusOr<Redeemed> OrderBook::Redeem(const Redeemer& redeemer, const ReceiptRef& receipt) {
  Redeemed out;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Order order, Find(tx, redeemer, receipt, /*for_update=*/true));
    if (order.state() == v1::Order::REDEEMED) {
      return absl::AlreadyExistsError(absl::StrCat(
          "this receipt was already redeemed at ",
          absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", core::FromProto(order.redeem_time()),
                           absl::UTCTimeZone())));
    }
    const absl::Time now = core::ToMicros(clock_.Now());
    if (std::string why = NotRedeemable(order, now); !why.empty()) {
      return absl::FailedPreconditionError(absl::StrCat("cannot redeem: ", why));
    }
    v1::Redemption& r = out.redemption;
    r.set_id(core::NewId());
    r.set_order_id(order.id());
    r.set_merchant_id(order.merchant_id());
    r.set_redeemed_by(redeemer.account_id);
    *r.mutable_amount() = order.total();
    QRCLOUD_ASSIGN_OR_RETURN(core::Money amount,
                             core::Money::Of(order.total().currency(), order.total().minor()));
    QRCLOUD_ASSIGN_OR_RETURN(Payment payment, payments_.Settle(order.id(), r.id(), amount));
    r.set_payment_provider(payment.provider);
    core::ToProto(now, r.mutable_redeem_time());
    QRCLOUD_RETURN_IF_ERROR(orders_.InsertRedemption(tx, r));
    QRCLOUD_RETURN_IF_ERROR(orders_.MarkRedeemed(tx, order.id(), now));
    order.set_state(v1::Order::REDEEMED);
    // At a landing desk a redeemed order is a settled one.
    if (order.source() == v1::Order::LANDING) order.set_landing_status(v1::Order::SETTLED);
    core::ToProto(now, order.mutable_redeem_time());
    out.order = std::move(order);
    return tx.AppendEvent(OrderEvent(kOrderRedeemed, out.order)).status();
  }));
  return out;
}

absl::StatusOr<v1::Order> OrderBook::Refund(const Refunder& refunder,
                                            const RefundRequest& request) {
  RefundRequest req = request;
  QRCLOUD_ASSIGN_OR_RETURN(req.reason, CheckRefundRequest(request));
  v1::Order out;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    auto order = orders_.Get(tx, req.order_id, /*for_update=*/true);
    if (!order.ok()) return Hidden(order.status(), absl::StrCat("order ", req.order_id));
    RefundFacts facts{.merchant_may_refund = refunder.may_refund(order->merchant_id())};
    if (facts.merchant_may_refund) {
      QRCLOUD_ASSIGN_OR_RETURN(std::optional<RefundRecord> done,
                               orders_.GetRefund(tx, order->id()));
      if (done) {
        facts.refunded_with = done->request_id;
        facts.refunded_reason = done->reason;
      }
    }
    const absl::Time now = core::ToMicros(clock_.Now());
    QRCLOUD_ASSIGN_OR_RETURN(RefundVerdict verdict,
                             DecideRefund(*order, facts, req, now, options_.refund_window));
    out = *std::move(order);
    if (verdict == RefundVerdict::kRetried) return absl::OkStatus();
    const absl::Status marked = orders_.MarkRefunded(
        tx, {out.id(), out.merchant_id(), req.request_id, refunder.account_id, req.reason, now});
    if (marked.code() == absl::StatusCode::kAlreadyExists) {
      return core::InvalidField(
          "requestId", absl::StrCat("\"", req.request_id,
                                    "\" already refunded another order; use a new request id"));
    }
    QRCLOUD_RETURN_IF_ERROR(marked);
    out.set_state(v1::Order::REFUNDED);
    core::ToProto(now, out.mutable_refund_time());
    out.set_refund_reason(req.reason);
    return tx.AppendEvent(OrderEvent(kOrderRefunded, out)).status();
  }));
  return out;
}

}  // namespace qrcloud::ordering
