#include "services/partner/center_codes.h"

#include "libs/core/status.h"

namespace qrcloud::partner {

absl::StatusOr<v1::Code> CenterCodes::GetCode(absl::string_view code_id) {
  v1::GetCodeRequest req;
  req.set_id(std::string(code_id));
  v1::Code code;
  QRCLOUD_RETURN_IF_ERROR(
      center_.Call([&](grpc::ClientContext& ctx) { return codes_->GetCode(&ctx, req, &code); }));
  return code;
}

absl::StatusOr<v1::Campaign> CenterCodes::GetCampaign(absl::string_view campaign_id) {
  v1::GetCampaignRequest req;
  req.set_id(std::string(campaign_id));
  v1::Campaign campaign;
  QRCLOUD_RETURN_IF_ERROR(center_.Call(
      [&](grpc::ClientContext& ctx) { return campaigns_->GetCampaign(&ctx, req, &campaign); }));
  return campaign;
}

absl::StatusOr<google::api::HttpBody> CenterCodes::Image(const v1::GetCodeImageRequest& request) {
  google::api::HttpBody body;
  QRCLOUD_RETURN_IF_ERROR(center_.Call(
      [&](grpc::ClientContext& ctx) { return codes_->GetCodeImage(&ctx, request, &body); }));
  return body;
}

}  // namespace qrcloud::partner
