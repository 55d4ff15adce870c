// GeoService: published campaigns near a place, nearest first.
#ifndef QRCLOUD_SERVICES_CENTER_GEO_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_GEO_SERVICE_H_

#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/geo.grpc.pb.h"
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

class GeoServiceImpl : public v1::GeoService::CallbackService {
 public:
  GeoServiceImpl(GeoLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.GeoService", deps) {}
  grpc::ServerUnaryReactor* NearbyCampaigns(grpc::CallbackServerContext* ctx,
                                            const v1::NearbyCampaignsRequest* req,
                                            v1::NearbyCampaignsResponse* resp) override;

 private:
  GeoLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_GEO_SERVICE_H_
