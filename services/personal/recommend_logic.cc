#include "services/personal/recommend_logic.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/text/normalize.h"
#include "services/personal/wallet_logic.h"

namespace qrcloud::personal {
namespace {

constexpr int kDefaultRadiusM = 3000;
constexpr int kMinRadiusM = 100;
constexpr int kMaxRadiusM = 50000;
constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 50;
// How many nearby offers are weighed: the nearest this many.
constexpr int kCandidates = 200;

}  // namespace

std::vector<v1::Recommendation> Rank(const std::vector<v1::NearbyCampaign>& nearby,
                                     const std::vector<std::string>& interests,
                                     const std::set<std::string>& saved, absl::Time now,
                                     int limit) {
  std::vector<v1::Recommendation> out;
  for (const v1::NearbyCampaign& n : nearby) {
    const v1::Campaign& c = n.campaign();
    if (saved.count(c.id())) continue;
    if (c.state() != v1::Campaign::PUBLISHED) continue;
    if (c.has_end_time() && core::FromProto(c.end_time()) <= now) continue;
    v1::Recommendation r;
    r.set_campaign_id(c.id());
    r.set_title(c.title());
    r.set_merchant_id(c.merchant_id());
    r.set_distance_m(n.distance_m());
    std::set<std::string> tags;
    for (const std::string& t : c.tags()) {
      tags.insert(text::NormalizeForMatching(t));
      r.add_tags(t);
    }
    for (const std::string& i : interests) {
      if (tags.count(i)) r.add_matched_interests(i);
    }
    if (c.has_price()) *r.mutable_price() = c.price();
    if (c.has_end_time()) *r.mutable_end_time() = c.end_time();
    r.set_page_url(c.page_url());
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.matched_interests_size() != b.matched_interests_size()) {
      return a.matched_interests_size() > b.matched_interests_size();
    }
    return a.distance_m() < b.distance_m();
  });
  if (static_cast<int>(out.size()) > limit) out.resize(limit);
  return out;
}

absl::Status RecommendLogic::List(const rpc::CallContext& call,
                                  const v1::ListRecommendationsRequest& req,
                                  v1::ListRecommendationsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  const int radius = req.radius_m() == 0 ? kDefaultRadiusM : req.radius_m();
  if (radius < kMinRadiusM || radius > kMaxRadiusM) {
    return core::InvalidField(
        "radiusM", absl::StrCat("is ", req.radius_m(), "; accepted: ", kMinRadiusM, " to ",
                                kMaxRadiusM, " metres (default ", kDefaultRadiusM, ")"));
  }
  const int limit = req.limit() == 0 ? kDefaultLimit : req.limit();
  if (limit < 1 || limit > kMaxLimit) {
    return core::InvalidField("limit", absl::StrCat("is ", req.limit(), "; accepted: 1 to ",
                                                    kMaxLimit, " (default ", kDefaultLimit, ")"));
  }
  const std::string& account = call.caller().account_id;
  std::optional<v1::Profile> profile;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(profile, profiles_.Get(tx, account));
    return absl::OkStatus();
  }));
  if (!profile || !profile->has_location()) {
    return absl::FailedPreconditionError(
        "recommendations are offers near you: set your location first (PUT /v1/me/location)");
  }
  QRCLOUD_ASSIGN_OR_RETURN(
      std::vector<v1::NearbyCampaign> nearby,
      nearby_.Nearby(profile->location().lat(), profile->location().lng(), radius, kCandidates));
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<WalletRow> rows, wallets_.List(account, "", "", 1000));
  std::set<std::string> saved;
  for (const WalletRow& row : rows) {
    if (row.item.kind() == v1::WalletItem::OFFER) saved.insert(row.item.campaign_id());
  }
  const std::vector<std::string> interests(profile->interests().begin(),
                                           profile->interests().end());
  for (auto& r : Rank(nearby, interests, saved, clock_.Now(), limit)) {
    *resp.add_recommendations() = std::move(r);
  }
  return absl::OkStatus();
}

}  // namespace qrcloud::personal
