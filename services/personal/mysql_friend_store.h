// FriendStore on the personal service's MySQL database (migrations/).
#ifndef QRCLOUD_SERVICES_PERSONAL_MYSQL_FRIEND_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_MYSQL_FRIEND_STORE_H_

#include "services/personal/friend_store.h"

namespace qrcloud::personal {

class MysqlFriendStore final : public FriendStore {
 public:
  absl::StatusOr<std::optional<std::string>> CodeOwner(store::Tx& tx,
                                                       absl::string_view code) override;
  absl::StatusOr<std::optional<std::string>> CodeOf(store::Tx& tx,
                                                    absl::string_view account) override;
  absl::Status SetCode(store::Tx& tx, absl::string_view account, absl::string_view code) override;
  absl::StatusOr<std::optional<Friendship>> Between(store::Tx& tx, absl::string_view a,
                                                    absl::string_view b) override;
  absl::StatusOr<std::optional<Friendship>> Get(store::Tx& tx, absl::string_view id) override;
  absl::Status Insert(store::Tx& tx, const Friendship& f) override;
  absl::Status Accept(store::Tx& tx, absl::string_view id) override;
  absl::Status Remove(store::Tx& tx, absl::string_view id) override;
  absl::StatusOr<std::vector<Friendship>> Of(store::Tx& tx, absl::string_view account,
                                             int limit) override;
  absl::StatusOr<bool> Blocked(store::Tx& tx, absl::string_view blocker,
                               absl::string_view blocked) override;
  absl::Status Block(store::Tx& tx, absl::string_view blocker, absl::string_view blocked,
                     absl::Time at) override;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_MYSQL_FRIEND_STORE_H_
