// What the personal service asks the center, over gRPC.
//
// CampaignSource over gRPC: the center's CampaignService.GetCampaign, asked
// as any visitor (a public campaign needs no credentials).
#ifndef QRCLOUD_SERVICES_PERSONAL_CENTER_CAMPAIGNS_H_
#define QRCLOUD_SERVICES_PERSONAL_CENTER_CAMPAIGNS_H_

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/time/time.h"
#include "qrcloud/v1/campaign.grpc.pb.h"
#include "qrcloud/v1/geo.grpc.pb.h"
#include "services/personal/recommend_logic.h"
#include "services/personal/wallet_store.h"

namespace qrcloud::personal {

class CenterCampaigns final : public CampaignSource {
 public:
  explicit CenterCampaigns(const std::shared_ptr<grpc::Channel>& center,
                           absl::Duration timeout = absl::Seconds(5));
  absl::StatusOr<v1::Campaign> Fetch(absl::string_view id) override;

 private:
  std::unique_ptr<v1::CampaignService::Stub> stub_;
  absl::Duration timeout_;
};

// NearbySource over gRPC: the center's GeoService.NearbyCampaigns, asked as
// any visitor.
class CenterNearby final : public NearbySource {
 public:
  explicit CenterNearby(const std::shared_ptr<grpc::Channel>& center,
                        absl::Duration timeout = absl::Seconds(5));
  absl::StatusOr<std::vector<v1::NearbyCampaign>> Nearby(double lat, double lng, int radius_m,
                                                         int limit) override;

 private:
  std::unique_ptr<v1::GeoService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_CENTER_CAMPAIGNS_H_
