// MerchantDirectory over gRPC: the center's MerchantService (GetMerchant,
// GetMerchantStats), asked as the agent service's service account (role
// auditor, which reads every merchant), through the kit's CenterCaller.
#ifndef QRCLOUD_SERVICES_AGENT_CENTER_MERCHANTS_H_
#define QRCLOUD_SERVICES_AGENT_CENTER_MERCHANTS_H_

#include <memory>

#include "libs/service/center_caller.h"
#include "qrcloud/v1/merchant.grpc.pb.h"
#include "services/agent/agent_store.h"

namespace qrcloud::agent {

class CenterMerchants final : public MerchantDirectory {
 public:
  explicit CenterMerchants(service::CenterCaller& center)
      : center_(center), stub_(v1::MerchantService::NewStub(center.channel())) {}

  absl::StatusOr<v1::Merchant> Get(absl::string_view merchant_id) override;
  absl::StatusOr<v1::GetMerchantStatsResponse> Stats(absl::string_view merchant_id) override;

 private:
  service::CenterCaller& center_;
  std::unique_ptr<v1::MerchantService::Stub> stub_;
};

}  // namespace qrcloud::agent

#endif  // QRCLOUD_SERVICES_AGENT_CENTER_MERCHANTS_H_
