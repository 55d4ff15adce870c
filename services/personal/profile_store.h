// Where a person's profile is kept: MySQL in the service
// (mysql_profile_store.h), memory in the unit tests.
#ifndef QRCLOUD_SERVICES_PERSONAL_PROFILE_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_PROFILE_STORE_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/personal.pb.h"

namespace qrcloud::personal {

class ProfileStore {
 public:
  virtual ~ProfileStore() = default;
  // Nothing when the person has set nothing yet.
  virtual absl::StatusOr<std::optional<v1::Profile>> Get(store::Tx& tx,
                                                         absl::string_view account_id) = 0;
  virtual absl::Status Put(store::Tx& tx, absl::string_view account_id,
                           const v1::Profile& profile) = 0;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_PROFILE_STORE_H_
