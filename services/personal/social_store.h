// Where reviews, circles, shares and comments are kept, as the social logic
// sees them: MySQL in the service (mysql_social_store.h).
#ifndef QRCLOUD_SERVICES_PERSONAL_SOCIAL_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_SOCIAL_STORE_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/social.pb.h"
#include "services/personal/social_rules.h"

namespace qrcloud::personal {

// What moderation knows of an item beside what it shows (state and reasons
// are in the message): the submission the audit service decides on, and an
// open report's.
struct Moderated {
  std::string submission_id;
  std::string report_submission_id;
};

struct ReviewRow {
  v1::Review review;
  Moderated moderation;
  std::string request_id;
};

struct ShareRow {
  v1::Share share;
  Moderated moderation;
  std::string request_id;
};

struct CommentRow {
  v1::Comment comment;
  std::string submission_id;
  std::string request_id;
};

// Which kind of item a report or a decision is about.
enum class ItemKind { kReview, kShare, kComment };

class SocialStore {
 public:
  virtual ~SocialStore() = default;

  // Reviews. Insert: ALREADY_EXISTS when the author has one for the campaign.
  virtual absl::Status InsertReview(store::Tx& tx, const ReviewRow& row) = 0;
  virtual absl::StatusOr<std::optional<ReviewRow>> GetReview(store::Tx& tx,
                                                             absl::string_view id) = 0;
  virtual absl::StatusOr<std::optional<ReviewRow>> ReviewOf(store::Tx& tx,
                                                            absl::string_view campaign_id,
                                                            absl::string_view account_id) = 0;
  virtual absl::Status UpdateReview(store::Tx& tx, const ReviewRow& row) = 0;
  // Visible reviews of a campaign newest first, below `before_id` if given.
  virtual absl::StatusOr<std::vector<ReviewRow>> VisibleReviews(absl::string_view campaign_id,
                                                                absl::string_view before_id,
                                                                int limit) = 0;
  // The sum and count of the campaign's visible ratings.
  virtual absl::StatusOr<std::pair<int64_t, int64_t>> Rating(absl::string_view campaign_id) = 0;
  virtual absl::Status AddRating(store::Tx& tx, absl::string_view campaign_id, int64_t sum,
                                 int64_t count) = 0;
  // Whether the person had an order for the campaign redeemed.
  virtual absl::StatusOr<bool> Redeemed(store::Tx& tx, absl::string_view account_id,
                                        absl::string_view campaign_id) = 0;
  // Marks the person's review of the campaign verified, if they wrote one.
  virtual absl::Status MarkVerified(store::Tx& tx, absl::string_view account_id,
                                    absl::string_view campaign_id) = 0;
  // Records a report; false when this person reported the item before.
  virtual absl::StatusOr<bool> AddReport(store::Tx& tx, ItemKind kind, absl::string_view item_id,
                                         absl::string_view account_id, absl::string_view reason,
                                         absl::Time at) = 0;

  // Who `account_id` is, as circles see them (interests and location from
  // the profile, accepted friends, interest circles joined, people they
  // blocked), read together
  // without a transaction: what a feed asks on every call.
  virtual absl::StatusOr<Viewer> LoadViewer(absl::string_view account_id) = 0;

  // Circles. Insert: ALREADY_EXISTS for a second FRIENDS circle.
  virtual absl::Status InsertCircle(store::Tx& tx, const v1::Circle& circle,
                                    absl::string_view request_id) = 0;
  virtual absl::StatusOr<std::optional<v1::Circle>> GetCircle(store::Tx& tx,
                                                              absl::string_view id) = 0;
  virtual absl::StatusOr<std::optional<v1::Circle>> CircleByRequest(
      store::Tx& tx, absl::string_view owner, absl::string_view request_id) = 0;
  virtual absl::StatusOr<std::optional<v1::Circle>> FriendsCircleOf(store::Tx& tx,
                                                                    absl::string_view owner) = 0;
  virtual absl::StatusOr<int64_t> CountOwned(store::Tx& tx, absl::string_view owner) = 0;
  // Adds or removes a member and keeps member_count; false when nothing
  // changed.
  virtual absl::StatusOr<bool> Join(store::Tx& tx, absl::string_view circle_id,
                                    absl::string_view account_id, absl::Time at) = 0;
  virtual absl::StatusOr<bool> Leave(store::Tx& tx, absl::string_view circle_id,
                                     absl::string_view account_id) = 0;
  // The circles that may hold `viewer`, by kind: INTEREST circles of these
  // ids, FRIENDS circles of these owners, LOCATION circles whose bounding
  // box holds the point. IsMember decides.
  virtual absl::StatusOr<std::vector<v1::Circle>> Candidates(
      const std::set<std::string>& interest_circle_ids, const std::set<std::string>& owners,
      const std::optional<v1::GeoPoint>& point) = 0;
  // Interest circles for these interests, most members first.
  virtual absl::StatusOr<std::vector<v1::Circle>> InterestCircles(
      const std::set<std::string>& interests, int limit) = 0;

  // Shares.
  virtual absl::Status InsertShare(store::Tx& tx, const ShareRow& row) = 0;
  virtual absl::StatusOr<std::optional<ShareRow>> GetShare(store::Tx& tx, absl::string_view id) = 0;
  virtual absl::StatusOr<std::optional<ShareRow>> ShareByRequest(store::Tx& tx,
                                                                 absl::string_view account_id,
                                                                 absl::string_view request_id) = 0;
  virtual absl::Status UpdateShare(store::Tx& tx, const ShareRow& row) = 0;
  // The shares of these circles newest first, below `before_id` if given:
  // the visible ones, and `viewer`'s own in any state; none by `hidden`.
  virtual absl::StatusOr<std::vector<ShareRow>> Feed(const std::set<std::string>& circle_ids,
                                                     absl::string_view viewer,
                                                     const std::set<std::string>& hidden,
                                                     absl::string_view before_id, int limit) = 0;

  // Comments, oldest first after `after_id`: visible ones and `viewer`'s own.
  virtual absl::Status InsertComment(store::Tx& tx, const CommentRow& row) = 0;
  virtual absl::StatusOr<std::optional<CommentRow>> GetComment(store::Tx& tx,
                                                               absl::string_view id) = 0;
  virtual absl::StatusOr<std::optional<CommentRow>> CommentByRequest(
      store::Tx& tx, absl::string_view account_id, absl::string_view request_id) = 0;
  virtual absl::Status UpdateComment(store::Tx& tx, const CommentRow& row) = 0;
  virtual absl::StatusOr<std::vector<CommentRow>> Comments(absl::string_view share_id,
                                                           absl::string_view viewer,
                                                           absl::string_view after_id,
                                                           int limit) = 0;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_SOCIAL_STORE_H_
