#include "services/agent/center_merchants.h"

#include "libs/core/status.h"

namespace qrcloud::agent {

absl::StatusOr<v1::Merchant> CenterMerchants::Get(absl::string_view merchant_id) {
  v1::GetMerchantRequest req;
  req.set_id(std::string(merchant_id));
  v1::Merchant merchant;
  QRCLOUD_RETURN_IF_ERROR(center_.Call(
      [&](grpc::ClientContext& ctx) { return stub_->GetMerchant(&ctx, req, &merchant); }));
  return merchant;
}

absl::StatusOr<v1::GetMerchantStatsResponse> CenterMerchants::Stats(absl::string_view merchant_id) {
  v1::GetMerchantStatsRequest req;  // no days given: the last 30
  req.set_id(std::string(merchant_id));
  v1::GetMerchantStatsResponse stats;
  QRCLOUD_RETURN_IF_ERROR(center_.Call(
      [&](grpc::ClientContext& ctx) { return stub_->GetMerchantStats(&ctx, req, &stats); }));
  return stats;
}

}  // namespace qrcloud::agent
