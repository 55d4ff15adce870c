// The order and receipt rules of qrcloud, on any store: an order takes stock
// and the buyer's allowance atomically and never oversells; the same request
// id gives the same order; a receipt is a signed token that is verified
// offline and redeemed exactly once. The center runs it on MySQL, a landing
// node on SQLite, unit tests on memory.
//
//   OrderBook book(runner, store, signer, payments, clock, {.source = v1::Order::CLOUD});
//   QRCLOUD_ASSIGN_OR_RETURN(v1::Order order, book.Place(account_id, offer, request));
//   ...
//   QRCLOUD_ASSIGN_OR_RETURN(Redeemed done, book.Redeem(redeemer, {.token = token}));
//   ...
//   QRCLOUD_ASSIGN_OR_RETURN(v1::Order refunded, book.Refund(refunder, request));
#ifndef QRCLOUD_LIBS_ORDERING_ORDER_BOOK_H_
#define QRCLOUD_LIBS_ORDERING_ORDER_BOOK_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/core/clock.h"
#include "libs/core/receipt_token.h"
#include "libs/ordering/offer.h"
#include "libs/ordering/order_rules.h"
#include "libs/ordering/order_store.h"
#include "libs/ordering/payment.h"
#include "libs/ordering/stock_gate.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/order.pb.h"

namespace qrcloud::ordering {

// The order lifecycle, published through the outbox in the unit that makes
// each change: the `orders` stream, one entry per change, its data the order
// as JSON without what redeems it (the receipt's token and number). For the
// services that follow orders (personal wallets, settlement).
inline constexpr char kOrderStream[] = "orders";
inline constexpr char kOrderPlaced[] = "order.placed";
inline constexpr char kOrderRedeemed[] = "order.redeemed";
inline constexpr char kOrderCancelled[] = "order.cancelled";
// A redeemed order refunded by its merchant: state REFUNDED, with its
// refund_time and refund_reason (and, as always, total and redeem_time).
inline constexpr char kOrderRefunded[] = "order.refunded";

// The outbox event of `type` for `order`.
store::OutboxEvent OrderEvent(absl::string_view type, const v1::Order& order);

struct OrderBookOptions {
  v1::Order::Source source = v1::Order::CLOUD;
  // How long a receipt stays valid when its offer has no end.
  absl::Duration default_receipt_validity = absl::Hours(24 * 30);
  // How long after its redemption its merchant may refund an order.
  absl::Duration refund_window = kDefaultRefundWindow;
};

// Who redeems: a merchant's account (or staff, or its landing node).
struct Redeemer {
  std::string account_id;
  // Receipt numbers are looked up among this merchant's receipts.
  std::string merchant_id;
  // Whether they may redeem a receipt of `merchant_id`; another merchant's
  // receipt is "not found", exactly like a missing one.
  std::function<bool(absl::string_view merchant_id)> may_redeem;
};

// Who refunds: a merchant's account (owner or staff).
struct Refunder {
  std::string account_id;
  // Whether they may refund an order of `merchant_id`; another merchant's
  // order is "not found", exactly like a missing one.
  std::function<bool(absl::string_view merchant_id)> may_refund;
};

// A receipt as presented: its token (scanned) or its number (read aloud).
// Exactly one.
struct ReceiptRef {
  std::string token;
  std::string number;
};

struct Verification {
  v1::Order order;
  std::string not_redeemable;  // "" when it can be redeemed now
};

struct Redeemed {
  v1::Order order;
  v1::Redemption redemption;
};

class OrderBook {
 public:
  // `gate` may be null (no gate in front of the stock).
  OrderBook(store::TxRunner& runner, OrderStore& orders, const core::ReceiptSigner& signer,
            PaymentProvider& payments, const core::Clock& clock, OrderBookOptions options,
            StockGate* gate = nullptr)
      : runner_(runner),
        orders_(orders),
        signer_(signer),
        payments_(payments),
        clock_(clock),
        options_(options),
        gate_(gate) {}

  // Places an order of `offer` for `account_id`. The caller has checked what
  // is particular to its offers (a campaign is published and takes orders);
  // this checks the request, the window and the fence, takes the stock, and
  // signs the receipt. A request id used before returns that order (of the
  // same offer; INVALID_ARGUMENT naming requestId for another one). Sold out
  // and the per-person limit are FAILED_PRECONDITION saying which.
  absl::StatusOr<v1::Order> Place(absl::string_view account_id, const Offer& offer,
                                  const PlaceRequest& request);

  // The order `account_id` placed with `request_id`, if any: a retry answered
  // before the offer is even read.
  absl::StatusOr<std::optional<v1::Order>> Retried(absl::string_view account_id,
                                                   absl::string_view request_id);

  // The buyer cancels their CONFIRMED order; stock and allowance come back.
  // Another buyer's order is NOT_FOUND.
  absl::StatusOr<v1::Order> Cancel(absl::string_view account_id, absl::string_view order_id);

  // Whether the receipt can be redeemed now, and its order.
  absl::StatusOr<Verification> Verify(const Redeemer& redeemer, const ReceiptRef& receipt);

  // Redeems once: a second time is ALREADY_EXISTS saying when it was
  // redeemed; a cancelled or expired receipt is FAILED_PRECONDITION; a
  // forged or altered token is INVALID_ARGUMENT naming "token".
  absl::StatusOr<Redeemed> Redeem(const Redeemer& redeemer, const ReceiptRef& receipt);

  // The merchant refunds a redeemed order, once, within the refund window
  // (CheckRefundRequest and DecideRefund say what is refused, and how):
  // REFUNDED and `order.refunded` commit in one unit. A retry with the same
  // request id answers with the refunded order and writes nothing; the
  // request id reused for another order is INVALID_ARGUMENT naming
  // requestId.
  absl::StatusOr<v1::Order> Refund(const Refunder& refunder, const RefundRequest& request);

 private:
  v1::Order NewOrder(absl::string_view account_id, const Offer& offer, int32_t quantity,
                     const PlaceRequest& request, absl::Time now);
  // Writes the order, drawing another receipt number if it is taken.
  absl::StatusOr<Placed> Write(v1::Order& order, const Offer& offer, absl::string_view request_id);
  // Gives back what the gate let through for an order that was not written.
  void Return(const Offer& offer, int32_t quantity, Placed outcome, bool gate_taken);
  absl::StatusOr<v1::Order> Existing(absl::string_view account_id, absl::string_view request_id,
                                     absl::string_view offer_id);
  absl::StatusOr<v1::Order> Find(store::Tx& tx, const Redeemer& redeemer, const ReceiptRef& receipt,
                                 bool for_update);

  store::TxRunner& runner_;
  OrderStore& orders_;
  const core::ReceiptSigner& signer_;
  PaymentProvider& payments_;
  const core::Clock& clock_;
  const OrderBookOptions options_;
  StockGate* gate_;
};

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_ORDER_BOOK_H_
