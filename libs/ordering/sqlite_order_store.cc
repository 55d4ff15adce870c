#include "libs/ordering/sqlite_order_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/ordering/order_row.h"

namespace qrcloud::ordering {
namespace {

using store::Row;
using store::SqliteConnection;
using v1::Order;

// Column names follow the center's orders table (services/center), so the
// two stores read alike; campaign_id holds the offer's id.
const std::vector<store::Migration>& Migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "0001_orders", R"sql(
CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  currency TEXT NOT NULL,
  total_minor INTEGER NOT NULL,
  state TEXT NOT NULL,
  receipt_number TEXT NOT NULL,
  receipt_token TEXT NOT NULL,
  expire_at TEXT NOT NULL,
  source TEXT NOT NULL,
  platform_code TEXT NOT NULL,
  created_at TEXT NOT NULL,
  redeemed_at TEXT NULL,
  cancelled_at TEXT NULL,
  refunded_at TEXT NULL,
  refund_reason TEXT NULL,
  refunded_by TEXT NULL,
  refund_request_id TEXT NULL,
  UNIQUE (account_id, request_id),
  UNIQUE (merchant_id, receipt_number),
  UNIQUE (merchant_id, refund_request_id)
);
CREATE INDEX orders_merchant ON orders (merchant_id, id);
CREATE TABLE offer_stock (
  offer_id TEXT PRIMARY KEY,
  stock_left INTEGER NOT NULL CHECK (stock_left >= 0)
);
CREATE TABLE offer_buyers (
  offer_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (offer_id, account_id)
);
CREATE TABLE redemptions (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL UNIQUE REFERENCES orders (id),
  merchant_id TEXT NOT NULL,
  redeemed_by TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  payment_provider TEXT NOT NULL,
  redeemed_at TEXT NOT NULL
);
)sql"},
  };
  return kMigrations;
}

// "SELECT <the order's columns> FROM orders WHERE ".
const std::string& Select() {
  static const std::string* select =
      new std::string(absl::StrCat("SELECT ", kOrderColumns, " FROM orders WHERE "));
  return *select;
}

// One order matching `where`; NOT_FOUND naming `what` when there is none.
absl::StatusOr<Order> LoadOne(SqliteConnection& conn, absl::string_view where,
                              const store::Params& params, absl::string_view what) {
  auto row = conn.QueryOne(absl::StrCat(Select(), where), params);
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("order ", what, " not found"));
  }
  if (!row.ok()) return row.status();
  return OrderFromRow(*row);
}

absl::StatusOr<bool> Exists(SqliteConnection& conn, absl::string_view sql,
                            const store::Params& params) {
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  return !rows.empty();
}

// Why `order` cannot be placed, or kCreated if it can. Reads only.
absl::StatusOr<Placed> Check(SqliteConnection& conn, const Order& order, const Offer& offer,
                             const std::string& request_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      bool duplicate, Exists(conn, "SELECT 1 FROM orders WHERE account_id = ? AND request_id = ?",
                             {order.account_id(), request_id}));
  if (duplicate) return Placed::kDuplicateRequest;
  QRCLOUD_ASSIGN_OR_RETURN(
      bool taken, Exists(conn, "SELECT 1 FROM orders WHERE merchant_id = ? AND receipt_number = ?",
                         {order.merchant_id(), order.receipt().number()}));
  if (taken) return Placed::kReceiptNumberTaken;
  if (offer.per_person_limit > 0) {
    QRCLOUD_ASSIGN_OR_RETURN(auto held,
                             conn.Query("SELECT quantity FROM offer_buyers WHERE offer_id = ? AND "
                                        "account_id = ?",
                                        {offer.id, order.account_id()}));
    const int64_t already = held.empty() ? 0 : held[0].Int("quantity");
    if (already + order.quantity() > offer.per_person_limit) return Placed::kLimitReached;
  }
  if (offer.limited()) {
    QRCLOUD_ASSIGN_OR_RETURN(
        auto left, conn.Query("SELECT stock_left FROM offer_stock WHERE offer_id = ?", {offer.id}));
    const int64_t stock = left.empty() ? offer.stock : left[0].Int("stock_left");
    if (stock < order.quantity()) return Placed::kSoldOut;
  }
  return Placed::kCreated;
}

// The order, the buyer's count and the stock left.
absl::Status Write(SqliteConnection& conn, const Order& order, const Offer& offer,
                   const std::string& request_id) {
  const int64_t q = order.quantity();
  QRCLOUD_RETURN_IF_ERROR(
      conn.Execute(
              "INSERT INTO orders (id, campaign_id, merchant_id, account_id, request_id, "
              "quantity, currency, total_minor, state, receipt_number, receipt_token, "
              "expire_at, source, platform_code, created_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {order.id(), order.campaign_id(), order.merchant_id(), order.account_id(), request_id,
               q, order.total().currency(), order.total().minor(), Order::State_Name(order.state()),
               order.receipt().number(), order.receipt().token(),
               core::FromProto(order.receipt().expire_time()), Order::Source_Name(order.source()),
               order.platform_code(), core::FromProto(order.create_time())})
          .status());
  QRCLOUD_RETURN_IF_ERROR(conn.Execute("INSERT INTO offer_buyers (offer_id, account_id, quantity) "
                                       "VALUES (?, ?, ?) ON CONFLICT (offer_id, account_id) "
                                       "DO UPDATE SET quantity = quantity + excluded.quantity",
                                       {offer.id, order.account_id(), q})
                              .status());
  if (!offer.limited()) return absl::OkStatus();
  return conn
      .Execute(
          "INSERT INTO offer_stock (offer_id, stock_left) VALUES (?, ?) "
          "ON CONFLICT (offer_id) DO UPDATE SET stock_left = stock_left - ?",
          {offer.id, offer.stock - q, q})
      .status();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteOrderStore>> SqliteOrderStore::Open(store::SqliteDb& db) {
  QRCLOUD_RETURN_IF_ERROR(db.Migrate("ordering", Migrations()));
  return std::unique_ptr<SqliteOrderStore>(new SqliteOrderStore(db));
}

absl::StatusOr<Placed> SqliteOrderStore::Place(store::Tx& tx, const Order& order,
                                               const Offer& offer, absl::string_view request_id) {
  SqliteConnection& conn = store::SqliteConnectionOf(tx);
  const std::string request(request_id);
  // The unit holds the write lock: nothing read here changes before the write.
  QRCLOUD_ASSIGN_OR_RETURN(Placed placed, Check(conn, order, offer, request));
  if (placed != Placed::kCreated) return placed;
  QRCLOUD_RETURN_IF_ERROR(Write(conn, order, offer, request));
  return Placed::kCreated;
}

absl::Status SqliteOrderStore::Import(store::Tx& tx, const Order& order) {
  SqliteConnection& conn = store::SqliteConnectionOf(tx);
  const absl::Time created = core::FromProto(order.create_time());
  const absl::Time expires = order.receipt().has_expire_time()
                                 ? core::FromProto(order.receipt().expire_time())
                                 : created + absl::Hours(24 * 30);
  return conn
      .Execute(
          "INSERT INTO orders (id, campaign_id, merchant_id, account_id, request_id, "
          "quantity, currency, total_minor, state, receipt_number, receipt_token, "
          "expire_at, source, platform_code, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {order.id(), order.campaign_id(), order.merchant_id(), order.account_id(),
           absl::StrCat("import:", order.id()), static_cast<int64_t>(std::max(1, order.quantity())),
           order.total().currency(), order.total().minor(), Order::State_Name(order.state()),
           // Receipt numbers are unique per merchant among the node's own;
           // an imported order is found by its id.
           absl::StrCat("import:", order.id()), order.receipt().token(), expires,
           Order::Source_Name(order.source()), order.platform_code(), created})
      .status();
}

absl::StatusOr<std::optional<Order>> SqliteOrderStore::FindByRequest(absl::string_view account_id,
                                                                     absl::string_view request_id) {
  std::optional<Order> found;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    auto order = LoadOne(conn, "account_id = ? AND request_id = ?",
                         {std::string(account_id), std::string(request_id)}, request_id);
    if (order.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
    if (!order.ok()) return order.status();
    found = *std::move(order);
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<Order> SqliteOrderStore::Get(absl::string_view id) {
  absl::StatusOr<Order> out;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) {
    out = LoadOne(conn, "id = ?", {std::string(id)}, id);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Order> SqliteOrderStore::Get(store::Tx& tx, absl::string_view id, bool) {
  return LoadOne(store::SqliteConnectionOf(tx), "id = ?", {std::string(id)}, id);
}

absl::StatusOr<Order> SqliteOrderStore::GetByReceiptNumber(store::Tx& tx,
                                                           absl::string_view merchant_id,
                                                           absl::string_view number, bool) {
  return LoadOne(store::SqliteConnectionOf(tx), "merchant_id = ? AND receipt_number = ?",
                 {std::string(merchant_id), std::string(number)}, number);
}

absl::StatusOr<std::vector<Order>> SqliteOrderStore::List(const OrderFilter& f) {
  // Only fixed clauses join the text; every value is bound.
  std::string where;
  store::Params params;
  auto add = [&](const char* clause, store::Value value) {
    where += clause;
    params.push_back(std::move(value));
  };
  if (!f.account_id.empty()) {
    add("account_id = ?", f.account_id);
  } else {
    add("merchant_id = ?", f.merchant_id);
  }
  if (!f.before_id.empty()) add(" AND id < ?", f.before_id);
  if (!f.offer_id.empty()) add(" AND campaign_id = ?", f.offer_id);
  if (f.state != Order::STATE_UNSPECIFIED) add(" AND state = ?", Order::State_Name(f.state));
  if (f.source != Order::SOURCE_UNSPECIFIED) add(" AND source = ?", Order::Source_Name(f.source));
  if (f.from) add(" AND created_at >= ?", *f.from);
  if (f.to) add(" AND created_at < ?", *f.to);
  add(" ORDER BY id DESC LIMIT ?", static_cast<int64_t>(f.limit));
  std::vector<Order> out;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query(absl::StrCat(Select(), where), params));
    out.reserve(rows.size());
    for (const Row& r : rows) out.push_back(OrderFromRow(r));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<bool> SqliteOrderStore::MarkCancelled(store::Tx& tx, const Order& order,
                                                     absl::Time now) {
  SqliteConnection& conn = store::SqliteConnectionOf(tx);
  const int64_t q = order.quantity();
  QRCLOUD_RETURN_IF_ERROR(
      conn.Execute("UPDATE orders SET state = 'CANCELLED', cancelled_at = ? WHERE id = ?",
                   {now, order.id()})
          .status());
  // The allowance comes back, and so does the stock of a limited offer.
  QRCLOUD_RETURN_IF_ERROR(conn.Execute("UPDATE offer_buyers SET quantity = MAX(0, quantity - ?) "
                                       "WHERE offer_id = ? AND account_id = ?",
                                       {q, order.campaign_id(), order.account_id()})
                              .status());
  QRCLOUD_ASSIGN_OR_RETURN(
      int64_t limited,
      conn.Execute("UPDATE offer_stock SET stock_left = stock_left + ? WHERE offer_id = ?",
                   {q, order.campaign_id()}));
  return limited > 0;
}

absl::Status SqliteOrderStore::InsertRedemption(store::Tx& tx, const v1::Redemption& r) {
  return RedemptionInserted(
      store::SqliteConnectionOf(tx).Execute(kInsertRedemption, RedemptionValues(r)).status());
}

absl::Status SqliteOrderStore::MarkRedeemed(store::Tx& tx, absl::string_view order_id,
                                            absl::Time now) {
  QRCLOUD_ASSIGN_OR_RETURN(int64_t changed,
                           store::SqliteConnectionOf(tx).Execute(
                               "UPDATE orders SET state = 'REDEEMED', redeemed_at = ? WHERE id = ?",
                               {now, std::string(order_id)}));
  if (changed == 0) return absl::NotFoundError(absl::StrCat("order ", order_id, " not found"));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<RefundRecord>> SqliteOrderStore::GetRefund(
    store::Tx& tx, absl::string_view order_id) {
  auto row = store::SqliteConnectionOf(tx).QueryOne(
      "SELECT id, merchant_id, refund_request_id, refunded_by, refund_reason, refunded_at FROM "
      "orders WHERE id = ? AND refunded_at IS NOT NULL",
      {std::string(order_id)});
  if (row.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!row.ok()) return row.status();
  return RefundRecord{
      row->String("id"),          row->String("merchant_id"),   row->String("refund_request_id"),
      row->String("refunded_by"), row->String("refund_reason"), row->Time("refunded_at")};
}

absl::Status SqliteOrderStore::MarkRefunded(store::Tx& tx, const RefundRecord& r) {
  auto updated = store::SqliteConnectionOf(tx).Execute(
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

absl::StatusOr<int64_t> SqliteOrderStore::StockLeft(const std::string& offer_id) {
  int64_t left = -1;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT stock_left FROM offer_stock WHERE offer_id = ?", {offer_id}));
    if (!rows.empty()) left = rows[0].Int("stock_left");
    return absl::OkStatus();
  }));
  return left;
}

absl::StatusOr<int> SqliteOrderStore::RedemptionCount(const std::string& order_id) {
  int n = 0;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(
        Row row,
        conn.QueryOne("SELECT COUNT(*) AS n FROM redemptions WHERE order_id = ?", {order_id}));
    n = static_cast<int>(row.Int("n"));
    return absl::OkStatus();
  }));
  return n;
}

}  // namespace qrcloud::ordering
