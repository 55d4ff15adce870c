#include "services/center/mysql_order_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/ordering/order_row.h"
#include "libs/store/json_rows.h"

namespace qrcloud::center {
namespace {

using v1::Order;

// The order columns, and those only the center has: where a landing order
// came from, its desk status and lines (migration 0018).
const std::string& Columns() {
  static const std::string* columns = new std::string(
      absl::StrCat(ordering::kOrderColumns, ", landing_node_id, table_id, landing_status, items"));
  return *columns;
}

Order FromRow(const store::Row& r) {
  Order o = ordering::OrderFromRow(r);
  if (o.source() != Order::LANDING) return o;
  o.clear_receipt();  // a landing order is paid at the shop: it has no receipt
  o.set_landing_node_id(r.String("landing_node_id"));
  o.set_table(r.String("table_id"));
  Order::LandingStatus status = Order::LANDING_STATUS_UNSPECIFIED;
  Order::LandingStatus_Parse(r.String("landing_status"), &status);
  o.set_landing_status(status);
  if (auto items = store::ParseBody<Order>(r.String("items")); items.ok()) {
    *o.mutable_items() = std::move(*items->mutable_items());
  }
  return o;
}

absl::StatusOr<Order> LoadOne(store::Connection& conn, absl::string_view where,
                              const store::Params& params, bool for_update,
                              absl::string_view what) {
  auto row = conn.QueryOne(absl::StrCat("SELECT ", Columns(), " FROM orders WHERE ", where,
                                        for_update ? " FOR UPDATE" : ""),
                           params);
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("order ", what, " not found"));
  }
  if (!row.ok()) return row.status();
  return FromRow(*row);
}

// What the trigger and the unique keys say about a refused INSERT.
absl::StatusOr<ordering::Placed> Refusal(const absl::Status& s) {
  const absl::string_view m = s.message();
  if (s.code() == absl::StatusCode::kFailedPrecondition) {
    if (absl::StrContains(m, "qrcloud:sold-out")) return ordering::Placed::kSoldOut;
    if (absl::StrContains(m, "qrcloud:limit")) return ordering::Placed::kLimitReached;
  }
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return absl::StrContains(m, "orders_request") ? ordering::Placed::kDuplicateRequest
                                                  : ordering::Placed::kReceiptNumberTaken;
  }
  return s;
}

}  // namespace

absl::StatusOr<ordering::Placed> MysqlOrderStore::Place(store::Tx& tx, const Order& order,
                                                        const ordering::Offer& offer,
                                                        absl::string_view request_id) {
  (void)offer;  // the campaign's own row is the authority on stock and limit
  store::Connection& conn = store::ConnectionOf(tx);
  const absl::Status s =
      conn.Execute(
              absl::StrCat("INSERT INTO orders (", ordering::kOrderColumns,
                           ", request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                           "NULL, NULL, NULL, NULL, ?)"),
              {order.id(), order.campaign_id(), order.merchant_id(), order.account_id(),
               static_cast<int64_t>(order.quantity()), order.total().currency(),
               order.total().minor(), Order::State_Name(order.state()), order.receipt().number(),
               order.receipt().token(), core::FromProto(order.receipt().expire_time()),
               Order::Source_Name(order.source()), order.platform_code(),
               core::FromProto(order.create_time()), std::string(request_id)})
          .status();
  if (s.ok()) return ordering::Placed::kCreated;
  return Refusal(s);
}

absl::StatusOr<std::optional<Order>> MysqlOrderStore::FindByRequest(absl::string_view account_id,
                                                                    absl::string_view request_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto order = LoadOne(*conn, "account_id = ? AND request_id = ?",
                       {std::string(account_id), std::string(request_id)}, false, request_id);
  if (order.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!order.ok()) return order.status();
  return *std::move(order);
}

absl::StatusOr<Order> MysqlOrderStore::Get(absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return LoadOne(*conn, "id = ?", {std::string(id)}, false, id);
}

absl::StatusOr<Order> MysqlOrderStore::Get(store::Tx& tx, absl::string_view id, bool for_update) {
  return LoadOne(store::ConnectionOf(tx), "id = ?", {std::string(id)}, for_update, id);
}

absl::StatusOr<Order> MysqlOrderStore::GetByReceiptNumber(store::Tx& tx,
                                                          absl::string_view merchant_id,
                                                          absl::string_view number,
                                                          bool for_update) {
  return LoadOne(store::ConnectionOf(tx), "merchant_id = ? AND receipt_number = ?",
                 {std::string(merchant_id), std::string(number)}, for_update, number);
}

absl::StatusOr<std::vector<Order>> MysqlOrderStore::List(const ordering::OrderFilter& f) {
  std::string sql = absl::StrCat("SELECT ", Columns(), " FROM orders WHERE ");
  store::Params params;
  if (!f.account_id.empty()) {
    sql += "account_id = ?";
    params.push_back(f.account_id);
  } else {
    sql += "merchant_id = ?";
    params.push_back(f.merchant_id);
  }
  auto add = [&](const char* clause, store::Value value) {
    sql += clause;
    params.push_back(std::move(value));
  };
  if (!f.before_id.empty()) add(" AND id < ?", f.before_id);
  if (!f.offer_id.empty()) add(" AND campaign_id = ?", f.offer_id);
  if (f.state != Order::STATE_UNSPECIFIED) add(" AND state = ?", Order::State_Name(f.state));
  if (f.source != Order::SOURCE_UNSPECIFIED) add(" AND source = ?", Order::Source_Name(f.source));
  if (f.from) add(" AND created_at >= ?", *f.from);
  if (f.to) add(" AND created_at < ?", *f.to);
  add(" ORDER BY id DESC LIMIT ?", static_cast<int64_t>(f.limit));
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
  std::vector<Order> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

absl::StatusOr<bool> MysqlOrderStore::MarkCancelled(store::Tx& tx, const Order& order,
                                                    absl::Time now) {
  store::Connection& conn = store::ConnectionOf(tx);
  const int64_t q = order.quantity();
  QRCLOUD_RETURN_IF_ERROR(
      conn.Execute("UPDATE orders SET state = 'CANCELLED', cancelled_at = ? WHERE id = ?",
                   {now, order.id()})
          .status());
  // The stock comes back, and so does the person's allowance.
  QRCLOUD_ASSIGN_OR_RETURN(
      int64_t limited,
      conn.Execute("UPDATE campaigns SET stock_left = stock_left + ? WHERE id = ? AND stock > 0",
                   {q, order.campaign_id()}));
  QRCLOUD_RETURN_IF_ERROR(conn.Execute("UPDATE campaign_buyers SET quantity = GREATEST(0, quantity "
                                       "- ?) WHERE campaign_id = ? AND account_id = ?",
                                       {q, order.campaign_id(), order.account_id()})
                              .status());
  return limited > 0;
}

absl::Status MysqlOrderStore::InsertRedemption(store::Tx& tx, const v1::Redemption& r) {
  // The unique key on order_id is the last word: a concurrent redemption of
  // the same receipt fails here.
  return ordering::RedemptionInserted(
      store::ConnectionOf(tx)
          .Execute(ordering::kInsertRedemption, ordering::RedemptionValues(r))
          .status());
}

absl::Status MysqlOrderStore::MarkRedeemed(store::Tx& tx, absl::string_view order_id,
                                           absl::Time now) {
  return store::ConnectionOf(tx)
      .Execute("UPDATE orders SET state = 'REDEEMED', redeemed_at = ? WHERE id = ?",
               {now, std::string(order_id)})
      .status();
}

absl::StatusOr<std::optional<ordering::RefundRecord>> MysqlOrderStore::GetRefund(
    store::Tx& tx, absl::string_view order_id) {
  auto row = store::ConnectionOf(tx).QueryOne(
      "SELECT id, merchant_id, refund_request_id, refunded_by, refund_reason, refunded_at FROM "
      "orders WHERE id = ? AND refunded_at IS NOT NULL",
      {std::string(order_id)});
  if (row.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!row.ok()) return row.status();
  return ordering::RefundRecord{
      row->String("id"),          row->String("merchant_id"),   row->String("refund_request_id"),
      row->String("refunded_by"), row->String("refund_reason"), row->Time("refunded_at")};
}

absl::Status MysqlOrderStore::MarkRefunded(store::Tx& tx, const ordering::RefundRecord& r) {
  auto updated = store::ConnectionOf(tx).Execute(
      "UPDATE orders SET state = 'REFUNDED', refunded_at = ?, refund_reason = ?, refunded_by = ?, "
      "refund_request_id = ? WHERE id = ?",
      {r.time, r.reason, r.refunded_by, r.request_id, r.order_id});
  if (updated.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError("this request id refunded another order");
  }
  if (!updated.ok()) return updated.status();
  if (*updated == 0) return absl::NotFoundError(absl::StrCat("order ", r.order_id, " not found"));
  return absl::OkStatus();
}

}  // namespace qrcloud::center
