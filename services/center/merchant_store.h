// MySQL access for merchants. Only the center touches this table.
#ifndef QRCLOUD_SERVICES_CENTER_MERCHANT_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MERCHANT_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/mysql.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::center {

class MerchantStore {
 public:
  explicit MerchantStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  // NOT_FOUND naming the id if there is no such merchant.
  absl::StatusOr<v1::Merchant> Get(absl::string_view id);
  absl::StatusOr<v1::Merchant> Get(store::Connection& conn, absl::string_view id,
                                   bool for_update = false);

  // Sets the given columns (name → value) and updated_at; NOT_FOUND if absent.
  absl::Status Update(store::Connection& conn, absl::string_view id,
                      const std::vector<std::pair<std::string, store::Value>>& columns);

  // Merchants in id order after `after_id`, optionally in one qualification state.
  absl::StatusOr<std::vector<v1::Merchant>> List(absl::string_view qualification_state,
                                                 absl::string_view after_id, int limit);

  store::MysqlPool& mysql() { return mysql_; }

 private:
  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MERCHANT_STORE_H_
