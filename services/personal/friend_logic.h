// Friends: people add each other by friend code (a QR code or link they
// show), never by login, so nobody can find out who has an account. A
// request waits for the other's acceptance; either may end it; blocking ends
// it and keeps the blocked person from asking again, without telling them.
#ifndef QRCLOUD_SERVICES_PERSONAL_FRIEND_LOGIC_H_
#define QRCLOUD_SERVICES_PERSONAL_FRIEND_LOGIC_H_

#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/social.pb.h"
#include "services/personal/feed_cache.h"
#include "services/personal/friend_store.h"
#include "services/personal/profile_store.h"

namespace qrcloud::personal {

inline constexpr int kFriendCodeLength = 10;
inline constexpr int kMaxFriends = 1000;         // friendships and requests, per person
inline constexpr int kMaxPendingRequests = 100;  // asked and not yet answered, per person

// A new friend code: kFriendCodeLength characters of Crockford base32 (no
// I, L, O, U), from a secure random source.
std::string NewFriendCode();

// `code` as kept (upper case), or INVALID_ARGUMENT saying what a code is.
absl::StatusOr<std::string> NormalizeFriendCode(absl::string_view code);

class FriendLogic {
 public:
  FriendLogic(store::TxRunner& runner, FriendStore& friends, ProfileStore& profiles,
              const core::Clock& clock)
      : runner_(runner), friends_(friends), profiles_(profiles), clock_(clock) {}

  absl::Status GetCode(const rpc::CallContext& call, const v1::GetFriendCodeRequest& req,
                       v1::FriendCode& resp);
  absl::Status RotateCode(const rpc::CallContext& call, const v1::RotateFriendCodeRequest& req,
                          v1::FriendCode& resp);
  absl::Status Add(const rpc::CallContext& call, const v1::AddFriendRequest& req, v1::Friend& resp);
  absl::Status Accept(const rpc::CallContext& call, const v1::AcceptFriendRequest& req,
                      v1::Friend& resp);
  absl::Status List(const rpc::CallContext& call, const v1::ListFriendsRequest& req,
                    v1::ListFriendsResponse& resp);
  absl::Status Remove(const rpc::CallContext& call, const v1::RemoveFriendRequest& req,
                      v1::RemoveFriendResponse& resp);
  absl::Status Block(const rpc::CallContext& call, const v1::BlockPersonRequest& req,
                     v1::BlockPersonResponse& resp);

  // Told when a friendship began or ended (friends circles follow them).
  void set_feed_events(FeedEvents* events) { feed_events_ = events; }

 private:
  // A new code for `account`, drawn again on the rare collision.
  absl::StatusOr<std::string> Issue(store::Tx& tx, absl::string_view account);
  absl::StatusOr<v1::Friend> Shown(store::Tx& tx, const Friendship& f, absl::string_view me);

  store::TxRunner& runner_;
  FriendStore& friends_;
  ProfileStore& profiles_;
  // Tells feed_events_ that `a` and `b` may see each other's friends
  // circles differently now.
  void PairChanged(absl::string_view a, absl::string_view b);

  const core::Clock& clock_;
  FeedEvents* feed_events_ = nullptr;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_FRIEND_LOGIC_H_
