// The rules of reviews, circles, shares and comments, without a database:
// what is refused and why, who is in a circle, what waits for moderation,
// and ratings that add up.
#include "services/personal/social_rules.h"

#include <catch2/catch.hpp>

#include "libs/core/ids.h"

namespace qrcloud::personal {
namespace {

constexpr char kPublic[] = "https://qr.example.com";

std::string Media() { return absl::StrCat(kPublic, "/media/", core::NewId()); }

v1::Circle Interest(const std::string& interest) {
  v1::Circle c;
  c.set_id(core::NewId());
  c.set_basis(v1::Circle::INTEREST);
  c.set_interest(interest);
  return c;
}

v1::Circle Around(double lat, double lng, int radius_m) {
  v1::Circle c;
  c.set_id(core::NewId());
  c.set_basis(v1::Circle::LOCATION);
  c.mutable_area()->mutable_origin()->set_lat(lat);
  c.mutable_area()->mutable_origin()->set_lng(lng);
  c.mutable_area()->set_radius_m(radius_m);
  return c;
}

v1::GeoPoint Point(double lat, double lng) {
  v1::GeoPoint p;
  p.set_lat(lat);
  p.set_lng(lng);
  return p;
}

TEST_CASE("A review needs a rating of 1 to 5, bounded text and platform images") {
  v1::CreateReviewRequest r;
  r.set_campaign_id(core::NewId());
  r.set_rating(5);
  r.set_text("很好吃, great noodles");
  CHECK(CheckReview(r, kPublic).ok());

  for (int bad : {0, 6, -1}) {
    r.set_rating(bad);
    const absl::Status s = CheckReview(r, kPublic);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.message()), Catch::Contains("rating") && Catch::Contains("1 to 5"));
  }
  r.set_rating(4);
  r.set_text(std::string(kMaxReviewChars + 1, 'a'));
  CHECK_THAT(std::string(CheckReview(r, kPublic).message()), Catch::Contains("text"));
  r.set_text(std::string(kMaxReviewChars, 'a'));
  CHECK(CheckReview(r, kPublic).ok());

  r.add_image_urls("https://elsewhere.example.com/media/" + core::NewId());
  CHECK_THAT(std::string(CheckReview(r, kPublic).message()), Catch::Contains("imageUrls[0]"));
  r.clear_image_urls();
  for (int i = 0; i <= kMaxReviewImages; ++i) r.add_image_urls(Media());
  CHECK_THAT(std::string(CheckReview(r, kPublic).message()), Catch::Contains("at most 6"));
}

TEST_CASE("A share must share something, into a circle, with public links only") {
  v1::Share s;
  CHECK_THAT(std::string(CheckShare(s, kPublic).message()), Catch::Contains("circleId"));
  s.set_circle_id(core::NewId());
  CHECK_THAT(std::string(CheckShare(s, kPublic).message()), Catch::Contains("shares nothing"));
  s.set_text("   ");
  CHECK(CheckShare(s, kPublic).code() == absl::StatusCode::kInvalidArgument);
  s.set_campaign_id(core::NewId());
  CHECK(CheckShare(s, kPublic).ok());

  s.add_links("javascript:alert(1)");
  CHECK_THAT(std::string(CheckShare(s, kPublic).message()), Catch::Contains("share.links[0]"));
  s.set_links(0, "http://127.0.0.1/admin");
  CHECK(CheckShare(s, kPublic).code() == absl::StatusCode::kInvalidArgument);
  s.set_links(0, "https://www.dianping.com/shop/1");
  CHECK(CheckShare(s, kPublic).ok());
  for (int i = 0; i < kMaxShareLinks; ++i) s.add_links("https://example.com/" + std::to_string(i));
  CHECK_THAT(std::string(CheckShare(s, kPublic).message()), Catch::Contains("at most 5"));
}

TEST_CASE("Shares with links or images wait for moderation, text-only ones do not") {
  v1::Share s;
  s.set_text("周五半价");
  CHECK_FALSE(SharePreModerated(s));
  s.add_links("https://example.com");
  CHECK(SharePreModerated(s));
  s.clear_links();
  s.add_image_urls(Media());
  CHECK(SharePreModerated(s));
}

TEST_CASE("Comments are bounded words without links") {
  CHECK(CheckComment("去过, 不错").ok());
  CHECK(CheckComment("").code() == absl::StatusCode::kInvalidArgument);
  CHECK(CheckComment(std::string(kMaxCommentChars + 1, 'x')).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(CheckComment("see HTTPS://spam.example").message()),
             Catch::Contains("link"));
  CHECK(CheckReport("spam").ok());
  CHECK(CheckReport(" ").code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("A circle is kept with its name trimmed, its interest folded, its area bounded") {
  v1::Circle asked;
  asked.set_name("  Hotpot lovers ");
  asked.set_basis(v1::Circle::INTEREST);
  asked.set_interest("HotPot");
  absl::StatusOr<v1::Circle> c = CleanCircle(asked);
  REQUIRE(c.ok());
  CHECK(c->name() == "Hotpot lovers");
  CHECK(c->interest() == "hotpot");

  asked.set_interest("");
  CHECK_THAT(std::string(CleanCircle(asked).status().message()), Catch::Contains("interest"));

  asked.set_basis(v1::Circle::LOCATION);
  CHECK_THAT(std::string(CleanCircle(asked).status().message()), Catch::Contains("circle.area"));
  *asked.mutable_area() = Around(31.23, 121.47, 50).area();
  CHECK_THAT(std::string(CleanCircle(asked).status().message()),
             Catch::Contains("radiusM") && Catch::Contains("100 to 50000"));
  asked.mutable_area()->set_radius_m(2000);
  asked.mutable_area()->mutable_origin()->set_lat(91);
  CHECK(CleanCircle(asked).status().code() == absl::StatusCode::kInvalidArgument);
  asked.mutable_area()->mutable_origin()->set_lat(31.23);
  CHECK(CleanCircle(asked).ok());

  asked.set_basis(v1::Circle::BASIS_UNSPECIFIED);
  CHECK_THAT(std::string(CleanCircle(asked).status().message()), Catch::Contains("basis"));
  asked.set_basis(v1::Circle::FRIENDS);
  asked.set_name("");
  CHECK_THAT(std::string(CleanCircle(asked).status().message()), Catch::Contains("name"));
}

TEST_CASE("Who is in a circle: joined with the interest, a friend, or inside the area") {
  Viewer v{.account_id = core::NewId()};
  v1::Circle hotpot = Interest("hotpot");
  CHECK_FALSE(IsMember(hotpot, v));
  v.joined.insert(hotpot.id());
  CHECK_FALSE(IsMember(hotpot, v));  // joined, but no longer has the interest
  v.interests.insert("hotpot");
  CHECK(IsMember(hotpot, v));
  CHECK(MayShare(hotpot, v));

  v1::Circle friends;
  friends.set_id(core::NewId());
  friends.set_basis(v1::Circle::FRIENDS);
  friends.set_owner_account_id(core::NewId());
  CHECK_FALSE(IsMember(friends, v));
  v.friends.insert(friends.owner_account_id());
  CHECK(IsMember(friends, v));
  CHECK_FALSE(MayShare(friends, v));  // only its owner shares into it
  friends.set_owner_account_id(v.account_id);
  CHECK(MayShare(friends, v));

  // People's Square, Shanghai, 3 km around.
  v1::Circle square = Around(31.2304, 121.4737, 3000);
  CHECK_FALSE(IsMember(square, v));       // no location set
  v.location = Point(31.2397, 121.4998);  // the Bund, about 2.7 km away
  CHECK(IsMember(square, v));
  v.location = Point(31.2304, 121.4737 + 0.0320);  // about 3.05 km east
  CHECK_FALSE(IsMember(square, v));
  v.location = Point(32.0603, 118.7969);  // Nanjing, about 270 km
  CHECK_FALSE(IsMember(square, v));
}

TEST_CASE("The average rating is exact to the hundredth, rounded half up") {
  CHECK(AverageX100(0, 0) == 0);
  CHECK(AverageX100(5, 1) == 500);
  CHECK(AverageX100(9, 2) == 450);
  CHECK(AverageX100(13, 3) == 433);  // 4.333…
  CHECK(AverageX100(14, 3) == 467);  // 4.666…
  CHECK(AverageX100(1, 8) == 13);    // 0.125 → 0.13
  CHECK(AverageX100(5 * 1'000'000LL, 1'000'000) == 500);
}

}  // namespace
}  // namespace qrcloud::personal
