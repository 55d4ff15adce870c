// Where the center keeps campaigns, as its logic sees it: MySQL in the
// service (mysql_campaign_store.h), memory in unit tests.
#ifndef QRCLOUD_SERVICES_CENTER_CAMPAIGN_STORE_H_
#define QRCLOUD_SERVICES_CENTER_CAMPAIGN_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/tx.h"
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
  virtual absl::Status Insert(store::Tx& tx, const CampaignRecord& record) = 0;
  // Writes everything back (content, state, the columns queries use).
  virtual absl::Status Save(store::Tx& tx, const CampaignRecord& record) = 0;
  // NOT_FOUND naming the id.
  virtual absl::StatusOr<CampaignRecord> Get(store::Tx& tx, absl::string_view id,
                                             bool for_update) = 0;
  virtual absl::StatusOr<CampaignRecord> Get(absl::string_view id) = 0;
  // NOT_FOUND for a slug no page has.
  virtual absl::StatusOr<CampaignRecord> GetByPageSlug(absl::string_view slug) = 0;
  // A merchant's campaigns in id order after `after_id`; `state` "" for any.
  virtual absl::StatusOr<std::vector<v1::Campaign>> ListForMerchant(absl::string_view merchant_id,
                                                                    absl::string_view state,
                                                                    absl::string_view after_id,
                                                                    int limit) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CAMPAIGN_STORE_H_
