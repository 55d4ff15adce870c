// Where orders live, as the order rules need it: the center keeps them in
// MySQL (services/center/order_store.h), a landing node in SQLite, a unit
// test in memory (memory_order_store.h). Every implementation keeps the same
// guarantees; the rules that decide (OrderBook) are not repeated in any.
#ifndef QRCLOUD_LIBS_ORDERING_ORDER_STORE_H_
#define QRCLOUD_LIBS_ORDERING_ORDER_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/ordering/offer.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/order.pb.h"

namespace qrcloud::ordering {

enum class Placed {
  kCreated,
  // Taking the quantity would have gone below zero: nothing was written.
  kSoldOut,
  // The buyer would go over the offer's per-person limit: nothing written.
  kLimitReached,
  // The buyer already placed an order with this request id.
  kDuplicateRequest,
  // The receipt number is taken at this merchant: draw another and retry.
  kReceiptNumberTaken,
};

// Which orders to list: one buyer's or one merchant's, newest first.
struct OrderFilter {
  std::string account_id;  // one of account_id and merchant_id is set
  std::string merchant_id;
  std::string offer_id;  // optional
  v1::Order::State state = v1::Order::STATE_UNSPECIFIED;
  v1::Order::Source source = v1::Order::SOURCE_UNSPECIFIED;
  std::optional<absl::Time> from, to;  // creation time, [from, to)
  std::string before_id;               // page token: ids below this one
  int limit = 50;
};

// A refund, as recorded with its order.
struct RefundRecord {
  std::string order_id;
  std::string merchant_id;
  std::string request_id;   // unique per merchant
  std::string refunded_by;  // the merchant's account (owner or staff) that refunded
  std::string reason;
  absl::Time time;
};

class OrderStore {
 public:
  virtual ~OrderStore() = default;

  // Writes `order` in `tx`: the buyer's count against `offer`'s per-person
  // limit and the offer's stock (when limited) change with it or not at
  // all. Unique on (buyer, request id) and on (merchant, receipt number).
  // Any outcome but kCreated writes nothing.
  virtual absl::StatusOr<Placed> Place(store::Tx& tx, const v1::Order& order, const Offer& offer,
                                       absl::string_view request_id) = 0;

  // The order the buyer placed with `request_id`, any offer; nullopt if none.
  virtual absl::StatusOr<std::optional<v1::Order>> FindByRequest(absl::string_view account_id,
                                                                 absl::string_view request_id) = 0;

  // NOT_FOUND naming the order when there is none. `for_update` locks it to
  // the unit of work; the first form reads outside any unit.
  virtual absl::StatusOr<v1::Order> Get(absl::string_view id) = 0;
  virtual absl::StatusOr<v1::Order> Get(store::Tx& tx, absl::string_view id, bool for_update) = 0;
  virtual absl::StatusOr<v1::Order> GetByReceiptNumber(store::Tx& tx, absl::string_view merchant_id,
                                                       absl::string_view number,
                                                       bool for_update) = 0;
  virtual absl::StatusOr<std::vector<v1::Order>> List(const OrderFilter& filter) = 0;

  // CANCELLED at `now`; the stock of a limited offer and the buyer's
  // allowance come back. True if the offer was limited (its gate gets the
  // quantity back too).
  virtual absl::StatusOr<bool> MarkCancelled(store::Tx& tx, const v1::Order& order,
                                             absl::Time now) = 0;

  // Records a redemption. ALREADY_EXISTS if the order has one: the last word
  // on a race between two redemptions of one receipt.
  virtual absl::Status InsertRedemption(store::Tx& tx, const v1::Redemption& redemption) = 0;
  virtual absl::Status MarkRedeemed(store::Tx& tx, absl::string_view order_id, absl::Time now) = 0;

  // The refund of `order_id`; nullopt if it was not refunded.
  virtual absl::StatusOr<std::optional<RefundRecord>> GetRefund(store::Tx& tx,
                                                                absl::string_view order_id) = 0;
  // REFUNDED at `refund.time`, with its reason (the order's refund_time and
  // refund_reason), who refunded it and the request id. ALREADY_EXISTS,
  // writing nothing, when the merchant's request id refunded another order:
  // unique on (merchant, request id).
  virtual absl::Status MarkRefunded(store::Tx& tx, const RefundRecord& refund) = 0;
};

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_ORDER_STORE_H_
