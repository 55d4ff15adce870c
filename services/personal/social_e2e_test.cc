// Reviews, circles, shares and comments through the real gateway, the
// personal service and the audit service, with the center's streams: what
// people see of each other, and what moderation holds back.
#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

// What goes through the audit service and the personal service's consumers
// lands within this, even on a loaded two-core machine running tests beside.
constexpr absl::Duration kDeadline = absl::Seconds(30);

// People's Square, Shanghai.
constexpr double kLat = 31.2304;
constexpr double kLng = 121.4737;

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;

  World() {
    auto s = Stack::Start({.audit = true, .processes = {"personal"}});
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
  }

  std::unique_ptr<Api> Person(const std::string& nickname) {
    auto p = flow->NewAccount("PERSON");
    REQUIRE(p->Call("PUT", "/v1/me/nickname", absl::StrCat(R"({"nickname":")", nickname, R"("})"))
                .status == 200);
    return p;
  }

  std::unique_ptr<Api> Admin() {
    auto admin = std::make_unique<Api>("127.0.0.1", stack->gateway_port());
    admin->set_token(flow->admin_token());
    return admin;
  }
};

void Locate(Api& person, double lat, double lng) {
  ApiResponse r = person.Call(
      "PUT", "/v1/me/location",
      absl::StrCat(R"({"location":{"lat":)", lat, R"(,"lng":)", lng, R"(},"precisionM":10})"));
  INFO(r.body);
  REQUIRE(r.status == 200);
}

// Whether `person`'s feed shows the share `id`.
bool FeedHas(Api& person, const std::string& id, std::string* state = nullptr) {
  ApiResponse feed = person.Get("/v1/me/feed");
  REQUIRE(feed.status == 200);
  for (int i = 0; !feed.At(absl::StrCat("shares.", i, ".id")).empty(); ++i) {
    if (feed.At(absl::StrCat("shares.", i, ".id")) == id) {
      if (state) *state = feed.At(absl::StrCat("shares.", i, ".state"));
      return true;
    }
  }
  return false;
}

// The review of `author_id` in the campaign's list as `viewer` sees it
// ("reviews.N."), or "".
std::string ReviewPath(const ApiResponse& list, const std::string& review_id) {
  for (int i = 0; !list.At(absl::StrCat("reviews.", i, ".id")).empty(); ++i) {
    if (list.At(absl::StrCat("reviews.", i, ".id")) == review_id) {
      return absl::StrCat("reviews.", i, ".");
    }
  }
  return "";
}

// "/media/x" of "http://host:port/media/x".
std::string UrlPathOf(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

TEST_CASE(
    "Reviews: verified by a redeemed order, held back by prohibited words, rated on the "
    "campaign, answered once by its merchant, taken down on a report an auditor upholds") {
  World w;
  std::string mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  const std::string campaign =
      w.flow
          ->PublishCampaign(*merchant, mid,
                            R"({"title":"重庆老火锅 Chongqing hotpot","mode":"ORDER",)"
                            R"("template":"coupon","price":{"currency":"CNY","minor":"9900"},)"
                            R"("stock":"20","tags":["火锅"]})")
          .At("id");
  const std::string reviews = "/v1/campaigns/" + campaign + "/reviews";

  // Alice bought and had it redeemed at the shop.
  auto alice = w.Person("Alice");
  ApiResponse order = alice->Post("/v1/campaigns/" + campaign + "/orders", R"({"requestId":"o1"})");
  REQUIRE(order.status == 200);
  REQUIRE(merchant
              ->Post("/v1/receipts:redeem",
                     absl::StrCat(R"({"token":")", order.At("order.receipt.token"), R"("})"))
              .status == 200);
  ApiResponse mine = alice->Post(reviews, R"({"rating":5,"text":" 锅底很香 ","requestId":"r1"})");
  INFO(mine.body);
  REQUIRE(mine.status == 200);
  CHECK(mine.At("state") == "PENDING");
  CHECK(mine.At("text") == "锅底很香");
  CHECK(mine.At("authorName") == "Alice");
  const std::string alice_review = mine.At("id");
  CHECK(alice->Post(reviews, R"({"rating":5,"text":" 锅底很香 ","requestId":"r1"})").At("id") ==
        alice_review);  // a retry
  CHECK(alice->Post(reviews, R"({"rating":1,"requestId":"r2"})").status == 409);

  // Carol's photo, uploaded as a person (the center's image checks), goes
  // with her review below; the route is people's only, and a PNG that is not
  // one is refused.
  constexpr char kOnePixelPng[] =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+"
      "M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  auto carol = w.Person("Carol");
  ApiResponse photo =
      carol->Post("/v1/me/media",
                  absl::StrCat(R"({"contentType":"image/png","data":")", kOnePixelPng, R"("})"));
  INFO(photo.body);
  REQUIRE(photo.status == 200);
  CHECK(!photo.At("url").empty());
  CHECK(merchant
            ->Post("/v1/me/media",
                   absl::StrCat(R"({"contentType":"image/png","data":")", kOnePixelPng, R"("})"))
            .status == 403);
  CHECK(
      carol->Post("/v1/me/media", R"({"contentType":"image/png","data":"bm90IGEgcG5n"})").status ==
      400);
  // At most 50 a day: Dave's 51st is refused.
  auto uploader = w.Person("Dave");
  const std::string one_pixel =
      absl::StrCat(R"({"contentType":"image/png","data":")", kOnePixelPng, R"("})");
  for (int i = 0; i < 50; ++i) REQUIRE(uploader->Post("/v1/me/media", one_pixel).status == 200);
  ApiResponse over = uploader->Post("/v1/me/media", one_pixel);
  CHECK(over.status == 429);
  CHECK_THAT(over.body, Catch::Contains("50 images a day"));

  Api anonymous("127.0.0.1", w.stack->gateway_port());
  ApiResponse list;
  REQUIRE(WaitFor(
      [&] {
        list = anonymous.Get(reviews);
        const std::string at = ReviewPath(list, alice_review);
        return !at.empty() && list.At(at + "verified") == "true";
      },
      kDeadline, absl::Milliseconds(50)));
  CHECK(list.At("averageRatingX100") == "500");
  CHECK(list.At("reviewCount") == "1");

  // Bob never ordered; his words are prohibited (spelt to slip past).
  auto bob = w.Person("Bob");
  ApiResponse held = bob->Post(reviews, R"({"rating":1,"text":"楼上有赌\u200b场"})");
  REQUIRE(held.status == 200);
  CHECK(held.At("verified") != "true");
  ApiResponse bobs;
  REQUIRE(WaitFor(
      [&] {
        bobs = bob->Get(reviews);
        return bobs.At(ReviewPath(bobs, held.At("id")) + "state") == "REJECTED";
      },
      kDeadline, absl::Milliseconds(50)));
  CHECK_THAT(bobs.At(ReviewPath(bobs, held.At("id")) + "rejectionReasons.0"),
             Catch::Contains("prohibited"));
  // Nobody else sees it, and it counts for nothing.
  CHECK(ReviewPath(anonymous.Get(reviews), held.At("id")).empty());
  CHECK(anonymous.Get(reviews).At("reviewCount") == "1");

  ApiResponse carols_review =
      carol->Post(reviews, absl::StrCat(R"({"rating":4,"text":"还行, a bit spicy","imageUrls":[")",
                                        photo.At("url"), R"("]})"));
  INFO(carols_review.body);
  const std::string carol_review = carols_review.At("id");
  REQUIRE(WaitFor([&] { return anonymous.Get(reviews).At("reviewCount") == "2"; }, kDeadline,
                  absl::Milliseconds(50)));
  CHECK(anonymous.Get(reviews).At("averageRatingX100") == "450");
  list = anonymous.Get(reviews);
  CHECK(list.At(ReviewPath(list, carol_review) + "imageUrls.0") == photo.At("url"));
  CHECK(anonymous.Get(UrlPathOf(photo.At("url"))).status == 200);  // the gateway serves it

  // Bad input changes nothing.
  auto dave = w.Person("Dave");
  ApiResponse bad = dave->Post(reviews, R"({"rating":6,"text":"!"})");
  CHECK(bad.status == 400);
  CHECK_THAT(bad.body, Catch::Contains("rating") && Catch::Contains("1 to 5"));
  bad =
      dave->Post(reviews, absl::StrCat(R"({"rating":3,"text":")", std::string(2001, 'a'), R"("})"));
  CHECK(bad.status == 400);
  CHECK_THAT(bad.body, Catch::Contains("text"));
  CHECK(dave->Post(reviews, R"({"rating":3,"imageUrls":["https://evil.example/x.png"]})").status ==
        400);
  CHECK(anonymous.Post(reviews, R"({"rating":3})").status == 401);
  CHECK(merchant->Post(reviews, R"({"rating":5})").status == 403);  // not a person
  CHECK(dave->Post("/v1/campaigns/01jq0000000000000000000000/reviews", R"({"rating":3})").status ==
        404);
  CHECK(anonymous.Get(reviews).At("reviewCount") == "2");

  // The merchant answers once; another merchant cannot.
  std::string other_mid;
  auto other = w.flow->QualifiedMerchant(&other_mid);
  const std::string reply = reviews + "/" + alice_review + ":reply";
  CHECK(other->Post(reply, R"({"text":"谢谢"})").status == 404);
  CHECK(alice->Post(reply, R"({"text":"me too"})").status == 403);
  ApiResponse answered = merchant->Post(reply, R"({"text":"谢谢光临!"})");
  INFO(answered.body);
  CHECK(answered.status == 200);
  CHECK(answered.At("reply") == "谢谢光临!");
  CHECK(merchant->Post(reply, R"({"text":"again"})").status == 400);
  list = anonymous.Get(reviews);
  CHECK(list.At(ReviewPath(list, alice_review) + "reply") == "谢谢光临!");

  // Dave reports Carol's review; an auditor agrees, and it is gone.
  CHECK(dave->Post("/v1/reviews/" + carol_review + ":report", R"({"reason":""})").status == 400);
  CHECK(carol->Post("/v1/reviews/" + carol_review + ":report", R"({"reason":"mine"})").status ==
        400);
  REQUIRE(
      dave->Post("/v1/reviews/" + carol_review + ":report", R"({"reason":"an advert"})").status ==
      200);
  CHECK(dave->Post("/v1/reviews/" + carol_review + ":report", R"({"reason":"again"})").status ==
        200);
  auto admin = w.Admin();
  std::string task;
  REQUIRE(WaitFor(
      [&] {
        ApiResponse tasks = admin->Get("/v1/audit/tasks?state=QUEUED&subject=REVIEW");
        for (int i = 0; !tasks.At(absl::StrCat("tasks.", i, ".id")).empty(); ++i) {
          if (tasks.At(absl::StrCat("tasks.", i, ".subjectId")) == carol_review) {
            task = tasks.At(absl::StrCat("tasks.", i, ".id"));
            CHECK_THAT(tasks.At(absl::StrCat("tasks.", i, ".findings.0")),
                       Catch::Contains("an advert"));
          }
        }
        return !task.empty();
      },
      kDeadline, absl::Milliseconds(50)));
  CHECK(anonymous.Get(reviews).At("reviewCount") == "2");  // shown until an auditor decides
  REQUIRE(admin
              ->Post("/v1/audit/tasks/" + task + ":decide",
                     R"({"approve":false,"reasons":["advertising"]})")
              .status == 200);
  REQUIRE(WaitFor([&] { return anonymous.Get(reviews).At("reviewCount") == "1"; }, kDeadline,
                  absl::Milliseconds(50)));
  CHECK(anonymous.Get(reviews).At("averageRatingX100") == "500");
  ApiResponse carols = carol->Get(reviews);
  CHECK(carols.At(ReviewPath(carols, carol_review) + "rejectionReasons.0") == "advertising");
}

TEST_CASE(
    "Circles: a share reaches exactly the people inside the area, the friends, the "
    "members with the interest, and comments and moderation follow") {
  World w;
  // Location: Alice and Carol near People's Square, Bob 600 km north.
  auto alice = w.Person("Alice");
  auto carol = w.Person("Carol");
  auto bob = w.Person("Bob");
  Locate(*alice, kLat + 0.002, kLng);
  Locate(*carol, kLat, kLng + 0.02);  // about 1.9 km east
  Locate(*bob, kLat + 5.4, kLng);     // about 600 km north
  ApiResponse near = alice->Post(
      "/v1/circles",
      absl::StrCat(R"({"circle":{"name":"人民广场","basis":"LOCATION","area":{"origin":{"lat":)",
                   kLat, R"(,"lng":)", kLng, R"(},"radiusM":3000}},"requestId":"c1"})"));
  INFO(near.body);
  REQUIRE(near.status == 200);
  const std::string square = near.At("id");
  CHECK(near.At("member") == "true");
  ApiResponse shared = alice->Post(
      "/v1/shares", absl::StrCat(R"({"share":{"circleId":")", square,
                                 R"(","text":"周五半价 half price"},)", R"("requestId":"s1"})"));
  INFO(shared.body);
  REQUIRE(shared.status == 200);
  CHECK(shared.At("state") == "VISIBLE");  // text only: shown at once
  const std::string deal = shared.At("id");
  CHECK(FeedHas(*carol, deal));
  CHECK_FALSE(FeedHas(*bob, deal));
  CHECK(bob->Get("/v1/me/feed?circleId=" + square).status == 403);
  ApiResponse outside = bob->Post(
      "/v1/shares", absl::StrCat(R"({"share":{"circleId":")", square, R"(","text":"hi"}})"));
  CHECK(outside.status == 403);
  CHECK_THAT(outside.body, Catch::Contains("not in this circle"));
  // Bob moves into the area, and the circle is his too.
  Locate(*bob, kLat - 0.01, kLng);
  CHECK(FeedHas(*bob, deal));
  Locate(*bob, kLat + 5.4, kLng);
  CHECK_FALSE(FeedHas(*bob, deal));

  // Comments: by those who see the share, words only.
  ApiResponse comment =
      carol->Post("/v1/shares/" + deal + "/comments", R"({"text":"去过, 不错","requestId":"k1"})");
  INFO(comment.body);
  REQUIRE(comment.status == 200);
  CHECK(carol->Post("/v1/shares/" + deal + "/comments", R"({"text":"去过, 不错","requestId":"k1"})")
            .At("id") == comment.At("id"));
  CHECK(carol->Post("/v1/shares/" + deal + "/comments", R"({"text":"see https://spam.example"})")
            .status == 400);
  CHECK(bob->Post("/v1/shares/" + deal + "/comments", R"({"text":"hello"})").status == 404);
  CHECK(bob->Get("/v1/shares/" + deal + "/comments").status == 404);
  ApiResponse comments = alice->Get("/v1/shares/" + deal + "/comments");
  CHECK(comments.At("comments.0.text") == "去过, 不错");
  CHECK(comments.At("comments.0.authorName") == "Carol");
  CHECK(comments.At("comments.1.id").empty());

  // Friends: Dave is Alice's friend; Erin is nobody's.
  auto dave = w.Person("Dave");
  auto erin = w.Person("Erin");
  const std::string code = alice->Get("/v1/me/friendCode").At("code");
  ApiResponse asked =
      dave->Post("/v1/me/friends", absl::StrCat(R"({"friendCode":")", code, R"("})"));
  REQUIRE(asked.status == 200);
  REQUIRE(alice->Post("/v1/me/friends/" + asked.At("id") + ":accept", "{}").status == 200);
  ApiResponse friends =
      alice->Post("/v1/circles", R"({"circle":{"name":"My friends","basis":"FRIENDS"}})");
  REQUIRE(friends.status == 200);
  CHECK(alice->Post("/v1/circles", R"({"circle":{"name":"Again","basis":"FRIENDS"}})").At("id") ==
        friends.At("id"));  // one per person
  // A link waits for moderation before anyone sees it.
  ApiResponse linked = alice->Post(
      "/v1/shares",
      absl::StrCat(R"({"share":{"circleId":")", friends.At("id"),
                   R"(","text":"our place","links":["https://www.dianping.com/shop/1"]}})"));
  INFO(linked.body);
  REQUIRE(linked.status == 200);
  CHECK(linked.At("state") == "PENDING");
  std::string state;
  CHECK(FeedHas(*alice, linked.At("id"), &state));  // her own, as it stands
  REQUIRE(
      WaitFor([&] { return FeedHas(*dave, linked.At("id")); }, kDeadline, absl::Milliseconds(50)));
  CHECK_FALSE(FeedHas(*erin, linked.At("id")));
  // An image on the platform passes too; one from elsewhere is refused.
  const std::string media = absl::StrCat("http://127.0.0.1:", w.stack->gateway_port(),
                                         "/media/01jq0000000000000000000002");
  ApiResponse pictured =
      alice->Post("/v1/shares", absl::StrCat(R"({"share":{"circleId":")", friends.At("id"),
                                             R"(","imageUrls":[")", media, R"("]}})"));
  REQUIRE(pictured.status == 200);
  CHECK(pictured.At("state") == "PENDING");
  REQUIRE(WaitFor([&] { return FeedHas(*dave, pictured.At("id")); }, kDeadline,
                  absl::Milliseconds(50)));
  CHECK(alice
            ->Post("/v1/shares", absl::StrCat(R"({"share":{"circleId":")", friends.At("id"),
                                              R"(","imageUrls":["https://evil.example/x.png"]}})"))
            .status == 400);
  CHECK(dave->Post("/v1/shares", absl::StrCat(R"({"share":{"circleId":")", friends.At("id"),
                                              R"(","text":"hi"}})"))
            .status == 403);  // only its owner shares into a friends circle

  // Interest: Frank and Gina like hotpot (however they write it); Harry does not.
  auto frank = w.Person("Frank");
  auto gina = w.Person("Gina");
  auto harry = w.Person("Harry");
  REQUIRE(frank->Call("PUT", "/v1/me/interests", R"({"interests":["火锅"]})").status == 200);
  REQUIRE(gina->Call("PUT", "/v1/me/interests", R"({"interests":["火鍋"]})").status == 200);
  ApiResponse hotpot = frank->Post(
      "/v1/circles", R"({"circle":{"name":"火锅爱好者","basis":"INTEREST","interest":"火锅"}})");
  INFO(hotpot.body);
  REQUIRE(hotpot.status == 200);
  const std::string circle = hotpot.At("id");
  CHECK(gina->Get("/v1/circles").At("circles.0.id") == circle);  // offered to join
  CHECK(gina->Get("/v1/circles").At("circles.0.member") != "true");
  ApiResponse joined = gina->Post("/v1/circles/" + circle + ":join", "{}");
  REQUIRE(joined.status == 200);
  CHECK(joined.At("memberCount") == "2");
  ApiResponse refused = harry->Post("/v1/circles/" + circle + ":join", "{}");
  CHECK(refused.status == 400);
  CHECK_THAT(refused.body, Catch::Contains("interests"));
  const std::string tip = frank
                              ->Post("/v1/shares", absl::StrCat(R"({"share":{"circleId":")", circle,
                                                                R"(","text":"新店"}})"))
                              .At("id");
  CHECK(FeedHas(*gina, tip));
  CHECK_FALSE(FeedHas(*harry, tip));
  CHECK_FALSE(FeedHas(*carol, tip));
  // Whom one blocked is not in one's feed.
  const std::string frank_id = gina->Get("/v1/me/feed").At("shares.0.accountId");
  REQUIRE(!frank_id.empty());
  REQUIRE(
      gina->Post("/v1/me/blocks", absl::StrCat(R"({"accountId":")", frank_id, R"("})")).status ==
      200);
  CHECK_FALSE(FeedHas(*gina, tip));

  // A prohibited word is shown at first, then taken down; only the author
  // still sees it, with the reason.
  const std::string bad = carol
                              ->Post("/v1/shares", absl::StrCat(R"({"share":{"circleId":")", square,
                                                                R"(","text":"这里有冰毒卖"}})"))
                              .At("id");
  REQUIRE(!bad.empty());
  REQUIRE(WaitFor([&] { return !FeedHas(*alice, bad); }, kDeadline, absl::Milliseconds(50)));
  CHECK(FeedHas(*carol, bad, &state));
  CHECK(state == "REJECTED");

  // Bad input: each refused, naming the problem; nothing is written.
  ApiResponse r =
      alice->Post("/v1/shares", absl::StrCat(R"({"share":{"circleId":")", square,
                                             R"x(","links":["javascript:alert(1)"]}})x"));
  CHECK(r.status == 400);
  CHECK_THAT(r.body, Catch::Contains("share.links[0]"));
  r = alice->Post(
      "/v1/circles",
      R"({"circle":{"name":"x","basis":"LOCATION","area":{"origin":{"lat":91,"lng":0},"radiusM":1000}}})");
  CHECK(r.status == 400);
  CHECK_THAT(r.body, Catch::Contains("circle.area.origin"));
  r = alice->Post("/v1/circles", R"({"circle":{"name":"x","basis":"INTEREST","interest":"茶"}})");
  CHECK(r.status == 400);  // not her interest
  CHECK(alice->Get("/v1/me/feed?page.pageToken=forged").status == 400);
  ApiResponse feed = carol->Get("/v1/me/feed");
  CHECK(feed.At("shares.0.id") == bad);  // newest first
  CHECK(feed.At("shares.1.id") == deal);
  CHECK(feed.At("shares.1.commentCount") == "1");
  CHECK(feed.At("shares.2.id").empty());

  // Nobody else's feed, and not for merchants or anonymous callers.
  std::string mid;
  auto merchant = w.flow->NewAccount("MERCHANT", &mid);
  CHECK(merchant->Get("/v1/me/feed").status == 403);
  Api anonymous("127.0.0.1", w.stack->gateway_port());
  CHECK(anonymous.Get("/v1/me/feed").status == 401);
  CHECK(anonymous.Post("/v1/circles", R"({"circle":{"name":"x","basis":"FRIENDS"}})").status ==
        401);
}

}  // namespace
}  // namespace qrcloud::testing
