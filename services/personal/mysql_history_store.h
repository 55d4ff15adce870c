// HistoryStore on the personal service's MySQL database (migrations/).
#ifndef QRCLOUD_SERVICES_PERSONAL_MYSQL_HISTORY_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_MYSQL_HISTORY_STORE_H_

#include "libs/store/mysql.h"
#include "services/personal/history_store.h"

namespace qrcloud::personal {

class MysqlHistoryStore final : public HistoryStore {
 public:
  explicit MysqlHistoryStore(store::MysqlPool& mysql) : mysql_(mysql) {}
  absl::Status Add(store::Tx& tx, const std::vector<HistoryRow>& rows) override;
  absl::StatusOr<std::vector<HistoryRow>> List(absl::string_view account_id,
                                               const HistoryRow* before, int limit) override;
  absl::StatusOr<int64_t> Prune(absl::Time cutoff, int limit) override;

 private:
  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_MYSQL_HISTORY_STORE_H_
