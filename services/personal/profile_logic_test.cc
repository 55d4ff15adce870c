// The profile on memory: interests kept folded and bounded, a location kept
// only as precisely as the person chose.
#include "services/personal/profile_logic.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "libs/core/ids.h"
#include "libs/store/memory_tx.h"
#include "services/personal/testing/memory_profile_store.h"

namespace qrcloud::personal {
namespace {

struct World {
  store::MemoryDb db;
  testing::MemoryProfileStore store{db};
  core::FakeClock clock;
  ProfileLogic logic{db, store, clock};
  auth::Principal alice{.account_id = core::NewId(), .kind = "PERSON"};
  rpc::CallContext call() const {
    rpc::CallContext c;
    c.principal = &alice;
    return c;
  }
};

double Metres(const v1::GeoPoint& a, double lat, double lng) {
  const double dy = (a.lat() - lat) * 111320.0;
  const double dx = (a.lng() - lng) * 111320.0 * std::cos(lat * M_PI / 180.0);
  return std::sqrt(dx * dx + dy * dy);
}

TEST_CASE("A location is kept no more precisely than the person chose") {
  World w;
  v1::SetLocationMarkRequest req;
  req.mutable_location()->set_lat(26.074512);
  req.mutable_location()->set_lng(119.296531);
  req.set_precision_m(1000);
  v1::SetLocationMarkResponse resp;
  REQUIRE(w.logic.SetLocation(w.call(), req, resp).ok());
  const v1::GeoPoint kept = resp.profile().location();  // a copy: resp is answered again below
  CHECK(Metres(kept, 26.074512, 119.296531) <= 1000);
  CHECK(Metres(kept, 26.074512, 119.296531) > 1);  // not the exact position
  // Nearby positions fall on the same grid point: the exact spot is not kept.
  req.mutable_location()->set_lat(26.0747);
  REQUIRE(w.logic.SetLocation(w.call(), req, resp).ok());
  CHECK(resp.profile().location().lat() == kept.lat());
  CHECK(resp.profile().precision_m() == 1000);
  CHECK_FALSE(resp.profile().live());

  req.set_precision_m(0);  // the default, 100 m
  req.set_live(true);
  REQUIRE(w.logic.SetLocation(w.call(), req, resp).ok());
  CHECK(resp.profile().precision_m() == 100);
  CHECK(resp.profile().live());
  CHECK(Metres(resp.profile().location(), 26.0747, 119.296531) <= 100);
}

TEST_CASE("A latitude of 91 or an unoffered precision is refused and nothing changes") {
  World w;
  v1::SetLocationMarkRequest req;
  req.mutable_location()->set_lat(91);
  req.mutable_location()->set_lng(119);
  v1::SetLocationMarkResponse resp;
  absl::Status s = w.logic.SetLocation(w.call(), req, resp);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()).find("location") != std::string::npos);
  req.mutable_location()->set_lat(26);
  req.set_precision_m(5);
  CHECK(w.logic.SetLocation(w.call(), req, resp).code() == absl::StatusCode::kInvalidArgument);
  v1::Profile now;
  REQUIRE(w.logic.Get(w.call(), {}, now).ok());
  CHECK_FALSE(now.has_location());
}

TEST_CASE("Interests are folded, deduplicated and bounded") {
  World w;
  v1::SetInterestsRequest req;
  for (const char* i : {" Hotpot ", "ＨＯＴＰＯＴ", "火鍋", "", "tea"}) req.add_interests(i);
  v1::SetInterestsResponse resp;
  REQUIRE(w.logic.SetInterests(w.call(), req, resp).ok());
  CHECK(std::vector<std::string>(resp.interests().begin(), resp.interests().end()) ==
        std::vector<std::string>{"hotpot", "火锅", "tea"});
  req.clear_interests();
  req.add_interests(std::string(33, 'x'));
  absl::Status too_long = w.logic.SetInterests(w.call(), req, resp);
  CHECK(too_long.code() == absl::StatusCode::kInvalidArgument);
  req.clear_interests();
  for (int i = 0; i < 21; ++i) req.add_interests("i" + std::to_string(i));
  CHECK(w.logic.SetInterests(w.call(), req, resp).code() == absl::StatusCode::kInvalidArgument);
  v1::Profile kept;
  REQUIRE(w.logic.Get(w.call(), {}, kept).ok());
  CHECK(kept.interests_size() == 3);  // the refused ones changed nothing
}

}  // namespace
}  // namespace qrcloud::personal
