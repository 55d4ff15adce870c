// SocialStore on the personal service's MySQL database (0005_social.sql).
#ifndef QRCLOUD_SERVICES_PERSONAL_MYSQL_SOCIAL_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_MYSQL_SOCIAL_STORE_H_

#include "libs/store/mysql.h"
#include "services/personal/social_store.h"

namespace qrcloud::personal {

class MysqlSocialStore final : public SocialStore {
 public:
  explicit MysqlSocialStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  absl::Status InsertReview(store::Tx& tx, const ReviewRow& row) override;
  absl::StatusOr<std::optional<ReviewRow>> GetReview(store::Tx& tx, absl::string_view id) override;
  absl::StatusOr<std::optional<ReviewRow>> ReviewOf(store::Tx& tx, absl::string_view campaign_id,
                                                    absl::string_view account_id) override;
  absl::Status UpdateReview(store::Tx& tx, const ReviewRow& row) override;
  absl::StatusOr<std::vector<ReviewRow>> VisibleReviews(absl::string_view campaign_id,
                                                        absl::string_view before_id,
                                                        int limit) override;
  absl::StatusOr<std::pair<int64_t, int64_t>> Rating(absl::string_view campaign_id) override;
  absl::Status AddRating(store::Tx& tx, absl::string_view campaign_id, int64_t sum,
                         int64_t count) override;
  absl::StatusOr<bool> Redeemed(store::Tx& tx, absl::string_view account_id,
                                absl::string_view campaign_id) override;
  absl::Status MarkVerified(store::Tx& tx, absl::string_view account_id,
                            absl::string_view campaign_id) override;
  absl::StatusOr<bool> AddReport(store::Tx& tx, ItemKind kind, absl::string_view item_id,
                                 absl::string_view account_id, absl::string_view reason,
                                 absl::Time at) override;

  absl::Status InsertCircle(store::Tx& tx, const v1::Circle& circle,
                            absl::string_view request_id) override;
  absl::StatusOr<std::optional<v1::Circle>> GetCircle(store::Tx& tx, absl::string_view id) override;
  absl::StatusOr<std::optional<v1::Circle>> CircleByRequest(store::Tx& tx, absl::string_view owner,
                                                            absl::string_view request_id) override;
  absl::StatusOr<std::optional<v1::Circle>> FriendsCircleOf(store::Tx& tx,
                                                            absl::string_view owner) override;
  absl::StatusOr<int64_t> CountOwned(store::Tx& tx, absl::string_view owner) override;
  absl::StatusOr<bool> Join(store::Tx& tx, absl::string_view circle_id,
                            absl::string_view account_id, absl::Time at) override;
  absl::StatusOr<bool> Leave(store::Tx& tx, absl::string_view circle_id,
                             absl::string_view account_id) override;
  absl::StatusOr<Viewer> LoadViewer(absl::string_view account_id) override;
  absl::StatusOr<std::vector<v1::Circle>> Candidates(
      const std::set<std::string>& interest_circle_ids, const std::set<std::string>& owners,
      const std::optional<v1::GeoPoint>& point) override;
  absl::StatusOr<std::vector<v1::Circle>> InterestCircles(const std::set<std::string>& interests,
                                                          int limit) override;

  absl::Status InsertShare(store::Tx& tx, const ShareRow& row) override;
  absl::StatusOr<std::optional<ShareRow>> GetShare(store::Tx& tx, absl::string_view id) override;
  absl::StatusOr<std::optional<ShareRow>> ShareByRequest(store::Tx& tx,
                                                         absl::string_view account_id,
                                                         absl::string_view request_id) override;
  absl::Status UpdateShare(store::Tx& tx, const ShareRow& row) override;
  absl::StatusOr<std::vector<ShareRow>> Feed(const std::set<std::string>& circle_ids,
                                             absl::string_view viewer,
                                             const std::set<std::string>& hidden,
                                             absl::string_view before_id, int limit) override;

  absl::Status InsertComment(store::Tx& tx, const CommentRow& row) override;
  absl::StatusOr<std::optional<CommentRow>> GetComment(store::Tx& tx,
                                                       absl::string_view id) override;
  absl::StatusOr<std::optional<CommentRow>> CommentByRequest(store::Tx& tx,
                                                             absl::string_view account_id,
                                                             absl::string_view request_id) override;
  absl::Status UpdateComment(store::Tx& tx, const CommentRow& row) override;
  absl::StatusOr<std::vector<CommentRow>> Comments(absl::string_view share_id,
                                                   absl::string_view viewer,
                                                   absl::string_view after_id, int limit) override;

 private:
  store::MysqlPool& mysql_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_MYSQL_SOCIAL_STORE_H_
