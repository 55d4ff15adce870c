// Accounts, API keys and the security log in MySQL (tables accounts,
// api_keys, security_log). Only the center touches them.
#ifndef QRCLOUD_SERVICES_CENTER_MYSQL_ACCOUNT_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MYSQL_ACCOUNT_STORE_H_

#include "libs/store/mysql.h"
#include "services/center/account_store.h"

namespace qrcloud::center {

class MysqlAccountStore final : public AccountStore {
 public:
  explicit MysqlAccountStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  absl::Status Insert(store::Tx& tx, const AccountRecord& account) override;
  absl::StatusOr<AccountRecord> FindByLogin(absl::string_view login) override;
  absl::StatusOr<AccountRecord> FindById(absl::string_view id) override;
  absl::Status UpsertStaff(const AccountRecord& account) override;
  absl::Status InsertApiKey(const ApiKeyRecord& key) override;
  absl::StatusOr<std::vector<ApiKeyRecord>> ListApiKeys(absl::string_view account_id) override;
  absl::StatusOr<std::string> RevokeApiKey(absl::string_view account_id,
                                           absl::string_view key_id) override;
  absl::StatusOr<auth::Principal> ResolveApiKey(absl::string_view key_hash) override;
  void Log(absl::string_view account_id, absl::string_view action, absl::string_view subject,
           absl::string_view peer, absl::string_view request_id) override;

 private:
  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MYSQL_ACCOUNT_STORE_H_
