// A merchant's figures per campaign per day (in Asia/Shanghai, UTC+8):
// scans and unique visitors of the campaign's code, page views, orders and
// redemptions. Read from MySQL (scan rollups, orders) and Redis (page views).
#ifndef QRCLOUD_SERVICES_CENTER_MERCHANT_STATS_H_
#define QRCLOUD_SERVICES_CENTER_MERCHANT_STATS_H_

#include "absl/status/statusor.h"
#include "libs/cache/redis.h"
#include "libs/core/clock.h"
#include "libs/store/mysql.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::center {

absl::StatusOr<v1::GetMerchantStatsResponse> MerchantStats(store::MysqlPool& mysql,
                                                           cache::RedisPool& redis,
                                                           const v1::GetMerchantStatsRequest& req,
                                                           const core::Clock& clock);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MERCHANT_STATS_H_
