// The rules an order and a receipt obey, as pure functions: what a request
// must carry, when an offer may be ordered, how long a receipt is good for,
// when it may be redeemed, who may refund it and when. OrderBook applies
// them; a test calls them alone.
#ifndef QRCLOUD_LIBS_ORDERING_ORDER_RULES_H_
#define QRCLOUD_LIBS_ORDERING_ORDER_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/core/money.h"
#include "libs/ordering/offer.h"
#include "qrcloud/v1/order.pb.h"

namespace qrcloud::ordering {

inline constexpr int kMaxQuantity = 100;
inline constexpr size_t kMaxRequestIdBytes = 128;
inline constexpr size_t kMaxRefundReasonChars = 200;
// How long after its redemption a merchant may refund an order, unless the
// center says otherwise (--refund_window).
inline constexpr absl::Duration kDefaultRefundWindow = absl::Hours(24 * 30);

// Where the buyer is, when they say.
struct Location {
  double lat = 0;
  double lng = 0;
};

// The bounds of an order with lines (a landing node's table order).
inline constexpr int kMaxLines = 30;
inline constexpr int kMaxLineQuantity = 50;

// An order as asked for.
struct PlaceRequest {
  std::string request_id;  // required: the same id returns the same order
  int32_t quantity = 0;    // 0 means 1
  std::optional<Location> location;
  std::string platform_code;  // the partner platform it came through, if any
  // The buyer's device (CallContext::device), for the order.placed event
  // only (Order.buyer_device): not stored, not answered.
  std::string device;
  // An order of several items (a landing node's table order; empty at the
  // center): each line's menu item, name, quantity and unit price, as the
  // offer's owner priced them. With lines the order's quantity is their sum
  // (`quantity` is ignored) and its total their sum of unit price x
  // quantity; the offer's own price is not used.
  std::vector<v1::OrderItem> items;
  // Where a landing order was placed: the table and the node.
  std::string table;
  std::string landing_node_id;
};

// The quantity the request asks for, after its own checks (request id,
// quantity 1 to 100, a valid location and platform code); INVALID_ARGUMENT
// naming the field otherwise.
absl::StatusOr<int32_t> CheckRequest(const PlaceRequest& req);

// An order's lines: 1 to kMaxLines, each a menu item id, 1 to
// kMaxLineQuantity, a unit price of one currency and not negative; at most
// kMaxQuantity items in all. Their quantity and total; INVALID_ARGUMENT
// naming "items" (or "items[i].quantity") otherwise.
struct LinesTotal {
  int32_t quantity = 0;
  core::Money total = core::Money::Zero("CNY");
};
absl::StatusOr<LinesTotal> CheckLines(const std::vector<v1::OrderItem>& items);

// OK if `offer` may be ordered at `now` from where the request says: inside
// its window, and inside its fence (which then needs a location).
// FAILED_PRECONDITION before the start or from the end on, INVALID_ARGUMENT
// naming "location" when a fenced offer gets none, PERMISSION_DENIED with the
// distance and the radius outside the fence.
absl::Status CheckOrderable(const Offer& offer, const PlaceRequest& req, absl::Time now);

// A receipt is good until the offer ends, or `default_validity` after the
// order when the offer has no end; truncated to whole minutes, as the token
// carries it.
absl::Time ReceiptExpiry(const Offer& offer, absl::Time now, absl::Duration default_validity);

// Why `order` cannot be redeemed at `now`, or "" if it can.
std::string NotRedeemable(const v1::Order& order, absl::Time now);

// A refund as the merchant asks for it.
struct RefundRequest {
  std::string order_id;
  std::string request_id;  // required: the same id returns the same order, refunded once
  std::string reason;      // required
};

// The reason a refund is recorded with: `req.reason` trimmed of surrounding
// whitespace, 1 to 200 characters of valid UTF-8 without control characters
// (tab and newline are text). INVALID_ARGUMENT naming "requestId" (missing or
// over 128 bytes) or "reason" otherwise.
absl::StatusOr<std::string> CheckRefundRequest(const RefundRequest& req);

// What a refund finds when it looks at the order, under its lock.
struct RefundFacts {
  // Whether the caller is the order's merchant (its owner or staff).
  bool merchant_may_refund = false;
  // The request id and reason the order was refunded with; empty if it
  // was not.
  std::string refunded_with;
  std::string refunded_reason;
};

enum class RefundVerdict {
  kRefund,   // refund it now
  kRetried,  // this request refunded it already: answer with the order as it is
};

// Whether `order` is refunded by `req` (its reason as CheckRefundRequest
// made it) at `now`, in this order:
//  - another merchant's order is NOT_FOUND, exactly like a missing one;
//  - a refunded order is kRetried for the request id that refunded it (the
//    same reason: another one is INVALID_ARGUMENT naming "requestId"), and
//    FAILED_PRECONDITION "already refunded" for any other request id;
//  - only a REDEEMED order is refunded: any other state is
//    FAILED_PRECONDITION naming it;
//  - only until `window` after its redemption: FAILED_PRECONDITION saying
//    when the window closed.
absl::StatusOr<RefundVerdict> DecideRefund(const v1::Order& order, const RefundFacts& facts,
                                           const RefundRequest& req, absl::Time now,
                                           absl::Duration window);

// "1234-5678", " 12345678 " → "12345678"; INVALID_ARGUMENT naming "number"
// for anything but 8 digits.
absl::StatusOr<std::string> NormalizeReceiptNumber(absl::string_view number);

// Eight random digits.
std::string NewReceiptNumber();

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_ORDER_RULES_H_
