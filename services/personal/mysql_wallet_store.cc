#include "services/personal/mysql_wallet_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::personal {
namespace {

using store::Connection;
using store::Row;
using v1::WalletItem;

constexpr char kItemColumns[] =
    "id, account_id, kind, campaign_id, order_id, category, validity, validity_time, save_time, "
    "next_check";

WalletRow ItemOf(const Row& r) {
  WalletRow row;
  row.account_id = r.String("account_id");
  WalletItem& item = row.item;
  item.set_id(r.String("id"));
  WalletItem::Kind kind = WalletItem::KIND_UNSPECIFIED;
  WalletItem::Kind_Parse(r.String("kind"), &kind);
  item.set_kind(kind);
  item.set_campaign_id(r.String("campaign_id"));
  item.set_order_id(r.String("order_id"));
  item.set_category(r.String("category"));
  WalletItem::Validity validity = WalletItem::VALIDITY_UNSPECIFIED;
  WalletItem::Validity_Parse(r.String("validity"), &validity);
  item.set_validity(validity);
  core::ToProto(r.Time("validity_time"), item.mutable_validity_time());
  core::ToProto(r.Time("save_time"), item.mutable_save_time());
  if (!r.IsNull("next_check")) row.next_check = r.Time("next_check");
  return row;
}

store::Value TimeOrNull(const std::optional<absl::Time>& t) {
  if (t) return *t;
  return nullptr;
}

absl::StatusOr<std::vector<WalletRow>> Items(Connection& conn, absl::string_view where,
                                             const store::Params& params) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      conn.Query(absl::StrCat("SELECT ", kItemColumns, " FROM wallet_items WHERE ", where),
                 params));
  std::vector<WalletRow> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ItemOf(r));
  return out;
}

v1::Reminder ReminderOf(const Row& r) {
  v1::Reminder out;
  out.set_id(r.String("id"));
  out.set_wallet_item_id(r.String("item_id"));
  WalletItem::Validity validity = WalletItem::VALIDITY_UNSPECIFIED;
  WalletItem::Validity_Parse(r.String("validity"), &validity);
  out.set_validity(validity);
  out.set_title(r.String("title"));
  out.set_message(r.String("message"));
  core::ToProto(r.Time("time"), out.mutable_time());
  return out;
}

absl::StatusOr<std::vector<v1::Reminder>> ReminderRows(Connection& conn, absl::string_view sql,
                                                       const store::Params& params) {
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<Row> rows, conn.Query(sql, params));
  std::vector<v1::Reminder> out;
  for (const Row& r : rows) out.push_back(ReminderOf(r));
  return out;
}

}  // namespace

absl::StatusOr<WalletRow> MysqlWalletStore::Insert(store::Tx& tx, const WalletRow& row,
                                                   absl::string_view key,
                                                   absl::string_view request_id) {
  Connection& conn = store::ConnectionOf(tx);
  const WalletItem& item = row.item;
  absl::StatusOr<int64_t> inserted = conn.Execute(
      absl::StrCat("INSERT INTO wallet_items (", kItemColumns,
                   ", item_key, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      {item.id(), row.account_id, WalletItem::Kind_Name(item.kind()), item.campaign_id(),
       item.order_id().empty() ? store::Value(nullptr) : store::Value(item.order_id()),
       item.category(), WalletItem::Validity_Name(item.validity()),
       core::FromProto(item.validity_time()), core::FromProto(item.save_time()),
       TimeOrNull(row.next_check), std::string(key),
       request_id.empty() ? store::Value(nullptr) : store::Value(std::string(request_id))});
  if (inserted.ok()) return row;
  if (inserted.status().code() != absl::StatusCode::kAlreadyExists) return inserted.status();
  // Saved before, as the same thing or with the same request id.
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<WalletRow> existing,
      Items(conn, "account_id = ? AND (item_key = ? OR request_id = ?) ORDER BY id LIMIT 1",
            {row.account_id, std::string(key), std::string(request_id)}));
  if (existing.empty()) return absl::AbortedError("the wallet changed meanwhile; try again");
  return existing.front();
}

absl::StatusOr<WalletRow> MysqlWalletStore::Get(store::Tx& tx, absl::string_view id,
                                                bool for_update) {
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<WalletRow> rows,
                           Items(store::ConnectionOf(tx),
                                 for_update ? "id = ? FOR UPDATE" : "id = ?", {std::string(id)}));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("no wallet item ", id));
  return rows.front();
}

absl::Status MysqlWalletStore::Update(store::Tx& tx, const WalletRow& row) {
  return store::ConnectionOf(tx)
      .Execute(
          "UPDATE wallet_items SET validity = ?, validity_time = ?, next_check = ? WHERE id = ?",
          {WalletItem::Validity_Name(row.item.validity()),
           core::FromProto(row.item.validity_time()), TimeOrNull(row.next_check), row.item.id()})
      .status();
}

absl::Status MysqlWalletStore::Remove(store::Tx& tx, absl::string_view id) {
  return store::ConnectionOf(tx)
      .Execute("DELETE FROM wallet_items WHERE id = ?", {std::string(id)})
      .status();
}

absl::StatusOr<std::vector<WalletRow>> MysqlWalletStore::List(absl::string_view account_id,
                                                              absl::string_view category,
                                                              absl::string_view before_id,
                                                              int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  std::string where = "account_id = ?";
  store::Params params = {std::string(account_id)};
  if (!category.empty()) {
    where += " AND category = ?";
    params.push_back(std::string(category));
  }
  if (!before_id.empty()) {
    where += " AND id < ?";
    params.push_back(std::string(before_id));
  }
  absl::StrAppend(&where, " ORDER BY id DESC LIMIT ", limit);
  return Items(*conn, where, params);
}

absl::StatusOr<int64_t> MysqlWalletStore::Count(store::Tx& tx, absl::string_view account_id) {
  QRCLOUD_ASSIGN_OR_RETURN(Row row,
                           store::ConnectionOf(tx).QueryOne(
                               "SELECT COUNT(*) AS n FROM wallet_items WHERE account_id = ?",
                               {std::string(account_id)}));
  return row.Int("n");
}

absl::StatusOr<std::vector<WalletRow>> MysqlWalletStore::ForCampaign(
    store::Tx& tx, absl::string_view campaign_id) {
  return Items(store::ConnectionOf(tx), "campaign_id = ? FOR UPDATE", {std::string(campaign_id)});
}

absl::StatusOr<std::vector<WalletRow>> MysqlWalletStore::ForOrder(store::Tx& tx,
                                                                  absl::string_view order_id) {
  return Items(store::ConnectionOf(tx), "order_id = ? FOR UPDATE", {std::string(order_id)});
}

absl::StatusOr<std::vector<std::string>> MysqlWalletStore::Due(absl::Time now, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      conn->Query(absl::StrCat("SELECT id FROM wallet_items WHERE next_check <= ? "
                               "ORDER BY next_check LIMIT ",
                               limit),
                  {now}));
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(r.String("id"));
  return out;
}

absl::Status MysqlWalletStore::AddReminder(store::Tx& tx, absl::string_view account_id,
                                           const v1::Reminder& r) {
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO reminders (id, account_id, item_id, validity, title, message, time) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          {r.id(), std::string(account_id), r.wallet_item_id(),
           WalletItem::Validity_Name(r.validity()), r.title(), r.message(),
           core::FromProto(r.time())})
      .status();
}

absl::StatusOr<std::vector<v1::Reminder>> MysqlWalletStore::Reminders(absl::string_view account_id,
                                                                      absl::string_view before_id,
                                                                      int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  if (before_id.empty()) {
    return ReminderRows(
        *conn,
        absl::StrCat("SELECT * FROM reminders WHERE account_id = ? ORDER BY id DESC LIMIT ", limit),
        {std::string(account_id)});
  }
  return ReminderRows(*conn,
                      absl::StrCat("SELECT * FROM reminders WHERE account_id = ? AND id < ? "
                                   "ORDER BY id DESC LIMIT ",
                                   limit),
                      {std::string(account_id), std::string(before_id)});
}

absl::StatusOr<std::vector<v1::Reminder>> MysqlWalletStore::RemindersAfter(
    absl::string_view account_id, absl::string_view after_id, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return ReminderRows(*conn,
                      absl::StrCat("SELECT * FROM reminders WHERE account_id = ? AND id > ? "
                                   "ORDER BY id LIMIT ",
                                   limit),
                      {std::string(account_id), std::string(after_id)});
}

absl::StatusOr<std::optional<CampaignFacts>> MysqlWalletStore::GetCampaign(store::Tx& tx,
                                                                           absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<Row> rows,
                           store::ConnectionOf(tx).Query(
                               "SELECT * FROM campaign_facts WHERE id = ?", {std::string(id)}));
  if (rows.empty()) return std::nullopt;
  const Row& r = rows.front();
  CampaignFacts f;
  f.id = r.String("id");
  f.merchant_id = r.String("merchant_id");
  f.title = r.String("title");
  v1::Campaign::State state = v1::Campaign::STATE_UNSPECIFIED;
  v1::Campaign::State_Parse(r.String("state"), &state);
  f.state = state;
  if (!r.IsNull("end_time")) f.end = r.Time("end_time");
  f.stock = r.Int("stock");
  f.stock_left = r.Int("stock_left");
  for (absl::string_view tag : absl::StrSplit(r.String("tags"), '\n', absl::SkipEmpty())) {
    f.tags.emplace_back(tag);
  }
  f.page_url = r.String("page_url");
  if (!r.IsNull("update_time")) f.update_time = r.Time("update_time");
  return f;
}

absl::Status MysqlWalletStore::PutCampaign(store::Tx& tx, const CampaignFacts& f) {
  const store::Value update =
      f.update_time == absl::InfinitePast() ? store::Value(nullptr) : store::Value(f.update_time);
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO campaign_facts (id, merchant_id, title, state, end_time, stock, stock_left, "
          "tags, page_url, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY "
          "UPDATE merchant_id = VALUES(merchant_id), title = VALUES(title), state = "
          "VALUES(state), end_time = VALUES(end_time), stock = VALUES(stock), stock_left = "
          "VALUES(stock_left), tags = VALUES(tags), page_url = VALUES(page_url), update_time = "
          "VALUES(update_time)",
          {f.id, f.merchant_id, f.title, v1::Campaign::State_Name(f.state), TimeOrNull(f.end),
           f.stock, f.stock_left, absl::StrJoin(f.tags, "\n"), f.page_url, update})
      .status();
}

absl::StatusOr<std::optional<OrderFacts>> MysqlWalletStore::GetOrder(store::Tx& tx,
                                                                     absl::string_view id) {
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      store::ConnectionOf(tx).Query("SELECT * FROM order_facts WHERE id = ?", {std::string(id)}));
  if (rows.empty()) return std::nullopt;
  const Row& r = rows.front();
  OrderFacts f;
  f.id = r.String("id");
  f.campaign_id = r.String("campaign_id");
  f.account_id = r.String("account_id");
  v1::Order::State state = v1::Order::STATE_UNSPECIFIED;
  v1::Order::State_Parse(r.String("state"), &state);
  f.state = state;
  if (!r.IsNull("expire_time")) f.expire = r.Time("expire_time");
  return f;
}

absl::Status MysqlWalletStore::PutOrder(store::Tx& tx, const OrderFacts& f) {
  return store::ConnectionOf(tx)
      .Execute(
          "INSERT INTO order_facts (id, campaign_id, account_id, state, expire_time) VALUES "
          "(?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE state = VALUES(state), expire_time = "
          "VALUES(expire_time)",
          {f.id, f.campaign_id, f.account_id, v1::Order::State_Name(f.state), TimeOrNull(f.expire)})
      .status();
}

}  // namespace qrcloud::personal
