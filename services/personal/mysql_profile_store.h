// ProfileStore on the personal service's MySQL database (migrations/).
#ifndef QRCLOUD_SERVICES_PERSONAL_MYSQL_PROFILE_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_MYSQL_PROFILE_STORE_H_

#include "services/personal/profile_store.h"

namespace qrcloud::personal {

class MysqlProfileStore final : public ProfileStore {
 public:
  absl::StatusOr<std::optional<v1::Profile>> Get(store::Tx& tx,
                                                 absl::string_view account_id) override;
  absl::Status Put(store::Tx& tx, absl::string_view account_id,
                   const v1::Profile& profile) override;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_MYSQL_PROFILE_STORE_H_
