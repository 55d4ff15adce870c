// A person's profile: interests (tags, for recommendations and interest
// circles) and a location — a marked place or the live position — kept
// only as precisely as the person chose (rounded to a grid of precision_m).
#ifndef QRCLOUD_SERVICES_PERSONAL_PROFILE_LOGIC_H_
#define QRCLOUD_SERVICES_PERSONAL_PROFILE_LOGIC_H_

#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/personal.pb.h"
#include "services/personal/feed_cache.h"
#include "services/personal/profile_store.h"

namespace qrcloud::personal {

inline constexpr int kMaxInterests = 20;
inline constexpr size_t kMaxInterestChars = 32;
inline constexpr size_t kMaxNicknameChars = 32;
inline constexpr int kDefaultPrecisionM = 100;
inline constexpr int kMinPrecisionM = 10;
inline constexpr int kMaxPrecisionM = 10000;

// `lat`, `lng` rounded to the nearest point of a grid `precision_m` metres
// apart (north-south, and east-west at that latitude).
v1::GeoPoint RoundToPrecision(double lat, double lng, int precision_m);

// Interests as kept: each trimmed and folded for matching
// (text::NormalizeForMatching), empty ones dropped, duplicates once, in the
// order given. INVALID_ARGUMENT naming the item for one too long, and for
// more than kMaxInterests.
absl::StatusOr<std::vector<std::string>> CleanInterests(
    const google::protobuf::RepeatedPtrField<std::string>& given);

class ProfileLogic {
 public:
  ProfileLogic(store::TxRunner& runner, ProfileStore& profiles, const core::Clock& clock)
      : runner_(runner), profiles_(profiles), clock_(clock) {}

  absl::Status Get(const rpc::CallContext& call, const v1::GetProfileRequest& req,
                   v1::Profile& resp);
  absl::Status SetLocation(const rpc::CallContext& call, const v1::SetLocationMarkRequest& req,
                           v1::SetLocationMarkResponse& resp);
  absl::Status SetInterests(const rpc::CallContext& call, const v1::SetInterestsRequest& req,
                            v1::SetInterestsResponse& resp);
  absl::Status SetNickname(const rpc::CallContext& call, const v1::SetNicknameRequest& req,
                           v1::Profile& resp);

  // Told when a profile changed (interests and location decide circles).
  void set_feed_events(FeedEvents* events) { feed_events_ = events; }

 private:
  // Reads, changes and writes the caller's profile in one unit.
  absl::Status Change(const rpc::CallContext& call, const std::function<void(v1::Profile&)>& change,
                      v1::Profile& out);

  store::TxRunner& runner_;
  ProfileStore& profiles_;
  const core::Clock& clock_;
  FeedEvents* feed_events_ = nullptr;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_PROFILE_LOGIC_H_
