#include "services/center/mysql_landing_store.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/store/chunks.h"
#include "libs/store/json_rows.h"

namespace qrcloud::center {
namespace {

constexpr char kNodeColumns[] =
    "id, merchant_id, name, lan_url, high_water_mark, config_version, last_seen_at, created_at, "
    "revoked_at";

v1::LandingNode NodeFromRow(const store::Row& r) {
  v1::LandingNode n;
  n.set_id(r.String("id"));
  n.set_merchant_id(r.String("merchant_id"));
  n.set_name(r.String("name"));
  n.set_lan_url(r.String("lan_url"));
  n.set_high_water_mark(r.Int("high_water_mark"));
  n.set_config_version(r.Int("config_version"));
  if (!r.IsNull("last_seen_at")) core::ToProto(r.Time("last_seen_at"), n.mutable_last_seen_time());
  core::ToProto(r.Time("created_at"), n.mutable_create_time());
  if (!r.IsNull("revoked_at")) core::ToProto(r.Time("revoked_at"), n.mutable_revoke_time());
  return n;
}

store::Value TimeOrNull(const std::optional<absl::Time>& t) {
  return t ? store::Value(*t) : store::Value(nullptr);
}

// A landing order's row of the `orders` table, in kLandingOrderColumns'
// order: what the center keeps of an order a node took or one it took for a
// node's table (no buyer account, no receipt).
void AddLandingOrderRow(store::Params& p, const v1::Order& o, absl::Time created,
                        std::optional<absl::Time> redeemed, std::optional<absl::Time> cancelled,
                        const std::string& node_id, int64_t sequence, const std::string& items) {
  store::Add(p, {o.id(),
                 "",
                 o.merchant_id(),
                 "",
                 o.id(),
                 static_cast<int64_t>(o.quantity()),
                 o.total().currency(),
                 o.total().minor(),
                 v1::Order::State_Name(o.state()),
                 nullptr,
                 "",
                 created,
                 "LANDING",
                 "",
                 created,
                 TimeOrNull(redeemed),
                 TimeOrNull(cancelled),
                 node_id,
                 o.table(),
                 v1::Order::LandingStatus_Name(o.landing_status()),
                 sequence,
                 items});
}

// The columns a landing order is written with; the update keeps the state
// of the highest sequence (landing_sequence is assigned last: MySQL applies
// the assignments left to right, and the guard reads the old value).
constexpr char kLandingOrderInsert[] =
    "INSERT INTO orders (id, campaign_id, merchant_id, account_id, request_id, quantity, currency, "
    "total_minor, state, receipt_number, receipt_token, expire_at, source, platform_code, "
    "created_at, redeemed_at, cancelled_at, landing_node_id, table_id, landing_status, "
    "landing_sequence, items) VALUES ";
constexpr size_t kLandingOrderColumns = 22;

std::string Newer(absl::string_view column) {
  return absl::StrCat(column, " = IF(VALUES(landing_sequence) > landing_sequence, VALUES(", column,
                      "), ", column, ")");
}

std::string LandingOrderUpsert(size_t n) {
  std::string sql = absl::StrCat(kLandingOrderInsert, store::Rows(n, kLandingOrderColumns),
                                 " ON DUPLICATE KEY UPDATE ");
  for (const char* c : {"quantity", "currency", "total_minor", "state", "redeemed_at",
                        "cancelled_at", "table_id", "landing_status", "items"}) {
    absl::StrAppend(&sql, Newer(c), ", ");
  }
  absl::StrAppend(&sql, "landing_sequence = GREATEST(landing_sequence, VALUES(landing_sequence))");
  return sql;
}

// A uuid that can be a key of landing_sync_records.
bool UsableUuid(absl::string_view uuid) { return !uuid.empty() && uuid.size() <= 64; }

struct OrderRow {
  v1::Order order;
  int64_t sequence;
  std::string items_json;
};

}  // namespace

absl::StatusOr<std::optional<v1::LandingConfig>> MysqlLandingStore::GetConfig(
    absl::string_view merchant_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(auto rows,
                           conn->Query("SELECT body FROM landing_configs WHERE merchant_id = ?",
                                       {std::string(merchant_id)}));
  return store::FirstBody<v1::LandingConfig>(std::move(rows));
}

absl::Status MysqlLandingStore::PutConfig(const v1::LandingConfig& config, int64_t previous_version,
                                          absl::Time now) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string body, store::BodyJson(config));
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  const auto changed = [&] {
    return absl::AbortedError(
        "the landing configuration changed while this update was made; read it again and "
        "re-apply");
  };
  if (previous_version == 0) {
    auto inserted = conn->Execute(
        "INSERT INTO landing_configs (merchant_id, version, body, updated_at) VALUES (?, ?, ?, ?)",
        {config.merchant_id(), config.version(), body, now});
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) return changed();
    return inserted.status();
  }
  QRCLOUD_ASSIGN_OR_RETURN(
      int64_t matched,
      conn->Execute("UPDATE landing_configs SET version = ?, body = ?, updated_at = ? WHERE "
                    "merchant_id = ? AND version = ?",
                    {config.version(), body, now, config.merchant_id(), previous_version}));
  if (matched == 0) return changed();
  return absl::OkStatus();
}

absl::Status MysqlLandingStore::InsertNode(const v1::LandingNode& node,
                                           absl::string_view request_id,
                                           const auth::NewApiKey& key) {
  return mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    const absl::Time created = core::FromProto(node.create_time());
    QRCLOUD_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO landing_nodes (id, merchant_id, name, lan_url, request_id, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                     {node.id(), node.merchant_id(), node.name(), node.lan_url(),
                      std::string(request_id), created})
            .status());
    return conn
        .Execute(
            "INSERT INTO api_keys (id, account_id, name, key_hash, prefix, created_at, "
            "node_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {core::NewId(), node.id(), absl::StrCat("landing node ", node.name()), key.hash,
             key.prefix, created, node.id()})
        .status();
  });
}

absl::StatusOr<std::optional<v1::LandingNode>> MysqlLandingStore::FindNodeByRequest(
    absl::string_view merchant_id, absl::string_view request_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(auto rows,
                           conn->Query(absl::StrCat("SELECT ", kNodeColumns,
                                                    " FROM landing_nodes WHERE merchant_id = ? AND "
                                                    "request_id = ?"),
                                       {std::string(merchant_id), std::string(request_id)}));
  if (rows.empty()) return std::nullopt;
  return NodeFromRow(rows.front());
}

absl::StatusOr<std::vector<std::string>> MysqlLandingStore::ReplaceNodeKey(
    absl::string_view node_id, const auth::NewApiKey& key, absl::Time now) {
  std::vector<std::string> old;
  QRCLOUD_RETURN_IF_ERROR(mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    old.clear();
    QRCLOUD_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT key_hash FROM api_keys WHERE node_id = ? AND revoked_at IS "
                              "NULL FOR UPDATE",
                              {std::string(node_id)}));
    for (const auto& r : rows) old.push_back(r.String("key_hash"));
    QRCLOUD_RETURN_IF_ERROR(
        conn.Execute("UPDATE api_keys SET revoked_at = ? WHERE node_id = ? AND revoked_at IS NULL",
                     {now, std::string(node_id)})
            .status());
    return conn
        .Execute(
            "INSERT INTO api_keys (id, account_id, name, key_hash, prefix, created_at, "
            "node_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {core::NewId(), std::string(node_id), "landing node", key.hash, key.prefix, now,
             std::string(node_id)})
        .status();
  }));
  return old;
}

absl::StatusOr<v1::LandingNode> MysqlLandingStore::GetNode(absl::string_view node_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  auto row =
      conn->QueryOne(absl::StrCat("SELECT ", kNodeColumns, " FROM landing_nodes WHERE id = ?"),
                     {std::string(node_id)});
  if (absl::IsNotFound(row.status())) {
    return absl::NotFoundError(absl::StrCat("landing node ", node_id, " not found"));
  }
  if (!row.ok()) return row.status();
  return NodeFromRow(*row);
}

absl::StatusOr<std::vector<v1::LandingNode>> MysqlLandingStore::ListNodes(
    absl::string_view merchant_id, absl::string_view after_id, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows,
      conn->Query(absl::StrCat("SELECT ", kNodeColumns,
                               " FROM landing_nodes WHERE merchant_id = ? AND id > ? ORDER BY id "
                               "LIMIT ?"),
                  {std::string(merchant_id), std::string(after_id), static_cast<int64_t>(limit)}));
  std::vector<v1::LandingNode> out;
  for (const auto& r : rows) out.push_back(NodeFromRow(r));
  return out;
}

absl::StatusOr<std::vector<std::string>> MysqlLandingStore::RevokeNode(absl::string_view node_id,
                                                                       absl::Time now) {
  std::vector<std::string> hashes;
  QRCLOUD_RETURN_IF_ERROR(mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    hashes.clear();
    QRCLOUD_RETURN_IF_ERROR(conn.Execute("UPDATE landing_nodes SET revoked_at = ? WHERE id = ? AND "
                                         "revoked_at IS NULL",
                                         {now, std::string(node_id)})
                                .status());
    QRCLOUD_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT key_hash FROM api_keys WHERE node_id = ? FOR UPDATE",
                              {std::string(node_id)}));
    for (const auto& r : rows) hashes.push_back(r.String("key_hash"));
    return conn
        .Execute("UPDATE api_keys SET revoked_at = ? WHERE node_id = ? AND revoked_at IS NULL",
                 {now, std::string(node_id)})
        .status();
  }));
  return hashes;
}

absl::Status MysqlLandingStore::TouchNode(absl::string_view node_id, absl::Time now,
                                          std::optional<int64_t> config_version) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  if (config_version) {
    return conn
        ->Execute("UPDATE landing_nodes SET last_seen_at = ?, config_version = ? WHERE id = ?",
                  {now, *config_version, std::string(node_id)})
        .status();
  }
  return conn
      ->Execute("UPDATE landing_nodes SET last_seen_at = ? WHERE id = ?",
                {now, std::string(node_id)})
      .status();
}

namespace {

absl::Status ReadKnown(store::Connection& conn, absl::string_view node_id,
                       const std::vector<std::string>& uuids,
                       std::map<std::string, KnownRecord>& out) {
  return store::QueryInChunks(
      conn, uuids,
      [](size_t n) {
        return absl::StrCat(
            "SELECT uuid, sequence, outcome, reason FROM landing_sync_records WHERE node_id = ? "
            "AND uuid IN (",
            store::Marks(n), ")");
      },
      [&](const store::Row& r) {
        out[r.String("uuid")] = {r.Int("sequence"), r.String("outcome") == "REJECTED",
                                 r.String("reason")};
      },
      {std::string(node_id)});
}

}  // namespace

absl::StatusOr<std::map<std::string, KnownRecord>> MysqlLandingStore::KnownRecords(
    absl::string_view node_id, const std::vector<std::string>& uuids) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  std::map<std::string, KnownRecord> out;
  QRCLOUD_RETURN_IF_ERROR(ReadKnown(*conn, node_id, uuids, out));
  return out;
}

absl::StatusOr<v1::SyncOrdersResponse> MysqlLandingStore::ApplySync(const SyncPlan& plan) {
  v1::SyncOrdersResponse resp;
  QRCLOUD_RETURN_IF_ERROR(mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    resp.Clear();
    // The node's row lock: one batch of a node at a time.
    auto node = conn.QueryOne(
        "SELECT high_water_mark, revoked_at FROM landing_nodes WHERE id = ? FOR UPDATE",
        {plan.node_id});
    if (absl::IsNotFound(node.status())) {
      return absl::NotFoundError(absl::StrCat("landing node ", plan.node_id, " not found"));
    }
    if (!node.ok()) return node.status();
    if (!node->IsNull("revoked_at")) {
      return absl::UnauthenticatedError("this landing node was revoked");
    }
    std::map<std::string, KnownRecord> known;
    QRCLOUD_RETURN_IF_ERROR(ReadKnown(conn, plan.node_id, plan.uuids, known));

    // The new records, and the orders they bring.
    std::vector<PlannedRecord> fresh;
    std::set<std::string> seen;
    std::vector<std::string> order_ids;
    for (const PlannedRecord& r : plan.records) {
      if (UsableUuid(r.uuid) && (known.count(r.uuid) != 0 || !seen.insert(r.uuid).second)) {
        continue;
      }
      fresh.push_back(r);
      if (r.rejection.empty() && r.order) order_ids.push_back(r.order->id());
    }
    // An order id already held by another merchant's or node's order is
    // never overwritten.
    std::map<std::string, std::string> owner;  // order id -> "" (ours) or why not
    QRCLOUD_RETURN_IF_ERROR(store::QueryInChunks(
        conn, order_ids,
        [](size_t n) {
          return absl::StrCat("SELECT id, merchant_id, landing_node_id FROM orders WHERE id IN (",
                              store::Marks(n), ")");
        },
        [&](const store::Row& r) {
          const std::string id = r.String("id");
          if (r.String("merchant_id") != plan.merchant_id) {
            owner[id] = absl::StrCat("order id ", id, " is another merchant's order");
          } else if (r.String("landing_node_id") != plan.node_id) {
            owner[id] = absl::StrCat("order id ", id,
                                     " is an order of this merchant not taken "
                                     "by this node");
          }
        }));
    // Per order, the record of the highest sequence.
    std::map<std::string, OrderRow> latest;
    for (PlannedRecord& r : fresh) {
      if (!r.rejection.empty() || !r.order) continue;
      if (auto why = owner.find(r.order->id()); why != owner.end()) {
        r.rejection = why->second;
        continue;
      }
      auto at = latest.find(r.order->id());
      if (at != latest.end() && at->second.sequence >= r.sequence) continue;
      v1::Order items_only;
      *items_only.mutable_items() = r.order->items();
      QRCLOUD_ASSIGN_OR_RETURN(std::string items, store::BodyJson(items_only));
      latest[r.order->id()] = OrderRow{*r.order, r.sequence, std::move(items)};
    }
    std::vector<OrderRow> rows;
    for (auto& [id, row] : latest) rows.push_back(std::move(row));
    QRCLOUD_RETURN_IF_ERROR(store::ExecuteInChunks<OrderRow>(
        conn, rows, LandingOrderUpsert, [&](const OrderRow& r, store::Params& p) {
          const v1::Order& o = r.order;
          std::optional<absl::Time> redeemed, cancelled;
          if (o.state() == v1::Order::REDEEMED) {
            redeemed = o.has_redeem_time() ? core::FromProto(o.redeem_time()) : plan.now;
          }
          if (o.state() == v1::Order::CANCELLED) {
            cancelled = o.has_cancel_time() ? core::FromProto(o.cancel_time()) : plan.now;
          }
          AddLandingOrderRow(p, o,
                             o.has_create_time() ? core::FromProto(o.create_time()) : plan.now,
                             redeemed, cancelled, plan.node_id, r.sequence, r.items_json);
        }));
    // Every new record, remembered with its outcome (a uuid that cannot be
    // a key is rejected again on every replay, the same way).
    std::vector<const PlannedRecord*> remembered;
    std::vector<const ConflictRecord*> conflicts;
    for (const PlannedRecord& r : fresh) {
      if (r.rejection.empty()) {
        resp.set_stored(resp.stored() + 1);
      } else {
        auto* out = resp.add_rejected();
        out->set_uuid(r.uuid);
        out->set_sequence(r.sequence);
        out->set_reason(r.rejection);
      }
      if (UsableUuid(r.uuid)) remembered.push_back(&r);
      if (r.rejection.empty() && r.conflict) conflicts.push_back(&*r.conflict);
    }
    QRCLOUD_RETURN_IF_ERROR(store::ExecuteInChunks<const PlannedRecord*>(
        conn, remembered,
        [](size_t n) {
          return absl::StrCat(
              "INSERT INTO landing_sync_records (node_id, uuid, sequence, outcome, reason, "
              "stored_at) VALUES ",
              store::Rows(n, 6));
        },
        [&](const PlannedRecord* r, store::Params& p) {
          store::Add(
              p, {plan.node_id, r->uuid, r->sequence, r->rejection.empty() ? "STORED" : "REJECTED",
                  r->rejection.substr(0, 255), plan.now});
        }));
    QRCLOUD_RETURN_IF_ERROR(store::ExecuteInChunks<const ConflictRecord*>(
        conn, conflicts,
        [](size_t n) {
          return absl::StrCat(
              "INSERT IGNORE INTO landing_conflicts (order_id, node_id, merchant_id, "
              "node_redeemed_at, other_redeemed_at, reason, detected_at) VALUES ",
              store::Rows(n, 7));
        },
        [&](const ConflictRecord* c, store::Params& p) {
          store::Add(p,
                     {c->order_id, plan.node_id, plan.merchant_id, TimeOrNull(c->node_redeemed_at),
                      TimeOrNull(c->other_redeemed_at), c->reason.substr(0, 255), plan.now});
        }));
    // The records seen before answer as they did; a uuid repeated in the
    // batch is a duplicate of its first.
    std::set<std::string> counted;
    for (const std::string& uuid : plan.uuids) {
      if (!UsableUuid(uuid)) continue;
      const bool first = counted.insert(uuid).second;
      auto k = known.find(uuid);
      if (k == known.end()) {
        if (!first) resp.set_duplicates(resp.duplicates() + 1);
      } else if (first && k->second.rejected) {
        auto* out = resp.add_rejected();
        out->set_uuid(uuid);
        out->set_sequence(k->second.sequence);
        out->set_reason(k->second.reason);
      } else {
        resp.set_duplicates(resp.duplicates() + 1);
      }
    }
    const int64_t mark = std::max(node->Int("high_water_mark"), plan.high_water_mark);
    QRCLOUD_RETURN_IF_ERROR(
        conn.Execute("UPDATE landing_nodes SET high_water_mark = ?, last_seen_at = ? WHERE id = ?",
                     {mark, plan.now, plan.node_id})
            .status());
    resp.set_high_water_mark(mark);
    return absl::OkStatus();
  }));
  return resp;
}

absl::Status MysqlLandingStore::InsertCenterOrder(const v1::Order& o,
                                                  absl::string_view request_id) {
  v1::Order items_only;
  *items_only.mutable_items() = o.items();
  QRCLOUD_ASSIGN_OR_RETURN(std::string items, store::BodyJson(items_only));
  const absl::Time created = core::FromProto(o.create_time());
  return mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    // The request row first: a retry stops here, before a second order.
    QRCLOUD_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO landing_center_orders (node_id, order_id, request_id, "
                     "created_at) VALUES (?, ?, ?, ?)",
                     {o.landing_node_id(), o.id(), std::string(request_id), created})
            .status());
    store::Params p;
    AddLandingOrderRow(p, o, created, std::nullopt, std::nullopt, o.landing_node_id(), 0, items);
    return conn.Execute(absl::StrCat(kLandingOrderInsert, store::Rows(1, kLandingOrderColumns)), p)
        .status();
  });
}

absl::StatusOr<std::optional<std::string>> MysqlLandingStore::FindCenterOrder(
    absl::string_view node_id, absl::string_view request_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn->Query("SELECT order_id FROM landing_center_orders "
                                                  "WHERE node_id = ? AND request_id = ?",
                                                  {std::string(node_id), std::string(request_id)}));
  if (rows.empty()) return std::nullopt;
  return rows.front().String("order_id");
}

absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> MysqlLandingStore::CenterOrders(
    absl::string_view node_id, int64_t after, absl::Time before, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn->Query("SELECT pull_seq, order_id FROM landing_center_orders WHERE node_id = "
                             "? AND pull_seq > ? AND created_at < ? ORDER BY pull_seq LIMIT ?",
                             {std::string(node_id), after, before, static_cast<int64_t>(limit)}));
  std::vector<std::pair<int64_t, std::string>> out;
  for (const auto& r : rows) out.emplace_back(r.Int("pull_seq"), r.String("order_id"));
  return out;
}

absl::StatusOr<std::optional<LandingStore::Redemption>> MysqlLandingStore::RedemptionOf(
    absl::string_view order_id) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn->Query("SELECT redeemed_by, redeemed_at FROM redemptions WHERE order_id = ?",
                             {std::string(order_id)}));
  if (rows.empty()) return std::nullopt;
  return Redemption{rows.front().String("redeemed_by"), rows.front().Time("redeemed_at")};
}

absl::StatusOr<std::vector<v1::LandingConflict>> MysqlLandingStore::ListConflicts(
    absl::string_view merchant_id, const ConflictKey& after, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  std::string sql =
      "SELECT order_id, node_id, node_redeemed_at, other_redeemed_at, reason, detected_at FROM "
      "landing_conflicts WHERE merchant_id = ?";
  store::Params params = {std::string(merchant_id)};
  if (!after.order_id.empty()) {
    sql += " AND (order_id < ? OR (order_id = ? AND node_id < ?))";
    params.insert(params.end(), {after.order_id, after.order_id, after.node_id});
  }
  sql += " ORDER BY order_id DESC, node_id DESC LIMIT ?";
  params.push_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
  std::vector<v1::LandingConflict> out;
  for (const auto& r : rows) {
    v1::LandingConflict c;
    c.set_order_id(r.String("order_id"));
    c.set_node_id(r.String("node_id"));
    if (!r.IsNull("node_redeemed_at"))
      core::ToProto(r.Time("node_redeemed_at"), c.mutable_node_redeem_time());
    if (!r.IsNull("other_redeemed_at"))
      core::ToProto(r.Time("other_redeemed_at"), c.mutable_other_redeem_time());
    core::ToProto(r.Time("detected_at"), c.mutable_detect_time());
    c.set_reason(r.String("reason"));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace qrcloud::center
