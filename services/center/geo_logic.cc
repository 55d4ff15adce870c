#include "services/center/geo_logic.h"

#include "absl/strings/ascii.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"

namespace qrcloud::center {

absl::Status GeoLogic::Nearby(const rpc::CallContext& call, const v1::NearbyCampaignsRequest& req,
                              v1::NearbyCampaignsResponse& resp) {
  (void)call;
  QRCLOUD_RETURN_IF_ERROR(core::ValidateLatLng("", req.lat(), req.lng()));
  const int radius = req.radius_m() == 0 ? 2000 : req.radius_m();
  if (radius < 1 || radius > 50000)
    return core::InvalidField("radiusM", "must be 1 to 50000 metres (default 2000)");
  const int limit = req.limit() == 0 ? 50 : req.limit();
  if (limit < 1 || limit > 200) return core::InvalidField("limit", "must be 1 to 200 (default 50)");
  std::vector<std::string> tags;
  for (const auto& t : req.tags()) tags.push_back(absl::AsciiStrToLower(t));
  QRCLOUD_ASSIGN_OR_RETURN(resp, index_.Nearby(req.lat(), req.lng(), radius, tags, limit));
  return absl::OkStatus();
}

}  // namespace qrcloud::center
