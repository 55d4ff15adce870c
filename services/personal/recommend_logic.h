// Recommendations: live offers near the person that match their interests
// and are not in their wallet yet. Offered only: nothing is saved until the
// person saves it.
#ifndef QRCLOUD_SERVICES_PERSONAL_RECOMMEND_LOGIC_H_
#define QRCLOUD_SERVICES_PERSONAL_RECOMMEND_LOGIC_H_

#include <set>
#include <string>
#include <vector>

#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/geo.pb.h"
#include "qrcloud/v1/personal.pb.h"
#include "services/personal/profile_store.h"
#include "services/personal/wallet_store.h"

namespace qrcloud::personal {

// Where offers near a point come from: the center's GeoService.
class NearbySource {
 public:
  virtual ~NearbySource() = default;
  // Published campaigns within `radius_m` of (lat, lng), nearest first.
  virtual absl::StatusOr<std::vector<v1::NearbyCampaign>> Nearby(double lat, double lng,
                                                                 int radius_m, int limit) = 0;
};

// The rule: of `nearby`, those not `saved` and not ended by `now`, ranked by
// how many of `interests` (folded for matching) their tags match, then by
// distance; at most `limit`.
std::vector<v1::Recommendation> Rank(const std::vector<v1::NearbyCampaign>& nearby,
                                     const std::vector<std::string>& interests,
                                     const std::set<std::string>& saved, absl::Time now, int limit);

class RecommendLogic {
 public:
  RecommendLogic(store::TxRunner& runner, ProfileStore& profiles, WalletStore& wallets,
                 NearbySource& nearby, const core::Clock& clock)
      : runner_(runner), profiles_(profiles), wallets_(wallets), nearby_(nearby), clock_(clock) {}

  absl::Status List(const rpc::CallContext& call, const v1::ListRecommendationsRequest& req,
                    v1::ListRecommendationsResponse& resp);

 private:
  store::TxRunner& runner_;
  ProfileStore& profiles_;
  WalletStore& wallets_;
  NearbySource& nearby_;
  const core::Clock& clock_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_RECOMMEND_LOGIC_H_
