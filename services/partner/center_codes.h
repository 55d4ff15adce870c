// CodeDirectory over gRPC: the center's CodeService (GetCode, GetCodeImage)
// and CampaignService (GetCampaign), asked as the partner service's service
// account (role auditor, which reads every code) through the kit's
// CenterCaller. QR drawing stays the center's.
#ifndef QRCLOUD_SERVICES_PARTNER_CENTER_CODES_H_
#define QRCLOUD_SERVICES_PARTNER_CENTER_CODES_H_

#include <memory>

#include "libs/service/center_caller.h"
#include "qrcloud/v1/campaign.grpc.pb.h"
#include "qrcloud/v1/code.grpc.pb.h"
#include "services/partner/partner_store.h"

namespace qrcloud::partner {

class CenterCodes final : public CodeDirectory {
 public:
  explicit CenterCodes(service::CenterCaller& center)
      : center_(center),
        codes_(v1::CodeService::NewStub(center.channel())),
        campaigns_(v1::CampaignService::NewStub(center.channel())) {}

  absl::StatusOr<v1::Code> GetCode(absl::string_view code_id) override;
  absl::StatusOr<v1::Campaign> GetCampaign(absl::string_view campaign_id) override;
  absl::StatusOr<google::api::HttpBody> Image(const v1::GetCodeImageRequest& request) override;

 private:
  service::CenterCaller& center_;
  std::unique_ptr<v1::CodeService::Stub> codes_;
  std::unique_ptr<v1::CampaignService::Stub> campaigns_;
};

}  // namespace qrcloud::partner

#endif  // QRCLOUD_SERVICES_PARTNER_CENTER_CODES_H_
