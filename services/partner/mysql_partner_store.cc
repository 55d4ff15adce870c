#include "services/partner/mysql_partner_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/status.h"
#include "libs/store/json_rows.h"
#include "libs/store/mysql.h"

namespace qrcloud::partner {
namespace {

using State = AttributionRecord::State;

using store::OrNull;

const char* StateName(State s) {
  switch (s) {
    case State::kPlaced:
      return "PLACED";
    case State::kRedeemed:
      return "REDEEMED";
    case State::kRefunded:
      return "REFUNDED";
    case State::kCancelled:
      return "CANCELLED";
    default:
      return "NONE";
  }
}

State StateOf(const std::string& name) {
  for (State s : {State::kPlaced, State::kRedeemed, State::kRefunded, State::kCancelled}) {
    if (name == StateName(s)) return s;
  }
  return State::kNone;
}

int64_t WindowStart(const core::ScanEvent& e) {
  return e.time_ms - absl::ToInt64Milliseconds(core::kUniqueWindow);
}

}  // namespace

absl::StatusOr<std::optional<v1::Partner>> MysqlPartnerStore::Get(store::Tx& tx,
                                                                  absl::string_view id) {
  return store::FirstBody<v1::Partner>(store::ConnectionOf(tx).Query(
      "SELECT body FROM partners WHERE id = ? FOR UPDATE", {std::string(id)}));
}

absl::StatusOr<std::optional<v1::Partner>> MysqlPartnerStore::ByPlatformCode(
    store::Tx& tx, absl::string_view code) {
  return store::FirstBody<v1::Partner>(store::ConnectionOf(tx).Query(
      "SELECT body FROM partners WHERE platform_code = ?", {std::string(code)}));
}

absl::Status MysqlPartnerStore::Put(store::Tx& tx, const v1::Partner& partner) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string body, store::BodyJson(partner));
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO partners (id, platform_code, state, body) VALUES (?, ?, ?, ?) "
          "ON DUPLICATE KEY UPDATE platform_code = VALUES(platform_code), "
          "state = VALUES(state), body = VALUES(body)",
          {partner.id(), partner.platform_code(), v1::Partner::State_Name(partner.state()), body})
      .status();
}

absl::StatusOr<std::vector<v1::Partner>> MysqlPartnerStore::List(store::Tx& tx,
                                                                 v1::Partner::State state,
                                                                 absl::string_view before,
                                                                 int limit) {
  store::Params params{before.empty() ? std::string("~") : std::string(before)};
  std::string filter;
  if (state != v1::Partner::STATE_UNSPECIFIED) {
    filter = " AND state = ?";
    params.emplace_back(v1::Partner::State_Name(state));
  }
  params.emplace_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query(absl::StrCat("SELECT body FROM partners WHERE id < ?", filter,
                                                 " ORDER BY id DESC LIMIT ?"),
                                    params));
  return store::ParseBodies<v1::Partner>(rows);
}

absl::StatusOr<std::optional<v1::Placement>> MysqlPlacementStore::Get(store::Tx& tx,
                                                                      absl::string_view id) {
  return store::FirstBody<v1::Placement>(
      store::ConnectionOf(tx).Query("SELECT body FROM placements WHERE id = ?", {std::string(id)}));
}

absl::StatusOr<std::optional<v1::Placement>> MysqlPlacementStore::Find(store::Tx& tx,
                                                                       absl::string_view partner_id,
                                                                       absl::string_view code_id) {
  return store::FirstBody<v1::Placement>(store::ConnectionOf(tx).Query(
      "SELECT body FROM placements WHERE partner_id = ? AND code_id = ? FOR UPDATE",
      {std::string(partner_id), std::string(code_id)}));
}

absl::Status MysqlPlacementStore::Insert(store::Tx& tx, const v1::Placement& placement) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string body, store::BodyJson(placement));
  return store::ConnectionOf(tx)
      .Execute("INSERT INTO placements (id, partner_id, code_id, body) VALUES (?, ?, ?, ?)",
               {placement.id(), placement.partner_id(), placement.code_id(), body})
      .status();
}

absl::StatusOr<std::vector<v1::Placement>> MysqlPlacementStore::OfPartner(
    store::Tx& tx, absl::string_view partner_id, absl::string_view before, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query(
          "SELECT body FROM placements WHERE partner_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
          {std::string(partner_id), before.empty() ? std::string("~") : std::string(before),
           static_cast<int64_t>(limit)}));
  return store::ParseBodies<v1::Placement>(rows);
}

absl::StatusOr<bool> MysqlTrafficStore::Record(store::Tx& tx, const ScanRecord& scan) {
  const core::ScanEvent& e = scan.event;
  QRCLOUD_ASSIGN_OR_RETURN(
      const int64_t inserted,
      store::ConnectionOf(tx).Execute(
          "INSERT IGNORE INTO placement_scans (event_id, placement_id, partner_id, merchant_id, "
          "device, source, account, time_ms, valid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {e.event_id, scan.placement_id, scan.partner_id, scan.merchant_id, e.device, e.source,
           OrNull(e.account), e.time_ms, static_cast<int64_t>(scan.valid ? 1 : 0)}));
  return inserted == 1;
}

absl::StatusOr<core::WindowHistory> MysqlTrafficStore::History(store::Tx& tx,
                                                               absl::string_view placement_id,
                                                               const core::ScanEvent& event) {
  store::Connection& conn = store::ConnectionOf(tx);
  core::WindowHistory history;
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> seen,
      conn.Query("SELECT 1 AS seen FROM placement_scans WHERE placement_id = ? AND device = ? "
                 "AND valid = 1 AND time_ms > ? AND time_ms <= ? AND event_id <> ? LIMIT 1",
                 {std::string(placement_id), event.device, WindowStart(event), event.time_ms,
                  event.event_id}));
  history.device_seen = !seen.empty();
  QRCLOUD_ASSIGN_OR_RETURN(
      store::Row devices,
      conn.QueryOne("SELECT COUNT(DISTINCT device) AS n FROM placement_scans "
                    "WHERE placement_id = ? AND source = ? AND valid = 1 AND time_ms > ? "
                    "AND time_ms <= ? AND device <> ?",
                    {std::string(placement_id), event.source, WindowStart(event), event.time_ms,
                     event.device}));
  history.source_devices = static_cast<int>(devices.Int("n"));
  return history;
}

absl::StatusOr<std::vector<ValidScan>> MysqlTrafficStore::ValidScansOf(
    store::Tx& tx, absl::string_view account, absl::string_view device,
    absl::string_view merchant_id, absl::Time from, absl::Time to, int limit) {
  // One SELECT per way of knowing the buyer, each on its own index.
  constexpr char kSelect[] =
      "SELECT event_id, partner_id, placement_id, merchant_id, account, device, time_ms "
      "FROM placement_scans WHERE ";
  constexpr char kWhere[] =
      " = ? AND merchant_id = ? AND valid = 1 AND time_ms >= ? AND time_ms <= ?";
  std::vector<std::string> parts;
  store::Params params;
  for (const auto& [column, value] : {std::pair{"account", account}, std::pair{"device", device}}) {
    if (value.empty()) continue;
    parts.push_back(absl::StrCat("(", kSelect, column, kWhere, ")"));
    params.insert(params.end(), {std::string(value), std::string(merchant_id),
                                 absl::ToUnixMillis(from), absl::ToUnixMillis(to)});
  }
  if (parts.empty()) return std::vector<ValidScan>{};
  params.push_back(static_cast<int64_t>(limit));
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query(absl::StrCat(absl::StrJoin(parts, " UNION "),
                                                 " ORDER BY time_ms DESC, event_id DESC LIMIT ?"),
                                    params));
  std::vector<ValidScan> out;
  for (const store::Row& r : rows) {
    out.push_back({r.String("event_id"), r.String("partner_id"), r.String("placement_id"),
                   r.String("merchant_id"), r.String("account"), r.Int("time_ms"),
                   r.String("device")});
  }
  return out;
}

absl::Status MysqlTrafficStore::PutOrderDevice(store::Tx& tx, absl::string_view order_id,
                                               absl::string_view device) {
  return store::ConnectionOf(tx)
      .Execute("INSERT IGNORE INTO order_devices (order_id, device) VALUES (?, ?)",
               {std::string(order_id), std::string(device)})
      .status();
}

absl::StatusOr<std::string> MysqlTrafficStore::OrderDevice(store::Tx& tx,
                                                           absl::string_view order_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query("SELECT device FROM order_devices WHERE order_id = ?",
                                    {std::string(order_id)}));
  return rows.empty() ? std::string() : rows[0].String("device");
}

absl::StatusOr<std::optional<AttributionRecord>> MysqlTrafficStore::Attribution(
    store::Tx& tx, absl::string_view order_id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query("SELECT state, body FROM order_attributions WHERE order_id = ? "
                                    "FOR UPDATE",
                                    {std::string(order_id)}));
  if (rows.empty()) return std::nullopt;
  AttributionRecord record;
  record.order_id = std::string(order_id);
  record.state = StateOf(rows[0].String("state"));
  QRCLOUD_ASSIGN_OR_RETURN(record.attribution,
                           store::ParseBody<v1::PartnerOrderAttribution>(rows[0].String("body")));
  return record;
}

absl::Status MysqlTrafficStore::PutAttribution(store::Tx& tx, const AttributionRecord& record) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string body, store::BodyJson(record.attribution));
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO order_attributions (order_id, partner_id, state, body) VALUES (?, ?, ?, ?) "
          "ON DUPLICATE KEY UPDATE state = VALUES(state), body = VALUES(body)",
          {record.order_id, OrNull(record.attribution.partner_id()), StateName(record.state), body})
      .status();
}

absl::Status MysqlTrafficStore::Add(store::Tx& tx, const DayCounts& c) {
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO placement_days (placement_id, day, partner_id, scans, valid_scans, orders, "
          "revenue_minor, earned_minor, currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON DUPLICATE KEY UPDATE scans = scans + VALUES(scans), "
          "valid_scans = valid_scans + VALUES(valid_scans), orders = orders + VALUES(orders), "
          "revenue_minor = revenue_minor + VALUES(revenue_minor), "
          "earned_minor = earned_minor + VALUES(earned_minor)",
          {c.placement_id, c.day, c.partner_id, c.scans, c.valid_scans, c.orders, c.revenue_minor,
           c.earned_minor, c.currency.empty() ? std::string("CNY") : c.currency})
      .status();
}

absl::StatusOr<std::vector<DayCounts>> MysqlTrafficStore::Days(store::Tx& tx,
                                                               absl::string_view partner_id,
                                                               absl::string_view from_day,
                                                               absl::string_view to_day) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      store::ConnectionOf(tx).Query(
          "SELECT placement_id, DATE_FORMAT(day, '%Y-%m-%d') AS day, scans, valid_scans, orders, "
          "revenue_minor, earned_minor, currency FROM placement_days "
          "WHERE partner_id = ? AND day >= ? AND day < ? ORDER BY day, placement_id",
          {std::string(partner_id), std::string(from_day), std::string(to_day)}));
  std::vector<DayCounts> out;
  for (const store::Row& r : rows) {
    DayCounts d;
    d.placement_id = r.String("placement_id");
    d.partner_id = std::string(partner_id);
    d.day = r.String("day");
    d.scans = r.Int("scans");
    d.valid_scans = r.Int("valid_scans");
    d.orders = r.Int("orders");
    d.revenue_minor = r.Int("revenue_minor");
    d.earned_minor = r.Int("earned_minor");
    d.currency = r.String("currency");
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace qrcloud::partner
