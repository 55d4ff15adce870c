// "Nearby" on a memory geo index: the campaigns the center placed, nearest
// first, and bad input named.
#include "services/center/geo_logic.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"
#include "services/center/testing/center_world.h"

namespace qrcloud::center {
namespace {

using testing::Caller;
using testing::CenterWorld;

v1::Campaign Fenced(CenterWorld& w, double lat, double lng) {
  v1::Campaign c = w.OrderCampaign();
  c.mutable_fence()->mutable_origin()->set_lat(lat);
  c.mutable_fence()->mutable_origin()->set_lng(lng);
  c.mutable_fence()->set_radius_m(1000);
  return c;
}

TEST_CASE("Nearby finds published campaigns within the radius, nearest first") {
  CenterWorld w;
  Caller m = w.Qualified();
  v1::Campaign near = w.Published(m, Fenced(w, 26.0750, 119.2965));
  v1::Campaign nearer = w.Published(m, Fenced(w, 26.0746, 119.2965));
  w.Published(m, Fenced(w, 27.0, 119.2965));  // about 100 km away
  v1::NearbyCampaignsRequest req;
  req.set_lat(26.0745);
  req.set_lng(119.2965);
  req.set_radius_m(2000);
  v1::NearbyCampaignsResponse resp;
  REQUIRE(w.nearby.Nearby(CenterWorld::Anonymous().call(), req, resp).ok());
  REQUIRE(resp.results_size() == 2);
  CHECK(resp.results(0).campaign().id() == nearer.id());
  CHECK(resp.results(1).campaign().id() == near.id());
  req.add_tags("HOTPOT");  // tags match in any case
  REQUIRE(w.nearby.Nearby(CenterWorld::Anonymous().call(), req, resp).ok());
  CHECK(resp.results_size() == 2);
}

TEST_CASE("Nearby refuses an impossible place, radius or limit, naming it") {
  CenterWorld w;
  v1::NearbyCampaignsRequest req;
  req.set_lat(91);
  v1::NearbyCampaignsResponse resp;
  CHECK(
      core::FieldViolations(w.nearby.Nearby(CenterWorld::Anonymous().call(), req, resp))[0].field ==
      "lat");
  req.set_lat(26);
  req.set_radius_m(50001);
  CHECK(
      core::FieldViolations(w.nearby.Nearby(CenterWorld::Anonymous().call(), req, resp))[0].field ==
      "radiusM");
  req.set_radius_m(100);
  req.set_limit(201);
  CHECK(
      core::FieldViolations(w.nearby.Nearby(CenterWorld::Anonymous().call(), req, resp))[0].field ==
      "limit");
}

}  // namespace
}  // namespace qrcloud::center
