// qrcloud-personal through the real gateway, started by the e2e stack from
// its line in services/services.txt, following the real center's streams.
#include <catch2/catch.hpp>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/proto_time.h"
#include "qrcloud/v1/personal.grpc.pb.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr absl::Duration kWindow = absl::Seconds(10);

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;

  World() {
    auto s =
        Stack::Start({.processes = {"personal"},
                      .flags = {{"personal",
                                 {absl::StrCat("--expiring_window=", absl::FormatDuration(kWindow)),
                                  "--due_check_interval=100ms"}}}});
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
  }

  // A published order campaign of a new merchant (at lat, lng); `ends_in`
  // zero: no end.
  std::string Campaign(std::unique_ptr<Api>& merchant, absl::Duration ends_in = {},
                       const std::string& tags = R"(["soup"])", double lat = 26.0745,
                       double lng = 119.2965) {
    std::string mid;
    merchant = flow->QualifiedMerchant(&mid, lat, lng);
    std::string end;
    if (ends_in > absl::ZeroDuration()) {
      end = absl::StrCat(
          R"(,"endTime":")",
          absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() + ends_in, absl::UTCTimeZone()),
          R"(")");
    }
    return flow
        ->PublishCampaign(*merchant, mid,
                          absl::StrCat(R"({"title":"鱼丸汤 Fish ball soup","mode":"ORDER",)",
                                       R"("template":"coupon","price":{"currency":"CNY",)",
                                       R"("minor":"1500"},"stock":"20","tags":)", tags, end, "}"))
        .At("id");
  }
};

absl::Time TimeAt(const std::string& json, const std::string& path) {
  absl::Time t;
  std::string err;
  REQUIRE(absl::ParseTime(absl::RFC3339_full, JsonAt(json, path), &t, &err));
  return t;
}

// The newest reminder of `validity` in GET /v1/me/reminders, waiting up to
// `deadline`; its JSON path prefix ("reminders.N."), or "" if none came.
std::string AwaitReminder(Api& person, const std::string& validity, absl::Duration deadline,
                          std::string* body) {
  std::string found;
  WaitFor(
      [&] {
        ApiResponse r = person.Get("/v1/me/reminders");
        *body = r.body;
        for (int i = 0; !r.At(absl::StrCat("reminders.", i, ".id")).empty(); ++i) {
          if (r.At(absl::StrCat("reminders.", i, ".validity")) == validity) {
            found = absl::StrCat("reminders.", i, ".");
            return true;
          }
        }
        return false;
      },
      deadline, absl::Milliseconds(50));
  return found;
}

TEST_CASE(
    "A saved offer reminds when it is expiring and when it ended, on time, across a kill -9") {
  World w;
  std::unique_ptr<Api> merchant;
  const std::string id = w.Campaign(merchant, absl::Seconds(25));
  auto person = w.flow->NewAccount("PERSON");
  const std::string save = absl::StrCat(R"({"campaignId":")", id, R"(","requestId":"w-1"})");
  ApiResponse saved = person->Post("/v1/me/wallet", save);
  INFO(saved.body);
  REQUIRE(saved.status == 200);
  CHECK(saved.At("validity") == "VALID");
  CHECK(saved.At("kind") == "OFFER");
  CHECK(saved.At("title") == "鱼丸汤 Fish ball soup");
  CHECK(saved.At("category") == "soup");
  const absl::Time end = TimeAt(saved.body, "expireTime");
  CHECK(person->Post("/v1/me/wallet", save).At("id") == saved.At("id"));  // a retry

  // The service dies before anything is due, and comes back: nothing scheduled is lost.
  REQUIRE(w.stack->KillAndRestart("personal").ok());

  std::string body;
  const std::string expiring =
      AwaitReminder(*person, "EXPIRING", end - kWindow - absl::Now() + absl::Seconds(5), &body);
  INFO(body);
  REQUIRE(!expiring.empty());
  const absl::Duration late = TimeAt(body, expiring + "time") - (end - kWindow);
  CHECK(late >= absl::ZeroDuration());
  CHECK(late <= absl::Seconds(2));
  CHECK(JsonAt(body, expiring + "walletItemId") == saved.At("id"));

  const std::string expired =
      AwaitReminder(*person, "EXPIRED", end - absl::Now() + absl::Seconds(5), &body);
  REQUIRE(!expired.empty());
  CHECK(TimeAt(body, expired + "time") - end <= absl::Seconds(2));
  CHECK(person->Get("/v1/me/wallet").At("items.0.validity") == "EXPIRED");
}

TEST_CASE("A receipt in the wallet turns REDEEMED within a second of the shop's redemption") {
  World w;
  std::unique_ptr<Api> merchant;
  const std::string id = w.Campaign(merchant);
  auto person = w.flow->NewAccount("PERSON");
  ApiResponse order = person->Post("/v1/campaigns/" + id + "/orders", R"({"requestId":"o-1"})");
  REQUIRE(order.status == 200);
  const std::string save = absl::StrCat(R"({"orderId":")", order.At("order.id"), R"("})");
  ApiResponse saved;
  // The order reaches the personal service through the center's stream.
  REQUIRE(WaitFor(
      [&] {
        saved = person->Post("/v1/me/wallet", save);
        return saved.status == 200;
      },
      absl::Seconds(5), absl::Milliseconds(50)));
  CHECK(saved.At("kind") == "RECEIPT");
  CHECK(saved.At("validity") == "VALID");
  CHECK(!saved.At("expireTime").empty());

  // The live stream of reminders, as the mobile page holds it (gRPC here).
  auto stub = v1::WalletService::NewStub(
      grpc::CreateChannel(w.stack->address("personal"), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + person->token());
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  auto stream = stub->WatchReminders(&ctx, v1::WatchRemindersRequest());
  stream->WaitForInitialMetadata();

  ApiResponse redeemed =
      merchant->Post("/v1/receipts:redeem",
                     absl::StrCat(R"({"token":")", order.At("order.receipt.token"), R"("})"));
  REQUIRE(redeemed.status == 200);
  const absl::Time at = absl::Now();
  const bool shown =
      WaitFor([&] { return person->Get("/v1/me/wallet").At("items.0.validity") == "REDEEMED"; },
              absl::Seconds(1), absl::Milliseconds(20));
  INFO("after " << absl::FormatDuration(absl::Now() - at));
  CHECK(shown);
  v1::Reminder told;
  REQUIRE(stream->Read(&told));
  CHECK(told.validity() == v1::WalletItem::REDEEMED);
  CHECK(told.wallet_item_id() == saved.At("id"));

  // The shop refunds it afterwards: the receipt says so, and so does a reminder.
  ApiResponse refunded =
      merchant->Post("/v1/orders/" + order.At("order.id") + ":refund",
                     R"({"requestId":"wallet-refund","reason":"the dish was off"})");
  INFO(refunded.body);
  REQUIRE(refunded.status == 200);
  CHECK(WaitFor([&] { return person->Get("/v1/me/wallet").At("items.0.validity") == "REFUNDED"; },
                absl::Seconds(5), absl::Milliseconds(20)));
  REQUIRE(stream->Read(&told));
  CHECK(told.validity() == v1::WalletItem::REFUNDED);
  CHECK(absl::StrContains(told.message(), "已退款"));
  ctx.TryCancel();
}

TEST_CASE(
    "Nobody reads or changes another person's wallet or profile, and bad input changes nothing") {
  World w;
  std::unique_ptr<Api> merchant;
  const std::string id = w.Campaign(merchant);
  auto alice = w.flow->NewAccount("PERSON");
  auto bob = w.flow->NewAccount("PERSON");
  ApiResponse order = alice->Post("/v1/campaigns/" + id + "/orders", R"({"requestId":"o-1"})");
  REQUIRE(order.status == 200);
  ApiResponse item = alice->Post("/v1/me/wallet", absl::StrCat(R"({"campaignId":")", id, R"("})"));
  REQUIRE(item.status == 200);

  // Bob sees none of it and reaches none of it.
  CHECK(JsonAt(bob->Get("/v1/me/wallet").body, "items.0.id").empty());
  CHECK(bob->Call("DELETE", "/v1/me/wallet/" + item.At("id")).status == 404);
  CHECK(bob->Post("/v1/me/wallet", absl::StrCat(R"({"orderId":")", order.At("order.id"), R"("})"))
            .status == 404);
  CHECK(JsonAt(bob->Get("/v1/me/reminders").body, "reminders.0.id").empty());
  // A merchant has no wallet, and nobody anonymous does.
  CHECK(merchant->Get("/v1/me/wallet").status == 403);
  Api anonymous("127.0.0.1", w.stack->gateway_port());
  CHECK(anonymous.Get("/v1/me/wallet").status == 401);
  CHECK(anonymous.Get("/v1/me/profile").status == 401);
  CHECK(alice->Get("/v1/me/wallet").At("items.0.id") == item.At("id"));

  // A location kept as coarsely as asked; Bob's profile is his own.
  ApiResponse located =
      alice->Call("PUT", "/v1/me/location",
                  R"({"location":{"lat":26.074512,"lng":119.296531},"precisionM":1000})");
  REQUIRE(located.status == 200);
  CHECK(located.At("profile.precisionM") == "1000");
  CHECK(located.At("profile.location.lat") != "26.074512");
  CHECK(JsonAt(bob->Get("/v1/me/profile").body, "location.lat").empty());

  // Bad input: 400 naming the field; nothing written.
  const std::string before = alice->Get("/v1/me/profile").body;
  ApiResponse north = alice->Call("PUT", "/v1/me/location", R"({"location":{"lat":91,"lng":10}})");
  CHECK(north.status == 400);
  CHECK(north.At("details.0.fieldViolations.0.field") == "location.lat");
  ApiResponse fine =
      alice->Call("PUT", "/v1/me/location", R"({"location":{"lat":26,"lng":119},"precisionM":5})");
  CHECK(fine.status == 400);
  CHECK(fine.At("details.0.fieldViolations.0.field") == "precisionM");
  ApiResponse interest =
      alice->Call("PUT", "/v1/me/interests",
                  absl::StrCat(R"({"interests":[")", std::string(33, 'x'), R"("]})"));
  CHECK(interest.status == 400);
  CHECK(interest.At("details.0.fieldViolations.0.field") == "interests[0]");
  ApiResponse both = alice->Post(
      "/v1/me/wallet",
      absl::StrCat(R"({"campaignId":")", id, R"(","orderId":")", order.At("order.id"), R"("})"));
  CHECK(both.status == 400);
  CHECK(alice->Get("/v1/me/profile").body == before);
  CHECK(JsonAt(alice->Get("/v1/me/wallet").body, "items.1.id").empty());

  ApiResponse interests =
      alice->Call("PUT", "/v1/me/interests", R"({"interests":["Hotpot","ＨＯＴＰＯＴ","茶"]})");
  REQUIRE(interests.status == 200);
  CHECK(interests.At("interests.0") == "hotpot");
  CHECK(interests.At("interests.1") == "茶");
  CHECK(interests.At("interests.2").empty());

  // A feed of no circles is empty, not an error.
  ApiResponse feed = alice->Get("/v1/me/feed");
  CHECK(feed.status == 200);
  CHECK(feed.At("shares.0.id").empty());
}

TEST_CASE("Recommendations are live offers near the person, by interest, saved only when chosen") {
  World w;
  std::unique_ptr<Api> fuzhou_shop, tea_shop, shanghai_shop;
  const std::string hotpot = w.Campaign(fuzhou_shop, {}, R"(["火鍋","spicy"])");
  const std::string tea = w.Campaign(tea_shop, {}, R"(["tea"])", 26.0750, 119.2970);
  const std::string far = w.Campaign(shanghai_shop, {}, R"(["火锅"])", 31.2304, 121.4737);
  auto person = w.flow->NewAccount("PERSON");
  CHECK(person->Get("/v1/me/recommendations").status == 400);  // no location yet
  REQUIRE(person->Call("PUT", "/v1/me/location", R"({"location":{"lat":26.0760,"lng":119.2970}})")
              .status == 200);
  REQUIRE(person->Call("PUT", "/v1/me/interests", R"({"interests":["火锅"]})").status == 200);

  ApiResponse offered = person->Get("/v1/me/recommendations");
  INFO(offered.body);
  REQUIRE(offered.status == 200);
  CHECK(offered.At("recommendations.0.campaignId") == hotpot);  // the interest first
  CHECK(offered.At("recommendations.0.matchedInterests.0") == "火锅");
  CHECK(offered.At("recommendations.1.campaignId") == tea);
  CHECK(offered.body.find(far) == std::string::npos);                      // 600 km away
  CHECK(JsonAt(person->Get("/v1/me/wallet").body, "items.0.id").empty());  // offered only

  REQUIRE(
      person->Post("/v1/me/wallet", absl::StrCat(R"({"campaignId":")", hotpot, R"("})")).status ==
      200);
  CHECK(person->Get("/v1/me/recommendations").At("recommendations.0.campaignId") == tea);
  CHECK(person->Get("/v1/me/recommendations?radiusM=50").status == 400);
}

TEST_CASE("Friends by friend code: asked, accepted, out of strangers' reach, and blocked") {
  World w;
  auto alice = w.flow->NewAccount("PERSON");
  auto bob = w.flow->NewAccount("PERSON");
  auto eve = w.flow->NewAccount("PERSON");
  REQUIRE(bob->Call("PUT", "/v1/me/nickname", R"({"nickname":"  Bob 李 "})").status == 200);
  CHECK(bob->Call("PUT", "/v1/me/nickname",
                  absl::StrCat(R"({"nickname":")", std::string(40, 'b'), R"("})"))
            .At("details.0.fieldViolations.0.field") == "nickname");
  const std::string code = alice->Get("/v1/me/friendCode").At("code");
  REQUIRE(code.size() == 10);

  ApiResponse asked =
      bob->Post("/v1/me/friends", absl::StrCat(R"({"friendCode":")", code, R"("})"));
  INFO(asked.body);
  REQUIRE(asked.status == 200);
  CHECK(asked.At("accepted").empty());  // false
  const std::string id = asked.At("id");
  ApiResponse incoming = alice->Get("/v1/me/friends");
  CHECK(incoming.At("friends.0.id") == id);
  CHECK(incoming.At("friends.0.incoming") == "true");
  CHECK(incoming.At("friends.0.displayName") == "Bob 李");

  // A stranger can neither accept nor end it, nor see it.
  CHECK(eve->Post("/v1/me/friends/" + id + ":accept", "{}").status == 404);
  CHECK(eve->Call("DELETE", "/v1/me/friends/" + id).status == 404);
  CHECK(JsonAt(eve->Get("/v1/me/friends").body, "friends.0.id").empty());
  CHECK(bob->Post("/v1/me/friends/" + id + ":accept", "{}").status == 400);  // his own request
  ApiResponse accepted = alice->Post("/v1/me/friends/" + id + ":accept", "{}");
  REQUIRE(accepted.status == 200);
  CHECK(accepted.At("accepted") == "true");
  CHECK(bob->Get("/v1/me/friends").At("friends.0.accepted") == "true");

  // Bad codes are 400s naming the field; an unknown one is a 404.
  CHECK(eve->Post("/v1/me/friends", R"({"friendCode":"nope"})")
            .At("details.0.fieldViolations.0.field") == "friendCode");
  CHECK(eve->Post("/v1/me/friends", R"({"friendCode":"ZZZZZZZZZZ"})").status == 404);

  // Alice blocks Bob: the friendship ends and his asking again looks like an unknown code.
  CHECK(alice->Post("/v1/me/blocks", R"({"accountId":""})").status == 400);  // no id
  const std::string bob_id = incoming.At("friends.0.accountId");
  REQUIRE(alice->Post("/v1/me/blocks", absl::StrCat(R"({"accountId":")", bob_id, R"("})")).status ==
          200);
  CHECK(JsonAt(bob->Get("/v1/me/friends").body, "friends.0.id").empty());
  CHECK(bob->Post("/v1/me/friends", absl::StrCat(R"({"friendCode":")", code, R"("})")).status ==
        404);

  // Merchants have no friends here, and nobody anonymous does.
  std::string mid;
  auto merchant = w.flow->NewAccount("MERCHANT", &mid);
  CHECK(merchant->Get("/v1/me/friends").status == 403);
  Api anonymous("127.0.0.1", w.stack->gateway_port());
  CHECK(anonymous.Get("/v1/me/friendCode").status == 401);
}

TEST_CASE("A signed-in person's scans become their history, and nobody else's") {
  World w;
  std::unique_ptr<Api> merchant;
  const std::string id = w.Campaign(merchant);
  const std::string code = merchant->Get("/v1/campaigns/" + id).At("codeId");
  const std::string slug = merchant->Get("/v1/codes/" + code).At("slug");
  REQUIRE(!slug.empty());
  auto alice = w.flow->NewAccount("PERSON");
  auto bob = w.flow->NewAccount("PERSON");
  // Alice's app scans with her session; someone else scans with a camera app.
  CHECK(alice->Get("/s/" + slug).status == 302);
  Api camera("127.0.0.1", w.stack->gateway_port());
  CHECK(camera.Get("/s/" + slug).status == 302);
  CHECK(alice->Get("/s/" + slug).status == 302);

  ApiResponse history;
  REQUIRE(WaitFor(
      [&] {
        history = alice->Get("/v1/me/history");
        return !history.At("entries.1.scanTime").empty();
      },
      absl::Seconds(10), absl::Milliseconds(100)));
  INFO(history.body);
  CHECK(history.At("entries.0.campaignId") == id);
  CHECK(history.At("entries.0.codeId") == code);
  CHECK(history.At("entries.0.title") == "鱼丸汤 Fish ball soup");
  CHECK(history.At("entries.2.scanTime").empty());  // the camera's scan is nobody's
  CHECK(JsonAt(bob->Get("/v1/me/history").body, "entries.0.codeId").empty());
  CHECK(merchant->Get("/v1/me/history").status == 403);
  ApiResponse paged = alice->Get("/v1/me/history?page.pageSize=1");
  CHECK(!paged.At("page.nextPageToken").empty());
  CHECK(alice->Get("/v1/me/history?page.pageToken=forged").status == 400);
}

}  // namespace
}  // namespace qrcloud::testing
