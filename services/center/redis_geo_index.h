// The geo index in Redis: each published campaign with a place is a member
// of one GEO set, and of a GEO set per tag; a copy of the campaign
// (protobuf bytes) sits beside it in a hash, so a nearby search is one
// GEOSEARCH and one HMGET, without MySQL.
#ifndef QRCLOUD_SERVICES_CENTER_REDIS_GEO_INDEX_H_
#define QRCLOUD_SERVICES_CENTER_REDIS_GEO_INDEX_H_

#include "libs/cache/redis.h"
#include "services/center/geo_index.h"

namespace qrcloud::center {

class RedisGeoIndex final : public GeoIndex {
 public:
  explicit RedisGeoIndex(cache::RedisPool& redis) : redis_(redis) {}

  absl::Status Put(const v1::Campaign& campaign, const v1::GeoPoint& where) override;
  absl::Status Remove(const v1::Campaign& campaign) override;
  absl::StatusOr<v1::NearbyCampaignsResponse> Nearby(double lat, double lng, int radius_m,
                                                     const std::vector<std::string>& tags,
                                                     int limit) override;

 private:
  cache::RedisPool& redis_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_REDIS_GEO_INDEX_H_
