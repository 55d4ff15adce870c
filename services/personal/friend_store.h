// Where friend codes, friendships and blocks are kept: MySQL in the service
// (mysql_friend_store.h), memory in the unit tests (testing/).
#ifndef QRCLOUD_SERVICES_PERSONAL_FRIEND_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_FRIEND_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/store/tx.h"

namespace qrcloud::personal {

// One row per pair of people, whoever asked.
struct Friendship {
  std::string id;
  std::string requester;
  std::string addressee;
  bool accepted = false;
  absl::Time create_time;

  const std::string& Other(absl::string_view me) const {
    return requester == me ? addressee : requester;
  }
  bool Involves(absl::string_view who) const { return requester == who || addressee == who; }
};

class FriendStore {
 public:
  virtual ~FriendStore() = default;
  virtual absl::StatusOr<std::optional<std::string>> CodeOwner(store::Tx& tx,
                                                               absl::string_view code) = 0;
  virtual absl::StatusOr<std::optional<std::string>> CodeOf(store::Tx& tx,
                                                            absl::string_view account) = 0;
  // Gives `account` the code `code` (replacing its old one); ALREADY_EXISTS
  // when someone else holds it.
  virtual absl::Status SetCode(store::Tx& tx, absl::string_view account,
                               absl::string_view code) = 0;

  virtual absl::StatusOr<std::optional<Friendship>> Between(store::Tx& tx, absl::string_view a,
                                                            absl::string_view b) = 0;
  virtual absl::StatusOr<std::optional<Friendship>> Get(store::Tx& tx, absl::string_view id) = 0;
  virtual absl::Status Insert(store::Tx& tx, const Friendship& f) = 0;
  virtual absl::Status Accept(store::Tx& tx, absl::string_view id) = 0;
  virtual absl::Status Remove(store::Tx& tx, absl::string_view id) = 0;
  // The friendships and requests `account` is part of, newest first.
  virtual absl::StatusOr<std::vector<Friendship>> Of(store::Tx& tx, absl::string_view account,
                                                     int limit) = 0;

  // Whether `blocker` blocked `blocked`.
  virtual absl::StatusOr<bool> Blocked(store::Tx& tx, absl::string_view blocker,
                                       absl::string_view blocked) = 0;
  virtual absl::Status Block(store::Tx& tx, absl::string_view blocker, absl::string_view blocked,
                             absl::Time at) = 0;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_FRIEND_STORE_H_
