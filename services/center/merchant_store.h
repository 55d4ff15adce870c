// Where the center keeps merchants, as its logic sees it. MySQL in the
// service (mysql_merchant_store.h), memory in unit tests
// (testing/memory_stores.h).
#ifndef QRCLOUD_SERVICES_CENTER_MERCHANT_STORE_H_
#define QRCLOUD_SERVICES_CENTER_MERCHANT_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::center {

// A merchant as stored: the profile clients see, and the ids of the audit
// submissions its pending requests wait on.
struct MerchantRecord {
  v1::Merchant merchant;
  std::string qualification_submission_id;
  std::string landing_submission_id;
  std::string profile_submission_id;
};

class MerchantStore {
 public:
  virtual ~MerchantStore() = default;

  // A new merchant (with its owner's account, at registration).
  virtual absl::Status Insert(store::Tx& tx, const MerchantRecord& record) = 0;
  // NOT_FOUND naming the id when there is none.
  virtual absl::StatusOr<v1::Merchant> Get(absl::string_view id) = 0;
  virtual absl::StatusOr<MerchantRecord> Get(store::Tx& tx, absl::string_view id,
                                             bool for_update) = 0;
  // Writes back everything but the id, the owner and the creation time; the
  // update time becomes now. NOT_FOUND if there is no such merchant.
  virtual absl::Status Save(store::Tx& tx, const MerchantRecord& record) = 0;
  // How many merchants other than `merchant_id` have `license_number`
  // submitted (PENDING_AUDIT) or approved.
  virtual absl::StatusOr<int> CountLicenseHolders(store::Tx& tx, absl::string_view license_number,
                                                  absl::string_view merchant_id) = 0;
  // In id order after `after_id`; `qualification_state` "" for any.
  virtual absl::StatusOr<std::vector<v1::Merchant>> List(absl::string_view qualification_state,
                                                         absl::string_view after_id, int limit) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MERCHANT_STORE_H_
