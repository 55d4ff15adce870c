#include "services/landing/node_store.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::landing {
namespace {

using store::Row;
using store::SqliteConnection;
using v1::Order;

const std::vector<store::Migration>& Migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "0001_landing", R"sql(
CREATE TABLE node_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  config TEXT NOT NULL,
  pulled_at TEXT NOT NULL
);
CREATE TABLE sold_out_here (
  menu_item_id TEXT PRIMARY KEY,
  since TEXT NOT NULL
);
CREATE TABLE landing_orders (
  order_id TEXT PRIMARY KEY REFERENCES orders (id),
  table_id TEXT NOT NULL,
  node_id TEXT NOT NULL,
  status TEXT NOT NULL,
  lines TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('node', 'center')),
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX landing_orders_table ON landing_orders (table_id, status);
CREATE INDEX landing_orders_status ON landing_orders (status, order_id);
CREATE TABLE shifts (
  id TEXT PRIMARY KEY,
  opened_at TEXT NOT NULL,
  closed_at TEXT NULL,
  unsynced_at_close INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE cloud_redemptions (
  order_id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  redeemed_at TEXT NOT NULL
);
CREATE TABLE sync_marks (
  outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id),
  state TEXT NOT NULL CHECK (state IN ('sending', 'parked')),
  reason TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);
CREATE INDEX sync_marks_state ON sync_marks (state);
CREATE TABLE sync_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
  };
  return kMigrations;
}

std::string LinesJson(const Order& order) {
  Order lines;
  *lines.mutable_items() = order.items();
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(lines, &json);
  return json;
}

Order::LandingStatus StatusFrom(const std::string& name) {
  Order::LandingStatus s = Order::LANDING_STATUS_UNSPECIFIED;
  (void)Order::LandingStatus_Parse(name, &s);
  return s;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NodeStore>> NodeStore::Open(store::SqliteDb& db) {
  QRCLOUD_RETURN_IF_ERROR(db.Migrate("landing", Migrations()));
  return std::unique_ptr<NodeStore>(new NodeStore(db));
}

absl::StatusOr<v1::LandingConfig> NodeStore::Config() {
  v1::LandingConfig config;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT config FROM node_config WHERE id = 1"));
    if (rows.empty()) return absl::OkStatus();
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    auto parsed =
        google::protobuf::util::JsonStringToMessage(rows[0].String("config"), &config, options);
    if (!parsed.ok()) return absl::DataLossError("the stored configuration does not parse");
    return absl::OkStatus();
  }));
  return config;
}

absl::Status NodeStore::SaveConfig(const v1::LandingConfig& config) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(config, &json);
  return db_.Run([&](store::Tx& tx) -> absl::Status {
    return store::SqliteConnectionOf(tx)
        .Execute(
            "INSERT INTO node_config (id, version, config, pulled_at) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, config = excluded.config, "
            "pulled_at = excluded.pulled_at",
            {config.version(), json, absl::Now()})
        .status();
  });
}

absl::StatusOr<std::set<std::string>> NodeStore::SoldOutHere() {
  std::set<std::string> out;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT menu_item_id FROM sold_out_here"));
    for (const Row& r : rows) out.insert(r.String("menu_item_id"));
    return absl::OkStatus();
  }));
  return out;
}

absl::Status NodeStore::SetSoldOut(const std::string& menu_item_id, bool sold_out) {
  return db_.Run([&](store::Tx& tx) -> absl::Status {
    SqliteConnection& conn = store::SqliteConnectionOf(tx);
    if (sold_out) {
      return conn
          .Execute(
              "INSERT INTO sold_out_here (menu_item_id, since) VALUES (?, ?) "
              "ON CONFLICT (menu_item_id) DO NOTHING",
              {menu_item_id, absl::Now()})
          .status();
    }
    return conn.Execute("DELETE FROM sold_out_here WHERE menu_item_id = ?", {menu_item_id})
        .status();
  });
}

absl::Status NodeStore::InsertLanding(store::Tx& tx, const Order& order, absl::string_view origin) {
  const Order::LandingStatus status = order.landing_status() == Order::LANDING_STATUS_UNSPECIFIED
                                          ? Order::PLACED
                                          : order.landing_status();
  const absl::Time created = core::FromProto(order.create_time());
  return store::SqliteConnectionOf(tx)
      .Execute(
          "INSERT INTO landing_orders (order_id, table_id, node_id, status, lines, origin, "
          "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {order.id(), order.table(), order.landing_node_id(), Order::LandingStatus_Name(status),
           LinesJson(order), std::string(origin), created, created})
      .status();
}

absl::Status NodeStore::SetStatus(store::Tx& tx, const std::string& order_id,
                                  Order::LandingStatus status, absl::string_view reason,
                                  absl::Time now) {
  return store::SqliteConnectionOf(tx)
      .Execute(
          "UPDATE landing_orders SET status = ?, reason = ?, updated_at = ? WHERE order_id = ?",
          {Order::LandingStatus_Name(status), std::string(reason), now, order_id})
      .status();
}

absl::Status NodeStore::Decorate(SqliteConnection& conn, Order& order) {
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("SELECT table_id, node_id, status, lines FROM landing_orders WHERE order_id = ?",
                 {order.id()}));
  if (rows.empty()) return absl::OkStatus();
  const Row& r = rows[0];
  Order lines;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  (void)google::protobuf::util::JsonStringToMessage(r.String("lines"), &lines, options);
  *order.mutable_items() = lines.items();
  order.set_table(r.String("table_id"));
  order.set_landing_node_id(r.String("node_id"));
  order.set_landing_status(StatusFrom(r.String("status")));
  return absl::OkStatus();
}

absl::StatusOr<std::string> NodeStore::OriginOf(SqliteConnection& conn,
                                                const std::string& order_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn.Query("SELECT origin FROM landing_orders WHERE order_id = ?", {order_id}));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("order ", order_id, " not found"));
  return rows[0].String("origin");
}

absl::StatusOr<std::vector<std::string>> NodeStore::LandingOrderIds(Order::LandingStatus status,
                                                                    const std::string& table,
                                                                    int limit, bool open_only) {
  std::string sql = "SELECT order_id FROM landing_orders WHERE 1 = 1";
  store::Params params;
  if (status != Order::LANDING_STATUS_UNSPECIFIED) {
    absl::StrAppend(&sql, " AND status = ?");
    params.push_back(Order::LandingStatus_Name(status));
  }
  if (open_only) absl::StrAppend(&sql, " AND status IN ('PLACED', 'ACCEPTED', 'PAID')");
  if (!table.empty()) {
    absl::StrAppend(&sql, " AND table_id = ?");
    params.push_back(table);
  }
  absl::StrAppend(&sql, " ORDER BY order_id DESC LIMIT ?");
  params.push_back(static_cast<int64_t>(limit));
  std::vector<std::string> ids;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
    for (const Row& r : rows) ids.push_back(r.String("order_id"));
    return absl::OkStatus();
  }));
  return ids;
}

namespace {

NodeStore::ShiftRow ShiftFrom(const Row& r) {
  NodeStore::ShiftRow s;
  s.id = r.String("id");
  s.opened = store::FromSqlTime(r.String("opened_at"));
  if (!r.IsNull("closed_at")) s.closed = store::FromSqlTime(r.String("closed_at"));
  s.unsynced_at_close = r.Int("unsynced_at_close");
  return s;
}

}  // namespace

absl::StatusOr<std::optional<NodeStore::ShiftRow>> NodeStore::OpenShift(SqliteConnection& conn) {
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT * FROM shifts WHERE closed_at IS NULL "
                                                 "ORDER BY id DESC LIMIT 1"));
  if (rows.empty()) return std::nullopt;
  return ShiftFrom(rows[0]);
}

absl::StatusOr<std::optional<NodeStore::ShiftRow>> NodeStore::LastShift(SqliteConnection& conn) {
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT * FROM shifts ORDER BY id DESC LIMIT 1"));
  if (rows.empty()) return std::nullopt;
  return ShiftFrom(rows[0]);
}

absl::Status NodeStore::InsertShift(store::Tx& tx, const ShiftRow& shift) {
  return store::SqliteConnectionOf(tx)
      .Execute("INSERT INTO shifts (id, opened_at) VALUES (?, ?)", {shift.id, shift.opened})
      .status();
}

absl::Status NodeStore::CloseShift(store::Tx& tx, const std::string& id, absl::Time at,
                                   int64_t unsynced) {
  return store::SqliteConnectionOf(tx)
      .Execute("UPDATE shifts SET closed_at = ?, unsynced_at_close = ? WHERE id = ?",
               {at, unsynced, id})
      .status();
}

absl::StatusOr<std::pair<int64_t, v1::Money>> NodeStore::ShiftTotals(SqliteConnection& conn,
                                                                     absl::Time from,
                                                                     absl::Time to) {
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("SELECT o.currency AS currency, COUNT(*) AS n, SUM(o.total_minor) AS total "
                 "FROM landing_orders l JOIN orders o ON o.id = l.order_id "
                 "WHERE l.created_at >= ? AND l.created_at < ? AND l.status <> 'REJECTED' "
                 "GROUP BY o.currency ORDER BY n DESC",
                 {from, to}));
  v1::Money total;
  total.set_currency("CNY");
  int64_t n = 0;
  for (const Row& r : rows) {
    n += r.Int("n");
    if (&r == &rows[0]) {
      total.set_currency(r.String("currency"));
      total.set_minor(r.Int("total"));
    }
  }
  return std::make_pair(n, total);
}

absl::Status NodeStore::InsertCloudRedemption(store::Tx& tx, const std::string& order_id,
                                              const std::string& merchant_id, absl::Time at) {
  SqliteConnection& conn = store::SqliteConnectionOf(tx);
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("SELECT redeemed_at FROM cloud_redemptions WHERE order_id = ?", {order_id}));
  if (!rows.empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat("this receipt was already redeemed here at ",
                     absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", rows[0].Time("redeemed_at"),
                                      absl::UTCTimeZone())));
  }
  return conn
      .Execute(
          "INSERT INTO cloud_redemptions (order_id, merchant_id, redeemed_at) VALUES (?, ?, ?)",
          {order_id, merchant_id, at})
      .status();
}

absl::StatusOr<std::vector<OutboxRow>> NodeStore::TakeBatch(int limit, absl::Time now) {
  std::vector<OutboxRow> out;
  QRCLOUD_RETURN_IF_ERROR(db_.Run([&](store::Tx& tx) -> absl::Status {
    SqliteConnection& conn = store::SqliteConnectionOf(tx);
    QRCLOUD_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT o.id AS id, o.event_id AS event_id, o.stream AS stream, o.type AS type, "
                   "o.data AS data FROM outbox o LEFT JOIN sync_marks m ON m.outbox_id = o.id "
                   "WHERE o.published_at IS NULL AND m.outbox_id IS NULL ORDER BY o.id LIMIT ?",
                   {static_cast<int64_t>(limit)}));
    for (const Row& r : rows) {
      out.push_back({r.Int("id"), r.String("event_id"), r.String("stream"), r.String("type"),
                     r.String("data")});
      QRCLOUD_RETURN_IF_ERROR(conn.Execute("INSERT INTO sync_marks (outbox_id, state, updated_at) "
                                           "VALUES (?, 'sending', ?)",
                                           {r.Int("id"), now})
                                  .status());
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status NodeStore::Settle(const std::vector<int64_t>& synced,
                               const std::vector<std::pair<int64_t, std::string>>& parked,
                               const std::vector<int64_t>& retry, absl::Time now) {
  return db_.Run([&](store::Tx& tx) -> absl::Status {
    SqliteConnection& conn = store::SqliteConnectionOf(tx);
    for (int64_t id : synced) {
      QRCLOUD_RETURN_IF_ERROR(
          conn.Execute("UPDATE outbox SET published_at = ? WHERE id = ?", {now, id}).status());
      QRCLOUD_RETURN_IF_ERROR(
          conn.Execute("DELETE FROM sync_marks WHERE outbox_id = ?", {id}).status());
    }
    for (const auto& [id, reason] : parked) {
      QRCLOUD_RETURN_IF_ERROR(
          conn.Execute(
                  "INSERT INTO sync_marks (outbox_id, state, reason, updated_at) "
                  "VALUES (?, 'parked', ?, ?) ON CONFLICT (outbox_id) DO UPDATE SET "
                  "state = 'parked', reason = excluded.reason, updated_at = excluded.updated_at",
                  {id, reason, now})
              .status());
    }
    for (int64_t id : retry) {
      QRCLOUD_RETURN_IF_ERROR(
          conn.Execute("DELETE FROM sync_marks WHERE outbox_id = ? AND state = 'sending'", {id})
              .status());
    }
    return absl::OkStatus();
  });
}

absl::Status NodeStore::Park(const std::vector<std::pair<int64_t, std::string>>& parked,
                             absl::Time now) {
  return Settle({}, parked, {}, now);
}

absl::StatusOr<int64_t> NodeStore::ResetSending() {
  int64_t n = 0;
  QRCLOUD_RETURN_IF_ERROR(db_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(
        n, store::SqliteConnectionOf(tx).Execute("DELETE FROM sync_marks WHERE state = 'sending'"));
    return absl::OkStatus();
  }));
  return n;
}

absl::StatusOr<SyncCounts> NodeStore::Counts() {
  SyncCounts c;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(
        Row unsent, conn.QueryOne("SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL"));
    QRCLOUD_ASSIGN_OR_RETURN(auto marks, conn.Query("SELECT state, COUNT(*) AS n FROM sync_marks "
                                                    "GROUP BY state"));
    for (const Row& r : marks) {
      if (r.String("state") == "parked") c.parked = r.Int("n");
      if (r.String("state") == "sending") c.sending = r.Int("n");
    }
    c.pending = unsent.Int("n") - c.parked;
    return absl::OkStatus();
  }));
  return c;
}

absl::StatusOr<std::vector<v1::ParkedRecord>> NodeStore::Parked(int limit) {
  std::vector<v1::ParkedRecord> out;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT o.id AS id, o.event_id AS event_id, o.type AS type, o.data AS data, "
                   "m.reason AS reason, m.updated_at AS updated_at FROM sync_marks m "
                   "JOIN outbox o ON o.id = m.outbox_id WHERE m.state = 'parked' "
                   "ORDER BY o.id LIMIT ?",
                   {static_cast<int64_t>(limit)}));
    for (const Row& r : rows) {
      v1::ParkedRecord& p = out.emplace_back();
      p.set_sequence(r.Int("id"));
      p.set_uuid(r.String("event_id"));
      p.set_type(r.String("type"));
      p.set_reason(r.String("reason"));
      p.set_data(r.String("data"));
      core::ToProto(r.Time("updated_at"), p.mutable_park_time());
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::string> NodeStore::GetState(const std::string& key) {
  std::string value;
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(auto rows,
                             conn.Query("SELECT value FROM sync_state WHERE name = ?", {key}));
    if (!rows.empty()) value = rows[0].String("value");
    return absl::OkStatus();
  }));
  return value;
}

absl::Status NodeStore::PutState(const std::string& key, const std::string& value) {
  return db_.Run([&](store::Tx& tx) -> absl::Status {
    return store::SqliteConnectionOf(tx)
        .Execute(
            "INSERT INTO sync_state (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            {key, value})
        .status();
  });
}

// --- LandingOrderStore ------------------------------------------------------

absl::StatusOr<ordering::Placed> LandingOrderStore::Place(store::Tx& tx, const Order& order,
                                                          const ordering::Offer& offer,
                                                          absl::string_view request_id) {
  QRCLOUD_ASSIGN_OR_RETURN(ordering::Placed placed, orders_.Place(tx, order, offer, request_id));
  if (placed != ordering::Placed::kCreated || order.source() != Order::LANDING) return placed;
  QRCLOUD_RETURN_IF_ERROR(node_.InsertLanding(tx, order, "node"));
  return placed;
}

absl::StatusOr<Order> LandingOrderStore::Decorated(absl::StatusOr<Order> order) {
  if (!order.ok()) return order;
  QRCLOUD_RETURN_IF_ERROR(
      db_.Read([&](SqliteConnection& conn) { return node_.Decorate(conn, *order); }));
  return order;
}

absl::StatusOr<std::optional<Order>> LandingOrderStore::FindByRequest(
    absl::string_view account_id, absl::string_view request_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto found, orders_.FindByRequest(account_id, request_id));
  if (!found) return found;
  QRCLOUD_ASSIGN_OR_RETURN(Order order, Decorated(*std::move(found)));
  return order;
}

absl::StatusOr<Order> LandingOrderStore::Get(absl::string_view id) {
  return Decorated(orders_.Get(id));
}

absl::StatusOr<Order> LandingOrderStore::Get(store::Tx& tx, absl::string_view id, bool for_update) {
  QRCLOUD_ASSIGN_OR_RETURN(Order order, orders_.Get(tx, id, for_update));
  QRCLOUD_RETURN_IF_ERROR(node_.Decorate(store::SqliteConnectionOf(tx), order));
  return order;
}

absl::StatusOr<Order> LandingOrderStore::GetByReceiptNumber(store::Tx& tx,
                                                            absl::string_view merchant_id,
                                                            absl::string_view number,
                                                            bool for_update) {
  QRCLOUD_ASSIGN_OR_RETURN(Order order,
                           orders_.GetByReceiptNumber(tx, merchant_id, number, for_update));
  QRCLOUD_RETURN_IF_ERROR(node_.Decorate(store::SqliteConnectionOf(tx), order));
  return order;
}

absl::StatusOr<std::vector<Order>> LandingOrderStore::List(const ordering::OrderFilter& filter) {
  QRCLOUD_ASSIGN_OR_RETURN(auto orders, orders_.List(filter));
  QRCLOUD_RETURN_IF_ERROR(db_.Read([&](SqliteConnection& conn) -> absl::Status {
    for (Order& o : orders) QRCLOUD_RETURN_IF_ERROR(node_.Decorate(conn, o));
    return absl::OkStatus();
  }));
  return orders;
}

absl::StatusOr<bool> LandingOrderStore::MarkCancelled(store::Tx& tx, const Order& order,
                                                      absl::Time now) {
  return orders_.MarkCancelled(tx, order, now);
}

absl::Status LandingOrderStore::InsertRedemption(store::Tx& tx, const v1::Redemption& redemption) {
  return orders_.InsertRedemption(tx, redemption);
}

absl::Status LandingOrderStore::MarkRedeemed(store::Tx& tx, absl::string_view order_id,
                                             absl::Time now) {
  QRCLOUD_RETURN_IF_ERROR(orders_.MarkRedeemed(tx, order_id, now));
  // A redeemed landing order is settled at the desk (the same unit).
  return node_.SetStatus(tx, std::string(order_id), Order::SETTLED, "", now);
}

absl::StatusOr<std::optional<ordering::RefundRecord>> LandingOrderStore::GetRefund(
    store::Tx& tx, absl::string_view order_id) {
  return orders_.GetRefund(tx, order_id);
}

absl::Status LandingOrderStore::MarkRefunded(store::Tx& tx, const ordering::RefundRecord& refund) {
  return orders_.MarkRefunded(tx, refund);
}

absl::Status LandingOrderStore::Import(store::Tx& tx, const Order& order) {
  QRCLOUD_RETURN_IF_ERROR(orders_.Import(tx, order));
  return node_.InsertLanding(tx, order, "center");
}

}  // namespace qrcloud::landing
