// WalletStore on the personal service's MySQL database (migrations/).
#ifndef QRCLOUD_SERVICES_PERSONAL_MYSQL_WALLET_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_MYSQL_WALLET_STORE_H_

#include "libs/store/mysql.h"
#include "services/personal/wallet_store.h"

namespace qrcloud::personal {

class MysqlWalletStore final : public WalletStore {
 public:
  explicit MysqlWalletStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  absl::StatusOr<WalletRow> Insert(store::Tx& tx, const WalletRow& row, absl::string_view key,
                                   absl::string_view request_id) override;
  absl::StatusOr<WalletRow> Get(store::Tx& tx, absl::string_view id, bool for_update) override;
  absl::Status Update(store::Tx& tx, const WalletRow& row) override;
  absl::Status Remove(store::Tx& tx, absl::string_view id) override;
  absl::StatusOr<std::vector<WalletRow>> List(absl::string_view account_id,
                                              absl::string_view category,
                                              absl::string_view before_id, int limit) override;
  absl::StatusOr<int64_t> Count(store::Tx& tx, absl::string_view account_id) override;
  absl::StatusOr<std::vector<WalletRow>> ForCampaign(store::Tx& tx,
                                                     absl::string_view campaign_id) override;
  absl::StatusOr<std::vector<WalletRow>> ForOrder(store::Tx& tx,
                                                  absl::string_view order_id) override;
  absl::StatusOr<std::vector<std::string>> Due(absl::Time now, int limit) override;
  absl::Status AddReminder(store::Tx& tx, absl::string_view account_id,
                           const v1::Reminder& reminder) override;
  absl::StatusOr<std::vector<v1::Reminder>> Reminders(absl::string_view account_id,
                                                      absl::string_view before_id,
                                                      int limit) override;
  absl::StatusOr<std::vector<v1::Reminder>> RemindersAfter(absl::string_view account_id,
                                                           absl::string_view after_id,
                                                           int limit) override;
  absl::StatusOr<std::optional<CampaignFacts>> GetCampaign(store::Tx& tx,
                                                           absl::string_view id) override;
  absl::Status PutCampaign(store::Tx& tx, const CampaignFacts& facts) override;
  absl::StatusOr<std::optional<OrderFacts>> GetOrder(store::Tx& tx, absl::string_view id) override;
  absl::Status PutOrder(store::Tx& tx, const OrderFacts& facts) override;

 private:
  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_MYSQL_WALLET_STORE_H_
