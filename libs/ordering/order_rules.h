// The rules an order and a receipt obey, as pure functions: what a request
// must carry, when an offer may be ordered, how long a receipt is good for,
// when it may be redeemed. OrderBook applies them; a test calls them alone.
#ifndef QRCLOUD_LIBS_ORDERING_ORDER_RULES_H_
#define QRCLOUD_LIBS_ORDERING_ORDER_RULES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/ordering/offer.h"
#include "qrcloud/v1/order.pb.h"

namespace qrcloud::ordering {

inline constexpr int kMaxQuantity = 100;
inline constexpr size_t kMaxRequestIdBytes = 128;

// Where the buyer is, when they say.
struct Location {
  double lat = 0;
  double lng = 0;
};

// An order as asked for.
struct PlaceRequest {
  std::string request_id;  // required: the same id returns the same order
  int32_t quantity = 0;    // 0 means 1
  std::optional<Location> location;
  std::string platform_code;  // the partner platform it came through, if any
};

// The quantity the request asks for, after its own checks (request id,
// quantity 1 to 100, a valid location and platform code); INVALID_ARGUMENT
// naming the field otherwise.
absl::StatusOr<int32_t> CheckRequest(const PlaceRequest& req);

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

// "1234-5678", " 12345678 " → "12345678"; INVALID_ARGUMENT naming "number"
// for anything but 8 digits.
absl::StatusOr<std::string> NormalizeReceiptNumber(absl::string_view number);

// Eight random digits.
std::string NewReceiptNumber();

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_ORDER_RULES_H_
