#include "libs/ordering/order_rules.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/encoding.h"
#include "libs/core/geo.h"
#include "libs/core/proto_time.h"
#include "libs/core/scan_event.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"

namespace qrcloud::ordering {
namespace {

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

// "30 days", or absl's form for a window of hours ("36h").
std::string Span(absl::Duration d) {
  const absl::Duration day = absl::Hours(24);
  if (d >= day && d % day == absl::ZeroDuration()) {
    const int64_t days = d / day;
    return absl::StrCat(days, days == 1 ? " day" : " days");
  }
  return absl::FormatDuration(d);
}

}  // namespace

absl::StatusOr<int32_t> CheckRequest(const PlaceRequest& req) {
  if (req.request_id.empty() || req.request_id.size() > kMaxRequestIdBytes) {
    return core::InvalidField(
        "requestId", "is required: a unique id for this order attempt (a UUID), reused on retry");
  }
  int32_t quantity = req.quantity == 0 ? 1 : req.quantity;
  if (!req.items.empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(LinesTotal lines, CheckLines(req.items));
    quantity = lines.quantity;
  }
  if (quantity < 1 || quantity > kMaxQuantity) {
    return core::InvalidField("quantity", absl::StrCat("must be 1 to ", kMaxQuantity));
  }
  if (req.location) {
    QRCLOUD_RETURN_IF_ERROR(core::ValidateLatLng("location", req.location->lat, req.location->lng));
  }
  if (!req.platform_code.empty() && !core::ValidPlatformCode(req.platform_code)) {
    return core::InvalidField("platformCode", "1 to 32 of A-Z a-z 0-9 _ -");
  }
  return quantity;
}

absl::StatusOr<LinesTotal> CheckLines(const std::vector<v1::OrderItem>& items) {
  if (items.empty() || items.size() > static_cast<size_t>(kMaxLines)) {
    return core::InvalidField("items", absl::StrCat("must hold 1 to ", kMaxLines, " lines"));
  }
  LinesTotal out;
  int64_t count = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const v1::OrderItem& line = items[i];
    const std::string field = absl::StrCat("items[", i, "]");
    if (line.menu_item_id().empty()) {
      return core::InvalidField(absl::StrCat(field, ".menuItemId"), "is required");
    }
    if (line.quantity() < 1 || line.quantity() > kMaxLineQuantity) {
      return core::InvalidField(
          absl::StrCat(field, ".quantity"),
          absl::StrCat("must be 1 to ", kMaxLineQuantity, ", not ", line.quantity()));
    }
    count += line.quantity();
    auto price = core::Money::Of(line.unit_price().currency(), line.unit_price().minor());
    if (!price.ok() || price->minor() < 0) {
      return core::InvalidField(absl::StrCat(field, ".unitPrice"),
                                "must be an amount in a currency, not negative");
    }
    if (i == 0) out.total = core::Money::Zero(price->currency());
    QRCLOUD_ASSIGN_OR_RETURN(core::Money amount, price->Multiply(line.quantity()));
    auto sum = out.total.Add(amount);
    if (!sum.ok()) {
      return core::InvalidField(absl::StrCat(field, ".unitPrice"),
                                "all lines must be in one currency");
    }
    out.total = *sum;
  }
  if (count > kMaxQuantity) {
    return core::InvalidField(
        "items", absl::StrCat("at most ", kMaxQuantity, " items in one order, not ", count));
  }
  out.quantity = static_cast<int32_t>(count);
  return out;
}

absl::Status CheckOrderable(const Offer& offer, const PlaceRequest& req, absl::Time now) {
  if (offer.start_time && now < *offer.start_time) {
    return absl::FailedPreconditionError("this offer has not started yet");
  }
  if (offer.end_time && now >= *offer.end_time) {
    return absl::FailedPreconditionError("this offer has ended");
  }
  if (!offer.fence) return absl::OkStatus();
  if (!req.location) {
    return core::InvalidField("location",
                              "is required: this offer can be ordered only near the shop");
  }
  const double d = core::DistanceMeters(req.location->lat, req.location->lng, offer.fence->lat,
                                        offer.fence->lng);
  if (d > offer.fence->radius_m) {
    return absl::PermissionDeniedError(
        absl::StrFormat("you are %.0f m from the shop; this offer can be ordered within %d m", d,
                        offer.fence->radius_m));
  }
  return absl::OkStatus();
}

absl::Time ReceiptExpiry(const Offer& offer, absl::Time now, absl::Duration default_validity) {
  const absl::Time expiry = offer.end_time ? *offer.end_time : now + default_validity;
  return absl::FromUnixSeconds(absl::ToUnixSeconds(expiry) / 60 * 60);
}

std::string NotRedeemable(const v1::Order& order, absl::Time now) {
  switch (order.state()) {
    case v1::Order::REDEEMED:
      return absl::StrCat("already redeemed at ",
                          absl::FormatTime(core::FromProto(order.redeem_time())));
    case v1::Order::CANCELLED:
      return "the order was cancelled";
    case v1::Order::EXPIRED:
      return "the receipt has expired";
    case v1::Order::REFUNDED:
      return "the order was redeemed and then refunded";
    default:
      break;
  }
  if (core::FromProto(order.receipt().expire_time()) <= now) return "the receipt has expired";
  return "";
}

absl::StatusOr<std::string> CheckRefundRequest(const RefundRequest& req) {
  if (req.request_id.empty() || req.request_id.size() > kMaxRequestIdBytes) {
    return core::InvalidField("requestId",
                              "is required: a unique id for this refund (a UUID), reused on retry");
  }
  const absl::string_view reason = absl::StripAsciiWhitespace(req.reason);
  if (reason.empty()) {
    return core::InvalidField("reason",
                              absl::StrCat("is required: why the order is refunded, 1 to ",
                                           kMaxRefundReasonChars, " characters"));
  }
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText("reason", reason, 1, kMaxRefundReasonChars));
  return std::string(reason);
}

absl::StatusOr<RefundVerdict> DecideRefund(const v1::Order& order, const RefundFacts& facts,
                                           const RefundRequest& req, absl::Time now,
                                           absl::Duration window) {
  if (!facts.merchant_may_refund) {
    return absl::NotFoundError(absl::StrCat("order ", req.order_id, " not found"));
  }
  if (order.state() == v1::Order::REFUNDED) {
    if (facts.refunded_with != req.request_id) {
      return absl::FailedPreconditionError(absl::StrCat("already refunded at ",
                                                        Utc(core::FromProto(order.refund_time())),
                                                        ": an order is refunded once"));
    }
    if (facts.refunded_reason != req.reason) {
      return core::InvalidField(
          "requestId", absl::StrCat("\"", req.request_id,
                                    "\" already refunded this order with another reason; use a "
                                    "new request id for a new request"));
    }
    return RefundVerdict::kRetried;
  }
  if (order.state() != v1::Order::REDEEMED) {
    return absl::FailedPreconditionError(
        absl::StrCat("a ", v1::Order::State_Name(order.state()),
                     " order cannot be refunded; only a REDEEMED one (before redemption the "
                     "buyer cancels it)"));
  }
  const absl::Time closes = core::FromProto(order.redeem_time()) + window;
  if (now > closes) {
    return absl::FailedPreconditionError(absl::StrCat("the refund window closed at ", Utc(closes),
                                                      ": an order is refunded within ",
                                                      Span(window), " of its redemption"));
  }
  return RefundVerdict::kRefund;
}

absl::StatusOr<std::string> NormalizeReceiptNumber(absl::string_view number) {
  std::string clean;
  for (char ch : absl::StripAsciiWhitespace(number)) {
    if (ch != '-' && ch != ' ') clean.push_back(ch);
  }
  if (clean.size() != 8 || clean.find_first_not_of("0123456789") != std::string::npos) {
    return core::InvalidField("number", "a receipt number has 8 digits (1234-5678)");
  }
  return clean;
}

std::string NewReceiptNumber() {
  core::EnsureSodium();
  return absl::StrFormat("%08u", randombytes_uniform(100000000));
}

}  // namespace qrcloud::ordering
