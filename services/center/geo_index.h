// The Redis geo index of published campaigns, and the nearby search over it.
//
// Each published campaign with a place (its fence origin, else its
// merchant's location) is a member of one GEO set, and of a GEO set per tag;
// a copy of the campaign (protobuf bytes) sits beside it in a hash, so a
// nearby search is one GEOSEARCH and one HMGET, without MySQL.
#ifndef QRCLOUD_SERVICES_CENTER_GEO_INDEX_H_
#define QRCLOUD_SERVICES_CENTER_GEO_INDEX_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/cache/redis.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/common.pb.h"
#include "qrcloud/v1/geo.pb.h"

namespace qrcloud::center {

class GeoIndex {
 public:
  explicit GeoIndex(cache::RedisPool& redis) : redis_(redis) {}

  // Adds or refreshes a published campaign at `where`.
  absl::Status Put(const v1::Campaign& campaign, const v1::GeoPoint& where);
  absl::Status Remove(const v1::Campaign& campaign);
  absl::StatusOr<v1::NearbyCampaignsResponse> Nearby(double lat, double lng, int radius_m,
                                                     const std::vector<std::string>& tags,
                                                     int limit);

 private:
  cache::RedisPool& redis_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_GEO_INDEX_H_
