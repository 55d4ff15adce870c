// "Nearby": published campaigns around a person, from the geo index.
#ifndef QRCLOUD_SERVICES_CENTER_GEO_LOGIC_H_
#define QRCLOUD_SERVICES_CENTER_GEO_LOGIC_H_

#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/geo.pb.h"
#include "services/center/geo_index.h"

namespace qrcloud::center {

class GeoLogic {
 public:
  explicit GeoLogic(GeoIndex& index) : index_(index) {}
  absl::Status Nearby(const rpc::CallContext& call, const v1::NearbyCampaignsRequest& req,
                      v1::NearbyCampaignsResponse& resp);

 private:
  GeoIndex& index_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_GEO_LOGIC_H_
