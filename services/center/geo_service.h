// GeoService: the gRPC adapter of GeoLogic.
#ifndef QRCLOUD_SERVICES_CENTER_GEO_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_GEO_SERVICE_H_

#include "google/api/httpbody.pb.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/geo.grpc.pb.h"
#include "services/center/geo_logic.h"

namespace qrcloud::center {

class GeoServiceImpl : public v1::GeoService::CallbackService {
 public:
  GeoServiceImpl(GeoLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.GeoService", deps) {}

  grpc::ServerUnaryReactor* NearbyCampaigns(grpc::CallbackServerContext* ctx,
                                            const v1::NearbyCampaignsRequest* req,
                                            v1::NearbyCampaignsResponse* resp) override {
    return dispatcher_.Unary(ctx, "NearbyCampaigns", req, resp, logic_, &GeoLogic::Nearby);
  }

 private:
  GeoLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_GEO_SERVICE_H_
