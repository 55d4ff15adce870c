#include "libs/ordering/order_row.h"

#include "libs/core/proto_time.h"

namespace qrcloud::ordering {

v1::Order OrderFromRow(const store::Row& r) {
  using v1::Order;
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
  core::ToProto(r.Time("created_at"), o.mutable_create_time());
  if (!r.IsNull("redeemed_at")) core::ToProto(r.Time("redeemed_at"), o.mutable_redeem_time());
  if (!r.IsNull("cancelled_at")) core::ToProto(r.Time("cancelled_at"), o.mutable_cancel_time());
  if (!r.IsNull("refunded_at")) core::ToProto(r.Time("refunded_at"), o.mutable_refund_time());
  if (!r.IsNull("refund_reason")) o.set_refund_reason(r.String("refund_reason"));
  return o;
}

store::Params RedemptionValues(const v1::Redemption& r) {
  return {r.id(),
          r.order_id(),
          r.merchant_id(),
          r.redeemed_by(),
          r.amount().currency(),
          r.amount().minor(),
          r.payment_provider(),
          core::FromProto(r.redeem_time())};
}

absl::Status RedemptionInserted(const absl::Status& inserted) {
  if (inserted.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError("this receipt was already redeemed");
  }
  return inserted;
}

}  // namespace qrcloud::ordering
