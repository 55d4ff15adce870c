// ProfileStore in memory, for the unit tests, rolled back with the unit
// when given the MemoryDb.
#ifndef QRCLOUD_SERVICES_PERSONAL_TESTING_MEMORY_PROFILE_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_TESTING_MEMORY_PROFILE_STORE_H_

#include <map>
#include <string>

#include "libs/store/memory_tx.h"
#include "services/personal/profile_store.h"

namespace qrcloud::personal::testing {

class MemoryProfileStore final : public ProfileStore {
 public:
  MemoryProfileStore() = default;
  explicit MemoryProfileStore(store::MemoryDb& db) {
    db.Register([this] {
      auto saved = profiles;
      return [this, saved] { profiles = saved; };
    });
  }
  absl::StatusOr<std::optional<v1::Profile>> Get(store::Tx&, absl::string_view id) override {
    auto it = profiles.find(std::string(id));
    if (it == profiles.end()) return std::nullopt;
    return it->second;
  }
  absl::Status Put(store::Tx&, absl::string_view id, const v1::Profile& p) override {
    profiles[std::string(id)] = p;
    return absl::OkStatus();
  }

  // By account id; tests may set profiles directly.
  std::map<std::string, v1::Profile> profiles;
};

}  // namespace qrcloud::personal::testing

#endif  // QRCLOUD_SERVICES_PERSONAL_TESTING_MEMORY_PROFILE_STORE_H_
