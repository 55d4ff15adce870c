// FriendStore in memory, for the unit tests, rolled back with the unit.
#ifndef QRCLOUD_SERVICES_PERSONAL_TESTING_MEMORY_FRIEND_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_TESTING_MEMORY_FRIEND_STORE_H_

#include <algorithm>
#include <map>
#include <set>

#include "libs/store/memory_tx.h"
#include "services/personal/friend_store.h"

namespace qrcloud::personal::testing {

class MemoryFriendStore final : public FriendStore {
 public:
  explicit MemoryFriendStore(store::MemoryDb& db) {
    db.Register([this] {
      Tables saved = t_;
      return [this, saved] { t_ = saved; };
    });
  }
  absl::StatusOr<std::optional<std::string>> CodeOwner(store::Tx&, absl::string_view c) override {
    for (const auto& [account, code] : t_.codes) {
      if (code == c) return account;
    }
    return std::nullopt;
  }
  absl::StatusOr<std::optional<std::string>> CodeOf(store::Tx&, absl::string_view a) override {
    auto it = t_.codes.find(std::string(a));
    if (it == t_.codes.end()) return std::nullopt;
    return it->second;
  }
  absl::Status SetCode(store::Tx& tx, absl::string_view a, absl::string_view c) override {
    auto owner = CodeOwner(tx, c);
    if (*owner && **owner != a) return absl::AlreadyExistsError("taken");
    t_.codes[std::string(a)] = std::string(c);
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<Friendship>> Between(store::Tx&, absl::string_view a,
                                                    absl::string_view b) override {
    for (const auto& [id, f] : t_.friendships) {
      if (f.Involves(a) && f.Involves(b)) return f;
    }
    return std::nullopt;
  }
  absl::StatusOr<std::optional<Friendship>> Get(store::Tx&, absl::string_view id) override {
    auto it = t_.friendships.find(std::string(id));
    if (it == t_.friendships.end()) return std::nullopt;
    return it->second;
  }
  absl::Status Insert(store::Tx&, const Friendship& f) override {
    t_.friendships[f.id] = f;
    return absl::OkStatus();
  }
  absl::Status Accept(store::Tx&, absl::string_view id) override {
    t_.friendships[std::string(id)].accepted = true;
    return absl::OkStatus();
  }
  absl::Status Remove(store::Tx&, absl::string_view id) override {
    t_.friendships.erase(std::string(id));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<Friendship>> Of(store::Tx&, absl::string_view a, int limit) override {
    std::vector<Friendship> out;
    for (auto it = t_.friendships.rbegin(); it != t_.friendships.rend(); ++it) {
      if (it->second.Involves(a) && static_cast<int>(out.size()) < limit) out.push_back(it->second);
    }
    return out;
  }
  absl::StatusOr<bool> Blocked(store::Tx&, absl::string_view by, absl::string_view who) override {
    return t_.blocks.count({std::string(by), std::string(who)}) > 0;
  }
  absl::Status Block(store::Tx&, absl::string_view by, absl::string_view who, absl::Time) override {
    t_.blocks.insert({std::string(by), std::string(who)});
    return absl::OkStatus();
  }

 private:
  struct Tables {
    std::map<std::string, std::string> codes;
    std::map<std::string, Friendship> friendships;
    std::set<std::pair<std::string, std::string>> blocks;
  };
  Tables t_;
};

}  // namespace qrcloud::personal::testing

#endif  // QRCLOUD_SERVICES_PERSONAL_TESTING_MEMORY_FRIEND_STORE_H_
