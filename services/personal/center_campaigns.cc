#include "services/personal/center_campaigns.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/time/clock.h"
#include "libs/core/status.h"

namespace qrcloud::personal {

CenterCampaigns::CenterCampaigns(const std::string& address, absl::Duration timeout)
    : stub_(v1::CampaignService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))),
      timeout_(timeout) {}

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

}  // namespace qrcloud::personal
