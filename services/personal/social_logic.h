// Reviews of campaigns, and circles with the shares and comments in them
// (claims 5 and 10). Each review, share and comment is submitted to the
// audit service (stream `audit`) in the unit that writes it, and its
// decision comes back on the `moderation` stream (OnDecision). Reviews and
// shares with links or images wait for it; text-only shares and comments are
// shown at once and taken down if rejected. A report sends a visible item
// to an auditor. See docs/personal.md.
#ifndef QRCLOUD_SERVICES_PERSONAL_SOCIAL_LOGIC_H_
#define QRCLOUD_SERVICES_PERSONAL_SOCIAL_LOGIC_H_

#include <string>

#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/common.pb.h"
#include "qrcloud/v1/social.pb.h"
#include "services/personal/feed_cache.h"
#include "services/personal/profile_store.h"
#include "services/personal/social_rules.h"
#include "services/personal/social_store.h"
#include "services/personal/wallet_store.h"

namespace qrcloud::personal {

// The people and stores both halves need.
struct SocialDeps {
  store::TxRunner& runner;
  SocialStore& social;
  ProfileStore& profiles;
  CampaignSource& campaigns;
  const core::Clock& clock;
  // The gateway's public base URL: images must be platform media under it.
  std::string public_url;
  // First feed pages (null: none kept), and who to tell of changes.
  FeedCache* feed_cache = nullptr;
};

class ReviewLogic {
 public:
  explicit ReviewLogic(SocialDeps deps) : d_(std::move(deps)) {}

  absl::Status Create(const rpc::CallContext& call, const v1::CreateReviewRequest& req,
                      v1::Review& resp);
  absl::Status List(const rpc::CallContext& call, const v1::ListReviewsRequest& req,
                    v1::ListReviewsResponse& resp);
  absl::Status Reply(const rpc::CallContext& call, const v1::ReplyToReviewRequest& req,
                     v1::Review& resp);
  absl::Status Report(const rpc::CallContext& call, const v1::ReportRequest& req,
                      v1::ReportResponse& resp);

  // From the `moderation` stream; idempotent.
  absl::Status OnDecision(const v1::AuditDecision& decision);
  // From the `orders` stream: a redeemed order makes its buyer's review of
  // the campaign verified.
  absl::Status OnOrder(const v1::Order& order);

 private:
  SocialDeps d_;
};

class CircleLogic {
 public:
  explicit CircleLogic(SocialDeps deps) : d_(std::move(deps)) {}

  absl::Status CreateCircle(const rpc::CallContext& call, const v1::CreateCircleRequest& req,
                            v1::Circle& resp);
  absl::Status ListCircles(const rpc::CallContext& call, const v1::ListCirclesRequest& req,
                           v1::ListCirclesResponse& resp);
  absl::Status Join(const rpc::CallContext& call, const v1::JoinCircleRequest& req,
                    v1::Circle& resp);
  absl::Status Leave(const rpc::CallContext& call, const v1::LeaveCircleRequest& req,
                     v1::LeaveCircleResponse& resp);
  absl::Status CreateShare(const rpc::CallContext& call, const v1::CreateShareRequest& req,
                           v1::Share& resp);
  absl::Status ReportShare(const rpc::CallContext& call, const v1::ReportRequest& req,
                           v1::ReportResponse& resp);
  absl::Status Feed(const rpc::CallContext& call, const v1::ListFeedRequest& req,
                    v1::ListFeedResponse& resp);
  absl::Status CreateComment(const rpc::CallContext& call, const v1::CreateCommentRequest& req,
                             v1::Comment& resp);
  absl::Status ListComments(const rpc::CallContext& call, const v1::ListCommentsRequest& req,
                            v1::ListCommentsResponse& resp);

  // From the `moderation` stream; idempotent.
  absl::Status OnShareDecision(const v1::AuditDecision& decision);
  absl::Status OnCommentDecision(const v1::AuditDecision& decision);

 private:
  // The caller as circles see them: interests, location, friends, joined.
  absl::StatusOr<Viewer> ViewerOf(absl::string_view account_id);
  // The circles `viewer` belongs to now.
  absl::StatusOr<std::vector<v1::Circle>> CirclesOf(const Viewer& viewer);
  // The share, if `viewer` may see it (visible, or theirs, in a circle they
  // are in); NOT_FOUND otherwise, as for a share that does not exist.
  absl::StatusOr<ShareRow> VisibleShare(const Viewer& viewer, absl::string_view id);
  // The feed page as asked, from MySQL; `versions` (when caching) gets the
  // circles it read.
  absl::Status BuildFeed(const Viewer& viewer, const v1::ListFeedRequest& req, int size,
                         FeedCache::Versions* versions, v1::ListFeedResponse& resp);
  void CircleChanged(absl::string_view id) {
    if (d_.feed_cache) d_.feed_cache->CircleChanged(id);
  }
  void ViewerChanged(absl::string_view id) {
    if (d_.feed_cache) d_.feed_cache->ViewerChanged(id);
  }

  SocialDeps d_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_SOCIAL_LOGIC_H_
