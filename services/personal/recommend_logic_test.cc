// Recommendations on their own: interests matched as kept (folded), nearest
// first among equals, nothing saved or ended offered, nothing saved by
// offering.
#include "services/personal/recommend_logic.h"

#include <catch2/catch.hpp>

#include <map>

#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/store/memory_tx.h"
#include "services/personal/profile_logic.h"
#include "services/personal/testing/memory_profile_store.h"
#include "services/personal/testing/memory_wallet_store.h"

namespace qrcloud::personal {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1796083200);

v1::NearbyCampaign At(const std::string& id, double distance, std::vector<std::string> tags,
                      v1::Campaign::State state = v1::Campaign::PUBLISHED) {
  v1::NearbyCampaign n;
  n.set_distance_m(distance);
  v1::Campaign& c = *n.mutable_campaign();
  c.set_id(id);
  c.set_title("offer " + id);
  c.set_state(state);
  for (auto& t : tags) c.add_tags(t);
  return n;
}

std::vector<std::string> Ids(const std::vector<v1::Recommendation>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.campaign_id());
  return out;
}

TEST_CASE("Offers matching more interests come first, then the nearest") {
  std::vector<v1::NearbyCampaign> nearby = {
      At("near", 100, {"tea"}), At("hotpot", 900, {"火鍋", "Spicy"}),
      At("both", 1500, {"HOTPOT", "tea"}), At("far", 2500, {})};
  auto ranked = Rank(nearby, {"火锅", "hotpot", "tea"}, {}, kNow, 10);
  // "both" matches two (HOTPOT folded, tea); "near" and "hotpot" one each
  // (火鍋 reads 火锅), the nearer first.
  CHECK(Ids(ranked) == std::vector<std::string>{"both", "near", "hotpot", "far"});
  CHECK(ranked[0].matched_interests_size() == 2);
  CHECK(ranked[2].matched_interests(0) == "火锅");
  CHECK(Ids(Rank(nearby, {}, {}, kNow, 2)) == std::vector<std::string>{"near", "hotpot"});
}

TEST_CASE("Nothing saved, ended or not live is offered") {
  auto ended = At("ended", 50, {});
  core::ToProto(kNow - absl::Seconds(1), ended.mutable_campaign()->mutable_end_time());
  std::vector<v1::NearbyCampaign> nearby = {
      At("saved", 10, {}), ended, At("paused", 20, {}, v1::Campaign::PAUSED), At("live", 30, {})};
  CHECK(Ids(Rank(nearby, {}, {"saved"}, kNow, 10)) == std::vector<std::string>{"live"});
}

class FakeNearby final : public NearbySource {
 public:
  absl::StatusOr<std::vector<v1::NearbyCampaign>> Nearby(double lat, double, int radius,
                                                         int) override {
    asked_lat = lat;
    asked_radius = radius;
    return results;
  }
  std::vector<v1::NearbyCampaign> results;
  double asked_lat = 0;
  int asked_radius = 0;
};

TEST_CASE("Recommendations need a location, look as far as asked, and save nothing") {
  store::MemoryDb db;
  testing::MemoryProfileStore profiles;
  testing::MemoryWalletStore wallets(db);
  FakeNearby nearby;
  core::FakeClock clock(kNow);
  RecommendLogic logic(db, profiles, wallets, nearby, clock);
  auth::Principal alice{.account_id = core::NewId(), .kind = "PERSON"};
  rpc::CallContext call;
  call.principal = &alice;

  v1::ListRecommendationsResponse resp;
  CHECK(logic.List(call, {}, resp).code() == absl::StatusCode::kFailedPrecondition);
  v1::Profile p;
  p.mutable_location()->set_lat(26.07);
  p.mutable_location()->set_lng(119.29);
  p.add_interests("tea");
  profiles.profiles[alice.account_id] = p;
  nearby.results = {At(core::NewId(), 100, {"tea"})};
  REQUIRE(logic.List(call, {}, resp).ok());
  CHECK(resp.recommendations_size() == 1);
  CHECK(nearby.asked_lat == 26.07);
  CHECK(nearby.asked_radius == 3000);
  CHECK(wallets.List(alice.account_id, "", "", 10)->empty());  // offered, not saved

  v1::ListRecommendationsRequest far;
  far.set_radius_m(60000);
  CHECK(logic.List(call, far, resp).code() == absl::StatusCode::kInvalidArgument);
  v1::ListRecommendationsRequest many;
  many.set_limit(51);
  CHECK(logic.List(call, many, resp).code() == absl::StatusCode::kInvalidArgument);
  auth::Principal shop{.account_id = core::NewId(), .kind = "MERCHANT"};
  call.principal = &shop;
  CHECK(logic.List(call, {}, resp).code() == absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace qrcloud::personal
