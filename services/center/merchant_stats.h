// A merchant's figures per campaign per day (in Asia/Shanghai, UTC+8):
// scans and unique visitors of the campaign's code, page views, orders and
// redemptions. The window rule is here; the figures come from a
// MerchantStats source (mysql_merchant_stats.h reads MySQL's rollups and
// orders and Redis's page views).
#ifndef QRCLOUD_SERVICES_CENTER_MERCHANT_STATS_H_
#define QRCLOUD_SERVICES_CENTER_MERCHANT_STATS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::center {

// Days [from, to), each starting at midnight in Shanghai.
struct StatsWindow {
  absl::Time from;
  absl::Time to;
};

// The days a request asks for: fromDay to toDay (YYYY-MM-DD, both included),
// by default the 30 days up to today; at most 366. INVALID_ARGUMENT naming
// the field otherwise.
absl::StatusOr<StatsWindow> StatsWindowOf(const v1::GetMerchantStatsRequest& req, absl::Time now);

// A day as YYYY-MM-DD in Shanghai.
std::string ShanghaiDay(absl::Time t);

class MerchantStats {
 public:
  virtual ~MerchantStats() = default;
  // Every (campaign, day) with a figure, for the merchant's campaigns (or
  // the one named), in the window.
  virtual absl::StatusOr<v1::GetMerchantStatsResponse> Read(absl::string_view merchant_id,
                                                            absl::string_view campaign_id,
                                                            const StatsWindow& window) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MERCHANT_STATS_H_
