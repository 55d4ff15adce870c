// The geo index of published campaigns, and the nearby search over it, as
// the logic sees it: Redis in the service (redis_geo_index.h), memory in
// unit tests. A campaign is placed at its fence's origin, else at its
// merchant's location.
#ifndef QRCLOUD_SERVICES_CENTER_GEO_INDEX_H_
#define QRCLOUD_SERVICES_CENTER_GEO_INDEX_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/common.pb.h"
#include "qrcloud/v1/geo.pb.h"

namespace qrcloud::center {

class GeoIndex {
 public:
  virtual ~GeoIndex() = default;
  // Adds or refreshes a published campaign at `where`.
  virtual absl::Status Put(const v1::Campaign& campaign, const v1::GeoPoint& where) = 0;
  virtual absl::Status Remove(const v1::Campaign& campaign) = 0;
  // Published campaigns within `radius_m` of (lat, lng) carrying every tag,
  // nearest first, at most `limit`.
  virtual absl::StatusOr<v1::NearbyCampaignsResponse> Nearby(double lat, double lng, int radius_m,
                                                             const std::vector<std::string>& tags,
                                                             int limit) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_GEO_INDEX_H_
