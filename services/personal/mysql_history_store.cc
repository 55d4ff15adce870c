#include "services/personal/mysql_history_store.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::personal {

absl::Status MysqlHistoryStore::Add(store::Tx& tx, const std::vector<HistoryRow>& rows) {
  store::Connection& conn = store::ConnectionOf(tx);
  for (const HistoryRow& r : rows) {
    QRCLOUD_RETURN_IF_ERROR(
        conn.Execute("INSERT IGNORE INTO scan_history (event_id, account_id, code_id, "
                     "campaign_id, scan_time) VALUES (?, ?, ?, ?, ?)",
                     {r.event_id, r.account_id, r.code_id, r.campaign_id, r.scan_time})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<HistoryRow>> MysqlHistoryStore::List(absl::string_view account_id,
                                                                const HistoryRow* before,
                                                                int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  std::string sql = "SELECT * FROM scan_history WHERE account_id = ?";
  store::Params params = {std::string(account_id)};
  if (before != nullptr) {
    sql += " AND (scan_time < ? OR (scan_time = ? AND event_id < ?))";
    params.insert(params.end(), {before->scan_time, before->scan_time, before->event_id});
  }
  absl::StrAppend(&sql, " ORDER BY scan_time DESC, event_id DESC LIMIT ", limit);
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<store::Row> rows, conn->Query(sql, params));
  std::vector<HistoryRow> out;
  for (const store::Row& r : rows) {
    out.push_back({r.String("event_id"), r.String("account_id"), r.String("code_id"),
                   r.String("campaign_id"), r.Time("scan_time")});
  }
  return out;
}

absl::StatusOr<int64_t> MysqlHistoryStore::Prune(absl::Time cutoff, int limit) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  return conn->Execute(
      absl::StrCat("DELETE FROM scan_history WHERE scan_time < ? ORDER BY scan_time LIMIT ", limit),
      {cutoff});
}

}  // namespace qrcloud::personal
