#include "services/center/order_service.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/auth/access.h"
#include "libs/core/encoding.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/money.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/scan_event.h"
#include "libs/core/validate.h"
#include "libs/qr/encoder.h"
#include "libs/qr/isolated_decoder.h"
#include "libs/qr/png_renderer.h"
#include "services/center/geo_index.h"

namespace qrcloud::center {
namespace {

using auth::Access;
using auth::Role;
using v1::Campaign;
using v1::Order;

constexpr int kMaxQuantity = 100;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

constexpr char kOrderColumns[] =
    "id, campaign_id, merchant_id, account_id, quantity, currency, total_minor, state, receipt_number, "
    "receipt_token, expire_at, source, platform_code, created_at, redeemed_at, cancelled_at";

Order FromRow(const store::Row& r) {
  Order o;
  o.set_id(r.String("id"));
  o.set_campaign_id(r.String("campaign_id"));
  o.set_merchant_id(r.String("merchant_id"));
  o.set_account_id(r.String("account_id"));
  o.set_quantity(static_cast<int32_t>(r.Int("quantity")));
  o.mutable_total()->set_currency(r.String("currency"));
  o.mutable_total()->set_minor(r.Int("total_minor"));
  Order::State state = Order::CONFIRMED;
  Order::State_Parse(r.String("state"), &state);
  o.set_state(state);
  Order::Source source = Order::CLOUD;
  Order::Source_Parse(r.String("source"), &source);
  o.set_source(source);
  o.set_platform_code(r.String("platform_code"));
  auto* receipt = o.mutable_receipt();
  receipt->set_number(r.String("receipt_number"));
  receipt->set_token(r.String("receipt_token"));
  core::ToProto(r.Time("expire_at"), receipt->mutable_expire_time());
  receipt->set_image_url(absl::StrCat("/v1/orders/", o.id(), "/receipt.png"));
  core::ToProto(r.Time("created_at"), o.mutable_create_time());
  if (!r.IsNull("redeemed_at")) core::ToProto(r.Time("redeemed_at"), o.mutable_redeem_time());
  if (!r.IsNull("cancelled_at")) core::ToProto(r.Time("cancelled_at"), o.mutable_cancel_time());
  return o;
}

// Eight digits, grouped for reading aloud as 1234-5678 by clients.
std::string NewReceiptNumber() {
  core::EnsureSodium();
  return absl::StrFormat("%08u", randombytes_uniform(100000000));
}

absl::StatusOr<Order> LoadOrder(store::Connection& conn, absl::string_view where, const store::Params& params,
                                bool for_update) {
  auto row = conn.QueryOne(absl::StrCat("SELECT ", kOrderColumns, " FROM orders WHERE ", where,
                                        for_update ? " FOR UPDATE" : ""),
                           params);
  if (!row.ok()) return row.status();
  return FromRow(*row);
}

absl::Status NotFound(absl::string_view what) { return absl::NotFoundError(absl::StrCat(what, " not found")); }

// The caller's own order, the order's merchant's, or an administrator's.
bool MayRead(const auth::Principal& p, const Order& o) {
  return p.account_id == o.account_id() || auth::CheckMerchantAccess(p, o.merchant_id(), Access::kRead).ok();
}

}  // namespace

absl::Status OrderLogic::Create(const rpc::CallContext& call, const v1::CreateOrderRequest& req,
                                v1::CreateOrderResponse& resp) {
  const auth::Principal& caller = call.caller();
  if (req.request_id().empty() || req.request_id().size() > 128) {
    return core::InvalidField("requestId", "is required: a unique id for this order attempt (a UUID), reused on retry");
  }
  const int quantity = req.quantity() == 0 ? 1 : req.quantity();
  if (quantity < 1 || quantity > kMaxQuantity) {
    return core::InvalidField("quantity", absl::StrCat("must be 1 to ", kMaxQuantity));
  }
  if (req.has_location()) QRCLOUD_RETURN_IF_ERROR(core::ValidateLatLng("location", req.location().lat(), req.location().lng()));
  if (!req.platform_code().empty() && !core::ValidPlatformCode(req.platform_code())) {
    return core::InvalidField("platformCode", "1 to 32 of A-Z a-z 0-9 _ -");
  }

  // The same request id returns the same order, whatever happened since:
  // looked up in the same query as the campaign's terms.
  Campaign c;
  {
    QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
    auto terms = campaigns_.GetOrderTerms(*conn, req.campaign_id(), caller.account_id, req.request_id());
    std::string existing_id;
    if (terms.ok()) {
      existing_id = terms->existing_order_id;
    } else if (terms.status().code() == absl::StatusCode::kNotFound) {
      // No such campaign; a retry naming another campaign still hears so.
      auto existing = LoadOrder(*conn, "account_id = ? AND request_id = ?", {caller.account_id, req.request_id()}, false);
      if (!existing.ok() && existing.status().code() != absl::StatusCode::kNotFound) return existing.status();
      if (existing.ok()) existing_id = existing->id();
    }
    if (!existing_id.empty()) {
      QRCLOUD_ASSIGN_OR_RETURN(Order existing, LoadOrder(*conn, "id = ?", {existing_id}, false));
      if (existing.campaign_id() != req.campaign_id()) {
        return core::InvalidField("requestId", "was already used for an order of another campaign");
      }
      *resp.mutable_order() = std::move(existing);
      return absl::OkStatus();
    }
    if (!terms.ok()) return terms.status();
    if (!terms->cloud_business_enabled) {
      return absl::FailedPreconditionError(
          "this merchant's cloud business is switched off: the offer takes no orders online");
    }
    c = std::move(terms->campaign);
  }

  const absl::Time now = core::ToMicros(clock_.Now());
  if (c.state() != Campaign::PUBLISHED) {
    if (c.state() == Campaign::DRAFT || c.state() == Campaign::PENDING_AUDIT || c.state() == Campaign::REJECTED) {
      return NotFound(absl::StrCat("campaign ", c.id()));
    }
    return absl::FailedPreconditionError(absl::StrCat("this offer is not on sale (", Campaign::State_Name(c.state()), ")"));
  }
  if (c.mode() != Campaign::ORDER) return absl::FailedPreconditionError("this campaign takes no orders");
  if (c.has_start_time() && now < core::FromProto(c.start_time())) {
    return absl::FailedPreconditionError("this offer has not started yet");
  }
  if (c.has_end_time() && now >= core::FromProto(c.end_time())) {
    return absl::FailedPreconditionError("this offer has ended");
  }
  if (c.has_fence()) {
    if (!req.has_location()) {
      return core::InvalidField("location", "is required: this offer can be ordered only near the shop");
    }
    const double d = DistanceMeters(req.location().lat(), req.location().lng(), c.fence().origin().lat(),
                                    c.fence().origin().lng());
    if (d > c.fence().radius_m()) {
      return absl::PermissionDeniedError(absl::StrFormat(
          "you are %.0f m from the shop; this offer can be ordered within %d m", d, c.fence().radius_m()));
    }
  }

  // The gate turns the rush away before MySQL; MySQL decides.
  const bool limited = c.stock() > 0;
  bool gate_taken = false;
  if (limited) {
    auto verdict = gate_.Take(c.id(), quantity);
    if (verdict.ok() && *verdict == StockGate::Verdict::kSoldOut) {
      return absl::FailedPreconditionError(absl::StrCat("sold out: all ", c.stock(), " have been ordered"));
    }
    gate_taken = verdict.ok();
  }

  Order order;
  order.set_id(core::NewId());
  order.set_campaign_id(c.id());
  order.set_merchant_id(c.merchant_id());
  order.set_account_id(caller.account_id);
  order.set_quantity(quantity);
  order.set_state(Order::CONFIRMED);
  order.set_source(Order::CLOUD);
  order.set_platform_code(req.platform_code());
  QRCLOUD_ASSIGN_OR_RETURN(core::Money price, core::Money::Of(c.price().currency().empty() ? "CNY" : c.price().currency(),
                                                             c.price().minor()));
  QRCLOUD_ASSIGN_OR_RETURN(core::Money total, price.Multiply(quantity));
  order.mutable_total()->set_currency(total.currency());
  order.mutable_total()->set_minor(total.minor());
  const absl::Time expiry = c.has_end_time() ? core::FromProto(c.end_time()) : now + options_.default_receipt_validity;
  QRCLOUD_ASSIGN_OR_RETURN(std::string token, signer_.Sign({order.id(), c.id(), c.merchant_id(), expiry}));
  // The token carries expiry in whole minutes; the order keeps the same.
  const absl::Time expire_at = absl::FromUnixSeconds(absl::ToUnixSeconds(expiry) / 60 * 60);
  core::ToProto(now, order.mutable_create_time());

  // One autocommit INSERT: the trigger orders_take_stock (migration 0009)
  // counts the buyer against the per-person limit and takes the stock only
  // while it lasts, inside the same statement, so the order, the count and
  // the stock commit together. No oversell, ever: MySQL decides.
  enum class Outcome { kCreated, kSoldOut, kLimit, kDuplicate };
  Outcome outcome = Outcome::kCreated;
  absl::Status s;
  {
    QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
    for (int attempt = 0;; ++attempt) {
      order.mutable_receipt()->set_number(NewReceiptNumber());
      s = conn->Execute(
                  absl::StrCat("INSERT INTO orders (", kOrderColumns, ", request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                               "?, 'CLOUD', ?, ?, NULL, NULL, ?)"),
                  {order.id(), c.id(), c.merchant_id(), caller.account_id, static_cast<int64_t>(quantity),
                   total.currency(), total.minor(), std::string("CONFIRMED"), order.receipt().number(), token,
                   expire_at, req.platform_code(), now, req.request_id()})
              .status();
      if (s.ok()) break;
      const absl::string_view message = s.message();
      if (s.code() == absl::StatusCode::kFailedPrecondition && absl::StrContains(message, "qrcloud:sold-out")) {
        outcome = Outcome::kSoldOut;
      } else if (s.code() == absl::StatusCode::kFailedPrecondition && absl::StrContains(message, "qrcloud:limit")) {
        outcome = Outcome::kLimit;
      } else if (s.code() == absl::StatusCode::kAlreadyExists && absl::StrContains(message, "orders_request")) {
        outcome = Outcome::kDuplicate;  // a concurrent retry of this request won
      } else if (s.code() == absl::StatusCode::kAlreadyExists && attempt < 5) {
        continue;  // the receipt number is taken: draw another
      } else if (s.code() == absl::StatusCode::kAlreadyExists) {
        s = absl::InternalError("could not find a free receipt number");
      } else if (s.code() == absl::StatusCode::kAborted && attempt < 3) {
        continue;  // a deadlock: InnoDB rolled the statement back whole
      }
      break;
    }
  }
  if (outcome != Outcome::kCreated || !s.ok()) {
    if (gate_taken) {
      if (outcome == Outcome::kSoldOut) {
        (void)gate_.Reconcile(c.id());  // the gate let through what MySQL had not: they disagree
      } else {
        gate_.Give(c.id(), quantity);
      }
    }
    if (outcome == Outcome::kSoldOut) {
      return absl::FailedPreconditionError(absl::StrCat("sold out: all ", c.stock(), " have been ordered"));
    }
    if (outcome == Outcome::kLimit) {
      return absl::FailedPreconditionError(absl::StrCat("the limit is ", c.per_person_limit(),
                                                        " per person, and you have reached it"));
    }
    if (outcome == Outcome::kDuplicate) {
      QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
      QRCLOUD_ASSIGN_OR_RETURN(*resp.mutable_order(),
                               LoadOrder(*conn, "account_id = ? AND request_id = ?", {caller.account_id, req.request_id()}, false));
      return absl::OkStatus();
    }
    return s;
  }
  auto* receipt = order.mutable_receipt();
  receipt->set_token(token);
  core::ToProto(expire_at, receipt->mutable_expire_time());
  receipt->set_image_url(absl::StrCat("/v1/orders/", order.id(), "/receipt.png"));
  *resp.mutable_order() = std::move(order);
  return absl::OkStatus();
}

absl::Status OrderLogic::Get(const rpc::CallContext& call, const v1::GetOrderRequest& req, v1::Order& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto order = LoadOrder(*conn, "id = ?", {req.id()}, false);
  if (!order.ok() || !MayRead(call.caller(), *order)) {
    return order.ok() || order.status().code() == absl::StatusCode::kNotFound ? NotFound(absl::StrCat("order ", req.id()))
                                                                              : order.status();
  }
  resp = *std::move(order);
  return absl::OkStatus();
}

absl::Status OrderLogic::ListMine(const rpc::CallContext& call, const v1::ListMyOrdersRequest& req,
                                  v1::ListOrdersResponse& resp) {
  int size = req.page().page_size();
  if (size < 0 || size > kMaxPageSize) return core::InvalidField("page.pageSize", "must be 1 to 200");
  if (size == 0) size = kDefaultPageSize;
  std::string sql = absl::StrCat("SELECT ", kOrderColumns, " FROM orders WHERE account_id = ?");
  store::Params params = {call.caller().account_id};
  if (!req.page().page_token().empty()) {
    sql += " AND id < ?";
    params.push_back(req.page().page_token());
  }
  if (req.state() != Order::STATE_UNSPECIFIED) {
    sql += " AND state = ?";
    params.push_back(Order::State_Name(req.state()));
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(static_cast<int64_t>(size + 1));
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < size; ++i) *resp.add_orders() = FromRow(rows[i]);
  if (static_cast<int>(rows.size()) > size) resp.mutable_page()->set_next_page_token(resp.orders().rbegin()->id());
  return absl::OkStatus();
}

absl::Status OrderLogic::ListMerchant(const rpc::CallContext& call, const v1::ListMerchantOrdersRequest& req,
                                      v1::ListOrdersResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(auth::CheckMerchantAccess(call.caller(), req.merchant_id(), Access::kRead));
  int size = req.page().page_size();
  if (size < 0 || size > kMaxPageSize) return core::InvalidField("page.pageSize", "must be 1 to 200");
  if (size == 0) size = kDefaultPageSize;
  std::string sql = absl::StrCat("SELECT ", kOrderColumns, " FROM orders WHERE merchant_id = ?");
  store::Params params = {req.merchant_id()};
  if (!req.page().page_token().empty()) {
    sql += " AND id < ?";
    params.push_back(req.page().page_token());
  }
  if (!req.campaign_id().empty()) {
    sql += " AND campaign_id = ?";
    params.push_back(req.campaign_id());
  }
  if (req.state() != Order::STATE_UNSPECIFIED) {
    sql += " AND state = ?";
    params.push_back(Order::State_Name(req.state()));
  }
  if (req.source() != Order::SOURCE_UNSPECIFIED) {
    sql += " AND source = ?";
    params.push_back(Order::Source_Name(req.source()));
  }
  if (req.has_from_time()) {
    sql += " AND created_at >= ?";
    params.push_back(core::FromProto(req.from_time()));
  }
  if (req.has_to_time()) {
    sql += " AND created_at < ?";
    params.push_back(core::FromProto(req.to_time()));
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(static_cast<int64_t>(size + 1));
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < size; ++i) *resp.add_orders() = FromRow(rows[i]);
  if (static_cast<int>(rows.size()) > size) resp.mutable_page()->set_next_page_token(resp.orders().rbegin()->id());
  return absl::OkStatus();
}

absl::Status OrderLogic::Cancel(const rpc::CallContext& call, const v1::CancelOrderRequest& req, v1::Order& resp) {
  bool limited = false;
  QRCLOUD_RETURN_IF_ERROR(mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    auto order = LoadOrder(conn, "id = ?", {req.id()}, /*for_update=*/true);
    if (!order.ok() || order->account_id() != call.caller().account_id) {
      return order.ok() || order.status().code() == absl::StatusCode::kNotFound ? NotFound(absl::StrCat("order ", req.id()))
                                                                                : order.status();
    }
    if (order->state() != Order::CONFIRMED) {
      return absl::FailedPreconditionError(absl::StrCat("a ", Order::State_Name(order->state()),
                                                        " order cannot be cancelled; only a CONFIRMED one"));
    }
    const int64_t q = order->quantity();
    QRCLOUD_RETURN_IF_ERROR(conn.Execute("UPDATE orders SET state = 'CANCELLED', cancelled_at = UTC_TIMESTAMP(6) WHERE id = ?",
                                         {req.id()}).status());
    // The stock comes back, and so does the person's allowance.
    QRCLOUD_ASSIGN_OR_RETURN(int64_t n, conn.Execute("UPDATE campaigns SET stock_left = stock_left + ? WHERE id = ? AND stock > 0",
                                                     {q, order->campaign_id()}));
    limited = n > 0;
    QRCLOUD_RETURN_IF_ERROR(conn.Execute("UPDATE campaign_buyers SET quantity = GREATEST(0, quantity - ?) WHERE "
                                         "campaign_id = ? AND account_id = ?",
                                         {q, order->campaign_id(), order->account_id()}).status());
    QRCLOUD_ASSIGN_OR_RETURN(resp, LoadOrder(conn, "id = ?", {req.id()}, false));
    return absl::OkStatus();
  }));
  if (limited) gate_.Give(resp.campaign_id(), resp.quantity());
  return absl::OkStatus();
}

std::string OrderLogic::NotRedeemable(const v1::Order& o) const {
  switch (o.state()) {
    case Order::REDEEMED: return absl::StrCat("already redeemed at ", absl::FormatTime(core::FromProto(o.redeem_time())));
    case Order::CANCELLED: return "the order was cancelled";
    case Order::EXPIRED: return "the receipt has expired";
    default: break;
  }
  if (core::FromProto(o.receipt().expire_time()) <= clock_.Now()) return "the receipt has expired";
  return "";
}

absl::StatusOr<v1::Order> OrderLogic::FindForRedemption(const rpc::CallContext& call, const std::string& token_in,
                                                        const std::string& number, const std::string& image,
                                                        store::Connection& conn, bool for_update) {
  const auth::Principal& p = call.caller();
  QRCLOUD_RETURN_IF_ERROR(auth::RequireAnyRole(p, {Role::kMerchant, Role::kMerchantStaff, Role::kLandingNode}));
  const int given = !token_in.empty() + !number.empty() + !image.empty();
  if (given != 1) return core::InvalidField("token", "give exactly one of token, number or image");
  std::string token = token_in;
  if (!image.empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(auto codes, qr::DecodeIsolated(image, options_.decoder_binary));
    for (const auto& c : codes) {
      if (core::VerifyReceipt(c.text, signer_.public_key()).ok()) token = c.text;
    }
    if (token.empty()) return core::InvalidField("image", "shows no qrcloud receipt code");
  }
  if (!token.empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(core::ReceiptClaims claims, core::VerifyReceipt(token, signer_.public_key()));
    // Another merchant's receipt is not found here, exactly like a missing one.
    if (!auth::CheckMerchantAccess(p, claims.merchant_id, Access::kWrite).ok()) return NotFound("receipt");
    auto order = LoadOrder(conn, "id = ?", {claims.order_id}, for_update);
    if (order.status().code() == absl::StatusCode::kNotFound) return NotFound("receipt");
    return order;
  }
  const std::string digits = std::string(absl::StripAsciiWhitespace(number));
  std::string clean;
  for (char ch : digits) {
    if (ch != '-' && ch != ' ') clean.push_back(ch);
  }
  if (clean.size() != 8 || clean.find_first_not_of("0123456789") != std::string::npos) {
    return core::InvalidField("number", "a receipt number has 8 digits (1234-5678)");
  }
  if (p.merchant_id.empty() && !p.Has(Role::kAdmin)) return NotFound("receipt");
  auto order = LoadOrder(conn, "merchant_id = ? AND receipt_number = ?", {p.merchant_id, clean}, for_update);
  if (order.status().code() == absl::StatusCode::kNotFound) return NotFound("receipt");
  return order;
}

absl::Status OrderLogic::Verify(const rpc::CallContext& call, const v1::VerifyReceiptRequest& req,
                                v1::VerifyReceiptResponse& resp) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(v1::Order order, FindForRedemption(call, req.token(), req.number(), req.image(), *conn, false));
  const std::string why = NotRedeemable(order);
  resp.set_redeemable(why.empty());
  resp.set_reason(why);
  *resp.mutable_order() = std::move(order);
  return absl::OkStatus();
}

absl::Status OrderLogic::Redeem(const rpc::CallContext& call, const v1::RedeemReceiptRequest& req,
                                v1::RedeemReceiptResponse& resp) {
  return mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(v1::Order order, FindForRedemption(call, req.token(), req.number(), req.image(), conn,
                                                                 /*for_update=*/true));
    if (order.state() == Order::REDEEMED) {
      return absl::AlreadyExistsError(
          absl::StrCat("this receipt was already redeemed at ",
                       absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", core::FromProto(order.redeem_time()), absl::UTCTimeZone())));
    }
    const std::string why = NotRedeemable(order);
    if (!why.empty()) return absl::FailedPreconditionError(absl::StrCat("cannot redeem: ", why));
    const absl::Time now = core::ToMicros(clock_.Now());
    v1::Redemption& r = *resp.mutable_redemption();
    r.set_id(core::NewId());
    r.set_order_id(order.id());
    r.set_merchant_id(order.merchant_id());
    r.set_redeemed_by(call.caller().account_id);
    *r.mutable_amount() = order.total();
    QRCLOUD_ASSIGN_OR_RETURN(core::Money amount, core::Money::Of(order.total().currency(), order.total().minor()));
    QRCLOUD_ASSIGN_OR_RETURN(Payment payment, payments_.Settle(order.id(), r.id(), amount));
    r.set_payment_provider(payment.provider);
    core::ToProto(now, r.mutable_redeem_time());
    // The unique key on order_id is the last word: a concurrent redemption
    // of the same receipt fails here.
    auto inserted = conn.Execute(
        "INSERT INTO redemptions (id, order_id, merchant_id, redeemed_by, currency, amount_minor, payment_provider, "
        "redeemed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {r.id(), order.id(), order.merchant_id(), r.redeemed_by(), amount.currency(), amount.minor(), payment.provider, now});
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return absl::AlreadyExistsError("this receipt was already redeemed");
    }
    QRCLOUD_RETURN_IF_ERROR(inserted.status());
    QRCLOUD_RETURN_IF_ERROR(conn.Execute("UPDATE orders SET state = 'REDEEMED', redeemed_at = ? WHERE id = ?",
                                         {now, order.id()}).status());
    order.set_state(Order::REDEEMED);
    core::ToProto(now, order.mutable_redeem_time());
    *resp.mutable_order() = std::move(order);
    return absl::OkStatus();
  });
}

absl::Status OrderLogic::ReceiptImage(const rpc::CallContext& call, const v1::GetReceiptImageRequest& req,
                                      google::api::HttpBody& resp) {
  v1::GetOrderRequest get;
  get.set_id(req.order_id());
  v1::Order order;
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

// gRPC adapters -------------------------------------------------------------

using rpc::CallContext;

#define QRCLOUD_ORDER_METHOD(Method, Req, Resp, Call)                                                    \
  grpc::ServerUnaryReactor* OrderServiceImpl::Method(grpc::CallbackServerContext* ctx, const Req* req,    \
                                                     Resp* resp) {                                        \
    return dispatcher_.Unary(ctx, #Method, req, resp,                               \
                             [=, this](const CallContext& c) { return logic_.Call(c, *req, *resp); });   \
  }

QRCLOUD_ORDER_METHOD(CreateOrder, v1::CreateOrderRequest, v1::CreateOrderResponse, Create)
QRCLOUD_ORDER_METHOD(GetOrder, v1::GetOrderRequest, v1::Order, Get)
QRCLOUD_ORDER_METHOD(ListMyOrders, v1::ListMyOrdersRequest, v1::ListOrdersResponse, ListMine)
QRCLOUD_ORDER_METHOD(ListMerchantOrders, v1::ListMerchantOrdersRequest, v1::ListOrdersResponse, ListMerchant)
QRCLOUD_ORDER_METHOD(CancelOrder, v1::CancelOrderRequest, v1::Order, Cancel)
QRCLOUD_ORDER_METHOD(VerifyReceipt, v1::VerifyReceiptRequest, v1::VerifyReceiptResponse, Verify)
QRCLOUD_ORDER_METHOD(RedeemReceipt, v1::RedeemReceiptRequest, v1::RedeemReceiptResponse, Redeem)
QRCLOUD_ORDER_METHOD(GetReceiptImage, v1::GetReceiptImageRequest, google::api::HttpBody, ReceiptImage)

#undef QRCLOUD_ORDER_METHOD

}  // namespace qrcloud::center
