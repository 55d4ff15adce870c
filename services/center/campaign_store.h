// MySQL access for campaigns and media metadata.
#ifndef QRCLOUD_SERVICES_CENTER_CAMPAIGN_STORE_H_
#define QRCLOUD_SERVICES_CENTER_CAMPAIGN_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/mysql.h"
#include "qrcloud/v1/campaign.pb.h"
#include "services/center/order_logic.h"

namespace qrcloud::center {

// A campaign as stored: the live content, and an edit waiting for audit.
struct CampaignRecord {
  v1::Campaign campaign;                // live content + state + page/code ids
  std::optional<v1::Campaign> pending;  // an edit of a published campaign
  std::string submission_id;
};

class CampaignStore : public OrderTermsSource {
 public:
  explicit CampaignStore(store::MysqlPool& mysql) : mysql_(mysql) {}

  absl::Status Insert(store::Connection& conn, const CampaignRecord& record);
  // Writes everything back (content, state, columns).
  absl::Status Save(store::Connection& conn, const CampaignRecord& record);
  // NOT_FOUND naming the id.
  absl::StatusOr<CampaignRecord> Get(store::Connection& conn, absl::string_view id,
                                     bool for_update = false);
  absl::StatusOr<CampaignRecord> Get(absl::string_view id);
  // Only what an order is checked against (id, merchant, state, mode, price,
  // stock, per-person limit, window, fence), from their columns: no content
  // to parse on the order path. NOT_FOUND naming the id. In the same query,
  // the id of the order `account_id` already placed with `request_id` (any
  // campaign), or "" if none, and whether the merchant's cloud business is on.
  absl::StatusOr<OrderTerms> GetOrderTerms(absl::string_view id, absl::string_view account_id,
                                           absl::string_view request_id) override;
  absl::StatusOr<CampaignRecord> GetByPageSlug(absl::string_view slug);
  absl::StatusOr<std::vector<v1::Campaign>> ListForMerchant(absl::string_view merchant_id,
                                                            absl::string_view state,
                                                            absl::string_view after_id, int limit);
  // Published campaigns whose text or tags contain every word of `query`.
  absl::StatusOr<std::vector<v1::Campaign>> Search(const std::vector<std::string>& words,
                                                   const std::vector<std::string>& tags,
                                                   absl::string_view after_id, int limit);

  store::MysqlPool& mysql() { return mysql_; }

 private:
  store::MysqlPool& mysql_;
};

// The text a campaign is found by: title, description and tags, lower-cased.
std::string SearchText(const v1::Campaign& c);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CAMPAIGN_STORE_H_
