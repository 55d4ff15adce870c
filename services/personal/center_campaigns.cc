#include "services/personal/center_campaigns.h"

#include <grpcpp/client_context.h>

#include "absl/time/clock.h"
#include "libs/core/status.h"

namespace qrcloud::personal {

CenterCampaigns::CenterCampaigns(const std::shared_ptr<grpc::Channel>& center,
                                 absl::Duration timeout)
    : stub_(v1::CampaignService::NewStub(center)), timeout_(timeout) {}

absl::StatusOr<v1::Campaign> CenterCampaigns::Fetch(absl::string_view id) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  v1::GetCampaignRequest request;
  request.set_id(std::string(id));
  v1::Campaign campaign;
  const grpc::Status status = stub_->GetCampaign(&context, request, &campaign);
  if (!status.ok()) return core::FromGrpcStatus(status);
  return campaign;
}

CenterNearby::CenterNearby(const std::shared_ptr<grpc::Channel>& center, absl::Duration timeout)
    : stub_(v1::GeoService::NewStub(center)), timeout_(timeout) {}

absl::StatusOr<std::vector<v1::NearbyCampaign>> CenterNearby::Nearby(double lat, double lng,
                                                                     int radius_m, int limit) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  v1::NearbyCampaignsRequest request;
  request.set_lat(lat);
  request.set_lng(lng);
  request.set_radius_m(radius_m);
  request.set_limit(limit);
  v1::NearbyCampaignsResponse response;
  const grpc::Status status = stub_->NearbyCampaigns(&context, request, &response);
  if (!status.ok()) return core::FromGrpcStatus(status);
  return std::vector<v1::NearbyCampaign>(response.results().begin(), response.results().end());
}

}  // namespace qrcloud::personal
