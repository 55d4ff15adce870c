#include "services/center/order_logic.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "libs/auth/access.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/qr/encoder.h"
#include "libs/qr/isolated_decoder.h"
#include "libs/qr/png_renderer.h"
#include "libs/rpc/paging.h"

namespace qrcloud::center {
namespace {

using auth::Access;
using auth::Role;
using v1::Campaign;
using v1::Order;

// The buyer's own order, the order's merchant's, or an administrator's.
bool MayRead(const auth::Principal& p, const Order& o) {
  return p.account_id == o.account_id() ||
         auth::CheckMerchantAccess(p, o.merchant_id(), Access::kRead).ok();
}

// What the platform adds to an order wherever it shows one.
Order& WithImage(Order& o) {
  if (o.source() == Order::LANDING) return o;  // paid at the shop: no receipt
  o.mutable_receipt()->set_image_url(absl::StrCat("/v1/orders/", o.id(), "/receipt.png"));
  return o;
}

ordering::PlaceRequest PlaceRequestOf(const v1::CreateOrderRequest& req, std::string device) {
  ordering::PlaceRequest r;
  r.device = std::move(device);
  r.request_id = req.request_id();
  r.quantity = req.quantity();
  if (req.has_location())
    r.location = ordering::Location{req.location().lat(), req.location().lng()};
  r.platform_code = req.platform_code();
  return r;
}

}  // namespace

absl::Status CheckTakesOrders(const Campaign& c) {
  switch (c.state()) {
    case Campaign::PUBLISHED:
      break;
    case Campaign::DRAFT:
    case Campaign::PENDING_AUDIT:
    case Campaign::REJECTED:
      return absl::NotFoundError(absl::StrCat("campaign ", c.id(), " not found"));
    default:
      return absl::FailedPreconditionError(
          absl::StrCat("this offer is not on sale (", Campaign::State_Name(c.state()), ")"));
  }
  if (c.mode() != Campaign::ORDER) {
    return absl::FailedPreconditionError("this campaign takes no orders");
  }
  return absl::OkStatus();
}

absl::StatusOr<ordering::Offer> OfferOf(const Campaign& c) {
  ordering::Offer offer;
  offer.id = c.id();
  offer.merchant_id = c.merchant_id();
  QRCLOUD_ASSIGN_OR_RETURN(
      offer.price, core::Money::Of(c.price().currency().empty() ? "CNY" : c.price().currency(),
                                   c.price().minor()));
  offer.stock = c.stock();
  offer.per_person_limit = c.per_person_limit();
  if (c.has_start_time()) offer.start_time = core::FromProto(c.start_time());
  if (c.has_end_time()) offer.end_time = core::FromProto(c.end_time());
  if (c.has_fence()) {
    offer.fence =
        ordering::Fence{c.fence().origin().lat(), c.fence().origin().lng(), c.fence().radius_m()};
  }
  return offer;
}

absl::Status OrderLogic::Create(const rpc::CallContext& call, const v1::CreateOrderRequest& req,
                                v1::CreateOrderResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequireBuyer(call.caller()));
  const ordering::PlaceRequest request = PlaceRequestOf(req, call.device);
  QRCLOUD_RETURN_IF_ERROR(ordering::CheckRequest(request).status());
  // The same request id returns the same order, whatever happened since:
  // looked up in the same query as the campaign's terms.
  auto terms = terms_.GetOrderTerms(req.campaign_id(), call.caller().account_id, req.request_id());
  if (terms.status().code() == absl::StatusCode::kNotFound) {
    // No such campaign; a retry naming another campaign still hears so.
    if (absl::Status retried = Retried(call, req, resp); !absl::IsNotFound(retried)) return retried;
  }
  if (!terms.ok()) return terms.status();
  if (!terms->existing_order_id.empty()) return Retried(call, req, resp);
  if (!terms->cloud_business_enabled) {
    return absl::FailedPreconditionError(
        "this merchant's cloud business is switched off: the offer takes no orders online");
  }
  QRCLOUD_RETURN_IF_ERROR(CheckTakesOrders(terms->campaign));
  QRCLOUD_ASSIGN_OR_RETURN(ordering::Offer offer, OfferOf(terms->campaign));
  QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_order(),
                           book_.Place(call.caller().account_id, offer, request));
  resp.mutable_order()->clear_buyer_device();  // for the event only
  WithImage(*resp.mutable_order());
  return absl::OkStatus();
}

// Only people order: an account that runs a business (or the platform) has
// any other role, and its orders would inflate numbers that agents and
// partners are paid on.
absl::Status OrderLogic::RequireBuyer(const auth::Principal& p) {
  const bool person_only =
      p.Has(Role::kPerson) &&
      !(p.Has(Role::kMerchant) || p.Has(Role::kMerchantStaff) || p.Has(Role::kAgent) ||
        p.Has(Role::kPartner) || p.Has(Role::kAuditor) || p.Has(Role::kAdmin) ||
        p.Has(Role::kLandingNode));
  if (person_only) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "only personal accounts order; merchant, staff, agent, partner, auditor and administrator "
      "accounts cannot, so that no business can add to its own numbers");
}

absl::Status OrderLogic::Retried(const rpc::CallContext& call, const v1::CreateOrderRequest& req,
                                 v1::CreateOrderResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(auto existing,
                           book_.Retried(call.caller().account_id, req.request_id()));
  if (!existing)
    return absl::NotFoundError(absl::StrCat("campaign ", req.campaign_id(), " not found"));
  // The platform's one rule (docs/architecture.md, "Idempotency"): the same
  // request id with a different request is refused. What an order records
  // is the request here; the location only proved the fence at the time,
  // and a phone retrying from a step away is the same request.
  const int32_t quantity = req.quantity() == 0 ? 1 : req.quantity();
  if (existing->campaign_id() != req.campaign_id() || existing->quantity() != quantity ||
      existing->platform_code() != req.platform_code()) {
    return core::InvalidField(
        "requestId", absl::StrCat("\"", req.request_id(),
                                  "\" was already used for a different order (campaign, quantity "
                                  "or platform code); use a new request id"));
  }
  *resp.mutable_order() = *std::move(existing);
  WithImage(*resp.mutable_order());
  return absl::OkStatus();
}

absl::Status OrderLogic::Get(const rpc::CallContext& call, const v1::GetOrderRequest& req,
                             Order& resp) {
  auto order = orders_.Get(req.id());
  if (!order.ok() || !MayRead(call.caller(), *order)) {
    return order.ok() || absl::IsNotFound(order.status())
               ? absl::NotFoundError(absl::StrCat("order ", req.id(), " not found"))
               : order.status();
  }
  resp = *std::move(order);
  WithImage(resp);
  return absl::OkStatus();
}

absl::Status OrderLogic::List(ordering::OrderFilter filter, const v1::PageRequest& page,
                              v1::ListOrdersResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(page));
  filter.before_id = page.page_token();
  filter.limit = size + 1;
  QRCLOUD_ASSIGN_OR_RETURN(auto orders, orders_.List(filter));
  if (std::string next = rpc::TakePage(orders, size); !next.empty()) {
    resp.mutable_page()->set_next_page_token(next);
  }
  for (auto& o : orders) *resp.add_orders() = std::move(WithImage(o));
  return absl::OkStatus();
}

absl::Status OrderLogic::ListMine(const rpc::CallContext& call, const v1::ListMyOrdersRequest& req,
                                  v1::ListOrdersResponse& resp) {
  ordering::OrderFilter filter;
  filter.account_id = call.caller().account_id;
  filter.state = req.state();
  return List(std::move(filter), req.page(), resp);
}

absl::Status OrderLogic::ListMerchant(const rpc::CallContext& call,
                                      const v1::ListMerchantOrdersRequest& req,
                                      v1::ListOrdersResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(
      auth::CheckMerchantAccess(call.caller(), req.merchant_id(), Access::kRead));
  ordering::OrderFilter filter;
  filter.merchant_id = req.merchant_id();
  filter.offer_id = req.campaign_id();
  filter.state = req.state();
  if (req.source() != Order::SOURCE_UNSPECIFIED && req.source() != Order::CLOUD &&
      req.source() != Order::LANDING) {
    return core::InvalidField("source", "accepted: CLOUD or LANDING (or none, for both)");
  }
  filter.source = req.source();
  if (req.has_from_time()) filter.from = core::FromProto(req.from_time());
  if (req.has_to_time()) filter.to = core::FromProto(req.to_time());
  return List(std::move(filter), req.page(), resp);
}

absl::Status OrderLogic::WatchMerchant(const rpc::CallContext& call,
                                       const v1::WatchMerchantOrdersRequest& req,
                                       rpc::StreamWriter<v1::Order>& out) {
  QRCLOUD_RETURN_IF_ERROR(
      auth::CheckMerchantAccess(call.caller(), req.merchant_id(), Access::kRead));
  auto slot = watch_slots_.TryTake();
  if (!slot) {
    return core::RetryAfter(absl::Seconds(10),
                            "the center is watching as many order streams as it serves at once; "
                            "retry shortly, or list orders instead");
  }
  // Each poll reads the orders created in the last kLookBack, newest first,
  // page by page down to one already sent: an order whose transaction
  // commits up to kLookBack after its creation time is still seen, and a
  // burst larger than a page is not cut.
  constexpr absl::Duration kLookBack = absl::Seconds(30);
  constexpr int kPage = 100;
  const core::Clock& clock = *options_.clock;
  const absl::Time start = clock.Now();
  std::map<std::string, absl::Time> sent;  // id → creation time, within kLookBack
  out.Ready();                             // from here on the client sees every new order
  while (clock.Now() < call.deadline) {
    ordering::OrderFilter filter;
    filter.merchant_id = req.merchant_id();
    filter.offer_id = req.campaign_id();
    filter.from = std::max(start, clock.Now() - kLookBack);
    filter.limit = kPage;
    std::vector<v1::Order> news;
    for (;;) {
      QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Order> page, orders_.List(filter));
      bool reached_sent = false;
      for (auto& o : page) {
        if (sent.count(o.id())) {
          reached_sent = true;
          continue;
        }
        news.push_back(std::move(o));
      }
      if (static_cast<int>(page.size()) < kPage || reached_sent) break;
      filter.before_id = news.back().id();
    }
    // Oldest first, as they were placed.
    for (auto it = news.rbegin(); it != news.rend(); ++it) {
      sent.emplace(it->id(), core::FromProto(it->create_time()));
      if (!out.Write(WithImage(*it))) return absl::OkStatus();
    }
    const absl::Time horizon = clock.Now() - 2 * kLookBack;
    for (auto it = sent.begin(); it != sent.end();) {
      it = it->second < horizon ? sent.erase(it) : std::next(it);
    }
    if (!out.Pause(options_.watch_poll)) return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status OrderLogic::Cancel(const rpc::CallContext& call, const v1::CancelOrderRequest& req,
                                Order& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(resp, book_.Cancel(call.caller().account_id, req.id()));
  WithImage(resp);
  return absl::OkStatus();
}

absl::StatusOr<ordering::ReceiptRef> OrderLogic::ReceiptOf(const std::string& token,
                                                           const std::string& number,
                                                           const std::string& image) {
  const int given = !token.empty() + !number.empty() + !image.empty();
  if (given != 1) return core::InvalidField("token", "give exactly one of token, number or image");
  if (image.empty()) return ordering::ReceiptRef{token, number};
  QRCLOUD_ASSIGN_OR_RETURN(auto codes, qr::DecodeIsolated(image, options_.decoder_binary));
  for (const auto& c : codes) {
    if (core::VerifyReceipt(c.text, signer_.public_key()).ok())
      return ordering::ReceiptRef{c.text, ""};
  }
  return core::InvalidField("image", "shows no qrcloud receipt code");
}

absl::StatusOr<ordering::Redeemer> OrderLogic::RedeemerOf(const rpc::CallContext& call) {
  const auth::Principal& p = call.caller();
  QRCLOUD_RETURN_IF_ERROR(
      auth::RequireAnyRole(p, {Role::kMerchant, Role::kMerchantStaff, Role::kLandingNode}));
  return ordering::Redeemer{p.account_id, p.merchant_id, [p](absl::string_view merchant) {
                              return auth::CheckMerchantAccess(p, merchant, Access::kWrite).ok();
                            }};
}

absl::Status OrderLogic::Verify(const rpc::CallContext& call, const v1::VerifyReceiptRequest& req,
                                v1::VerifyReceiptResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(ordering::Redeemer redeemer, RedeemerOf(call));
  QRCLOUD_ASSIGN_OR_RETURN(ordering::ReceiptRef receipt,
                           ReceiptOf(req.token(), req.number(), req.image()));
  QRCLOUD_ASSIGN_OR_RETURN(ordering::Verification v, book_.Verify(redeemer, receipt));
  resp.set_redeemable(v.not_redeemable.empty());
  resp.set_reason(v.not_redeemable);
  *resp.mutable_order() = std::move(WithImage(v.order));
  return absl::OkStatus();
}

absl::Status OrderLogic::Redeem(const rpc::CallContext& call, const v1::RedeemReceiptRequest& req,
                                v1::RedeemReceiptResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(ordering::Redeemer redeemer, RedeemerOf(call));
  QRCLOUD_ASSIGN_OR_RETURN(ordering::ReceiptRef receipt,
                           ReceiptOf(req.token(), req.number(), req.image()));
  QRCLOUD_ASSIGN_OR_RETURN(ordering::Redeemed done, book_.Redeem(redeemer, receipt));
  *resp.mutable_order() = std::move(WithImage(done.order));
  *resp.mutable_redemption() = std::move(done.redemption);
  return absl::OkStatus();
}

absl::Status OrderLogic::Refund(const rpc::CallContext& call, const v1::RefundOrderRequest& req,
                                Order& resp) {
  const auth::Principal& p = call.caller();
  QRCLOUD_RETURN_IF_ERROR(auth::RequireAnyRole(p, {Role::kMerchant, Role::kMerchantStaff}));
  const ordering::Refunder refunder{
      p.account_id, [&p](absl::string_view merchant) {
        return auth::CheckMerchantAccess(p, merchant, Access::kWrite).ok();
      }};
  // A landing order was paid at the shop and never charged through the
  // platform: the shop refunds it there (docs/landing.md).
  if (auto order = orders_.Get(req.id()); order.ok() && order->source() == Order::LANDING &&
                                          refunder.may_refund(order->merchant_id())) {
    return absl::FailedPreconditionError(
        "a landing order is paid at the shop and refunded there, not through the platform");
  }
  QRCLOUD_ASSIGN_OR_RETURN(resp,
                           book_.Refund(refunder, {req.id(), req.request_id(), req.reason()}));
  WithImage(resp);
  return absl::OkStatus();
}

absl::Status OrderLogic::ReceiptImage(const rpc::CallContext& call,
                                      const v1::GetReceiptImageRequest& req,
                                      google::api::HttpBody& resp) {
  v1::GetOrderRequest get;
  get.set_id(req.order_id());
  Order order;
  QRCLOUD_RETURN_IF_ERROR(Get(call, get, order));
  qr::EncodeOptions encode;
  encode.mode = qr::Mode::kAlphanumeric;  // the token is base32: upper case and digits
  encode.level = qr::EcLevel::kMedium;
  QRCLOUD_ASSIGN_OR_RETURN(qr::Matrix matrix, qr::Encode(order.receipt().token(), encode));
  qr::PngOptions png;
  if (req.size() != 0) png.size = req.size();
  QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_data(), qr::RenderPng(matrix, png));
  resp.set_content_type("image/png");
  return absl::OkStatus();
}

}  // namespace qrcloud::center
