// Merchants in MySQL (table merchants). Only the center touches it.
#ifndef QRCLOUD_SERVICES_CENTER_MYSQL_MERCHANT_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MYSQL_MERCHANT_STORE_H_

#include "libs/store/mysql.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

class MysqlMerchantStore final : public MerchantStore {
 public:
  explicit MysqlMerchantStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  absl::Status Insert(store::Tx& tx, const MerchantRecord& record) override;
  absl::StatusOr<v1::Merchant> Get(absl::string_view id) override;
  absl::StatusOr<MerchantRecord> Get(store::Tx& tx, absl::string_view id, bool for_update) override;
  absl::Status Save(store::Tx& tx, const MerchantRecord& record) override;
  absl::StatusOr<int> CountLicenseHolders(store::Tx& tx, absl::string_view license_number,
                                          absl::string_view merchant_id) override;
  absl::StatusOr<std::vector<v1::Merchant>> List(absl::string_view qualification_state,
                                                 absl::string_view after_id, int limit) override;

 private:
  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MYSQL_MERCHANT_STORE_H_
