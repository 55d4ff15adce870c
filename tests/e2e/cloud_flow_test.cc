// The merchant cloud flow (patent claim 7) end to end through REST:
// campaigns through audit to publication, orders inside and outside the
// fence, receipts, redemption exactly once.
#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/ids.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

// Shop at (26.0745, 119.2965); 500 m fence around it.
constexpr char kOffer[] =
    R"({"title":"火锅双人套餐 Hotpot for two","description":"Weekday lunch","mode":"ORDER",
  "template":"coupon","price":{"currency":"CNY","minor":"9900"},"stock":"10","perPersonLimit":2,
  "fence":{"origin":{"lat":26.0745,"lng":119.2965},"radiusM":500},"tags":["hotpot","lunch"]})";
constexpr char kInside[] = R"("location":{"lat":26.0760,"lng":119.2970})";   // ~170 m away
constexpr char kOutside[] = R"("location":{"lat":26.0900,"lng":119.2965})";  // ~1.7 km away

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;
  World() {
    auto s = Stack::Start();
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
  }
};

std::string Order(const std::string& request_id, int quantity, const char* location) {
  return absl::StrCat(R"({"requestId":")", request_id, R"(","quantity":)", quantity, ",", location,
                      "}");
}

TEST_CASE(
    "A campaign goes from draft through audit to a live page and code, edits wait for audit") {
  World w;
  std::string mid;
  auto merchant = w.flow->NewAccount("MERCHANT", &mid);
  ApiResponse draft = merchant->Post("/v1/merchants/" + mid + "/campaigns", kOffer);
  REQUIRE(draft.status == 200);
  CHECK(draft.At("state") == "DRAFT");
  CHECK(draft.At("stockLeft") == "10");
  const std::string id = draft.At("id");
  // Not before the merchant is qualified.
  ApiResponse early = merchant->Post("/v1/campaigns/" + id + ":submit", "{}");
  CHECK(early.status == 400);
  CHECK(early.At("message").find("qualification") != std::string::npos);

  REQUIRE(merchant
              ->Post("/v1/merchants/" + mid + "/qualification",
                     R"({"licenseNumber":"91350100M000100Y43","legalName":"福州小店有限公司"})")
              .status == 200);
  w.flow->Decide("qualification.submitted", mid, true);
  ApiResponse submitted = merchant->Post("/v1/campaigns/" + id + ":submit", "{}");
  REQUIRE(submitted.status == 200);
  CHECK(submitted.At("state") == "PENDING_AUDIT");
  // Others cannot see it yet.
  auto person = w.flow->NewAccount("PERSON");
  CHECK(person->Get("/v1/campaigns/" + id).status == 404);

  w.flow->Decide("campaign.submitted", id, false, "图片不清晰 / the picture is unclear");
  ApiResponse rejected = merchant->Get("/v1/campaigns/" + id);
  CHECK(rejected.At("state") == "REJECTED");
  CHECK(rejected.At("rejectReasons.0") == "图片不清晰 / the picture is unclear");
  REQUIRE(
      merchant->Call("PATCH", "/v1/campaigns/" + id, R"({"description":"Weekday lunch, clearer"})")
          .At("state") == "DRAFT");
  REQUIRE(merchant->Post("/v1/campaigns/" + id + ":submit", "{}").status == 200);
  w.flow->Decide("campaign.submitted", id, true);

  ApiResponse live = person->Get("/v1/campaigns/" + id);
  REQUIRE(live.status == 200);
  CHECK(live.At("state") == "PUBLISHED");
  CHECK(live.At("pageUrl").find("/m/") != std::string::npos);
  const std::string code_id = live.At("codeId");
  REQUIRE(!code_id.empty());
  ApiResponse code = merchant->Get("/v1/codes/" + code_id);
  CHECK(code.At("campaignId") == id);
  CHECK(code.At("targetUrl") == live.At("pageUrl"));
  Api anon("127.0.0.1", w.stack->gateway_port());
  ApiResponse scan = anon.Get("/s/" + code.At("slug"));
  CHECK(scan.status == 302);
  CHECK(scan.Header("location") == live.At("pageUrl"));

  // An edit of a live campaign waits for audit; the live one stays as it was.
  ApiResponse edited = merchant->Call("PATCH", "/v1/campaigns/" + id,
                                      R"({"title":"火锅三人套餐 Hotpot for three"})");
  REQUIRE(edited.status == 200);
  CHECK(edited.At("hasPendingRevision") == "true");
  CHECK(person->Get("/v1/campaigns/" + id).At("title") == "火锅双人套餐 Hotpot for two");
  w.flow->Decide("campaign.submitted", id, true);
  CHECK(person->Get("/v1/campaigns/" + id).At("title") == "火锅三人套餐 Hotpot for three");
  CHECK(person->Get("/v1/campaigns/" + id).At("state") == "PUBLISHED");

  // Pause stops the code and the orders; resume brings them back; end is final.
  REQUIRE(merchant->Post("/v1/campaigns/" + id + ":pause", "{}").At("state") == "PAUSED");
  CHECK(WaitFor([&] { return anon.Get("/s/" + code.At("slug")).status == 410; }, absl::Seconds(2)));
  CHECK(person->Post("/v1/campaigns/" + id + "/orders", Order(core::NewId(), 1, kInside)).status ==
        400);
  REQUIRE(merchant->Post("/v1/campaigns/" + id + ":resume", "{}").At("state") == "PUBLISHED");
  CHECK(WaitFor([&] { return anon.Get("/s/" + code.At("slug")).status == 302; }, absl::Seconds(2)));
  REQUIRE(merchant->Post("/v1/campaigns/" + id + ":end", "{}").At("state") == "ENDED");
  CHECK(merchant->Post("/v1/campaigns/" + id + ":resume", "{}").status == 400);
}

TEST_CASE("Orders: the fence, retries, the per-person limit, receipts redeemed once") {
  World w;
  std::string mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  const std::string id = w.flow->PublishCampaign(*merchant, mid, kOffer).At("id");
  auto buyer = w.flow->NewAccount("PERSON");
  const std::string orders = "/v1/campaigns/" + id + "/orders";

  ApiResponse outside = buyer->Post(orders, Order(core::NewId(), 1, kOutside));
  CHECK(outside.status == 403);
  CHECK(outside.At("message").find("within 500 m") != std::string::npos);
  CHECK(outside.At("message").find(" m from the shop") != std::string::npos);
  CHECK(buyer->Post(orders, absl::StrCat(R"({"requestId":")", core::NewId(), R"("})")).status ==
        400);  // no location

  const std::string rid = core::NewId();
  ApiResponse first = buyer->Post(orders, Order(rid, 1, kInside));
  REQUIRE(first.status == 200);
  CHECK(first.At("order.state") == "CONFIRMED");
  CHECK(first.At("order.total.minor") == "9900");
  const std::string token = first.At("order.receipt.token");
  const std::string number = first.At("order.receipt.number");
  CHECK(number.size() == 8);
  ApiResponse retry = buyer->Post(orders, Order(rid, 1, kInside));
  CHECK(retry.status == 200);
  CHECK(retry.At("order.id") == first.At("order.id"));
  CHECK(merchant->Get("/v1/campaigns/" + id).At("stockLeft") == "9");  // one order, not two

  REQUIRE(buyer->Post(orders, Order(core::NewId(), 1, kInside)).status == 200);
  ApiResponse over = buyer->Post(orders, Order(core::NewId(), 1, kInside));
  CHECK(over.status == 400);
  CHECK(over.At("message").find("limit is 2 per person") != std::string::npos);

  // The receipt image is a QR of the token.
  ApiResponse png = buyer->Get(first.At("order.receipt.imageUrl"));
  CHECK(png.status == 200);
  CHECK(png.Header("content-type") == "image/png");
  ApiResponse read = buyer->Post(
      "/v1/codes:decode", absl::StrCat(R"({"image":")", absl::Base64Escape(png.body), R"("})"));
  CHECK(read.At("results.0.text") == token);

  // Redemption: by the merchant, once.
  ApiResponse verified =
      merchant->Post("/v1/receipts:verify", absl::StrCat(R"({"number":")", number, R"("})"));
  CHECK(verified.At("redeemable") == "true");
  ApiResponse redeemed =
      merchant->Post("/v1/receipts:redeem", absl::StrCat(R"({"token":")", token, R"("})"));
  REQUIRE(redeemed.status == 200);
  CHECK(redeemed.At("order.state") == "REDEEMED");
  CHECK(redeemed.At("redemption.paymentProvider") == "pay_at_shop");
  ApiResponse again =
      merchant->Post("/v1/receipts:redeem", absl::StrCat(R"({"token":")", token, R"("})"));
  CHECK(again.status == 409);
  CHECK(merchant->Post("/v1/receipts:redeem", absl::StrCat(R"({"number":")", number, R"("})"))
            .status == 409);

  // Another merchant, an altered token: refused.
  std::string other_id;
  auto other = w.flow->NewAccount("MERCHANT", &other_id);
  CHECK(other->Post("/v1/receipts:redeem", absl::StrCat(R"({"token":")", token, R"("})")).status ==
        404);
  std::string altered = token;
  altered[40] = altered[40] == 'A' ? 'B' : 'A';
  ApiResponse fake =
      merchant->Post("/v1/receipts:redeem", absl::StrCat(R"({"token":")", altered, R"("})"));
  CHECK(fake.status == 400);
  CHECK(fake.At("details.0.fieldViolations.0.field") == "token");
  // A person cannot redeem.
  CHECK(buyer->Post("/v1/receipts:redeem", absl::StrCat(R"({"token":")", token, R"("})")).status ==
        403);
}

TEST_CASE("Cancelling before redemption gives the stock back, a photo of the receipt redeems") {
  World w;
  std::string mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  const std::string id = w.flow->PublishCampaign(*merchant, mid, kOffer).At("id");
  auto buyer = w.flow->NewAccount("PERSON");
  ApiResponse a = buyer->Post("/v1/campaigns/" + id + "/orders", Order(core::NewId(), 2, kInside));
  REQUIRE(a.status == 200);
  CHECK(merchant->Get("/v1/campaigns/" + id).At("stockLeft") == "8");
  ApiResponse cancelled = buyer->Post("/v1/orders/" + a.At("order.id") + ":cancel", "{}");
  REQUIRE(cancelled.status == 200);
  CHECK(cancelled.At("state") == "CANCELLED");
  CHECK(merchant->Get("/v1/campaigns/" + id).At("stockLeft") == "10");
  CHECK(merchant
            ->Post("/v1/receipts:redeem",
                   absl::StrCat(R"({"token":")", a.At("order.receipt.token"), R"("})"))
            .status == 400);

  // The allowance came back too: two more are allowed.
  ApiResponse b = buyer->Post("/v1/campaigns/" + id + "/orders", Order(core::NewId(), 2, kInside));
  REQUIRE(b.status == 200);
  ApiResponse png = buyer->Get(b.At("order.receipt.imageUrl"));
  ApiResponse by_photo = merchant->Post(
      "/v1/receipts:redeem", absl::StrCat(R"({"image":")", absl::Base64Escape(png.body), R"("})"));
  CHECK(by_photo.status == 200);
  CHECK(by_photo.At("order.id") == b.At("order.id"));
  CHECK(buyer->Post("/v1/orders/" + b.At("order.id") + ":cancel", "{}").status ==
        400);  // redeemed: too late

  ApiResponse mine = buyer->Get("/v1/me/orders");
  CHECK(mine.At("orders.0.id") == b.At("order.id"));
  ApiResponse theirs = merchant->Get("/v1/merchants/" + mid + "/orders?state=REDEEMED");
  CHECK(theirs.At("orders.0.id") == b.At("order.id"));
  CHECK(JsonAt(theirs.body, "orders.1.id").empty());

  // Each change went out on the `orders` stream, once, in order, and no
  // entry carries what redeems an order.
  const std::vector<std::string> expected = {absl::StrCat("order.placed ", a.At("order.id")),
                                             absl::StrCat("order.cancelled ", a.At("order.id")),
                                             absl::StrCat("order.placed ", b.At("order.id")),
                                             absl::StrCat("order.redeemed ", b.At("order.id"))};
  std::vector<std::string> seen;
  std::string raw;
  const bool published = WaitFor(
      [&] {
        auto entries = w.flow->redis().Command({"XRANGE", "orders", "-", "+"});
        if (!entries.ok()) return false;
        seen.clear();
        raw.clear();
        for (size_t i = 0; i < entries->size(); ++i) {
          const cache::Reply& fields = (*entries)[i][1];
          std::string type, data;
          for (size_t f = 0; f + 1 < fields.size(); f += 2) {
            if (fields[f].str() == "type") type = fields[f + 1].str();
            if (fields[f].str() == "data") data = fields[f + 1].str();
          }
          seen.push_back(absl::StrCat(type, " ", JsonAt(data, "id")));
          raw += data;
        }
        return seen == expected;
      },
      absl::Seconds(10));
  INFO(absl::StrJoin(seen, "\n"));
  CHECK(published);
  CHECK(raw.find(a.At("order.receipt.token")) == std::string::npos);
  CHECK(raw.find(b.At("order.receipt.number")) == std::string::npos);
}

TEST_CASE("Nearby finds published campaigns nearest first, filtered by tag, search finds words") {
  World w;
  std::string mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  auto offer = [&](const std::string& title, double lat, const std::string& tag) {
    return w.flow
        ->PublishCampaign(
            *merchant, mid,
            absl::StrCat(R"({"title":")", title, R"(","mode":"SHOWCASE","fence":{"origin":{"lat":)",
                         lat, R"(,"lng":119.2965},"radiusM":300},"tags":[")", tag, R"("]})"))
        .At("id");
  };
  const std::string near = offer("Near noodles", 26.0750, "noodles");
  const std::string mid_far = offer("Middle hotpot", 26.0800, "hotpot");
  const std::string far = offer("Far hotpot", 26.1200, "hotpot");
  Api anon("127.0.0.1", w.stack->gateway_port());
  ApiResponse around = anon.Get("/v1/campaigns:nearby?lat=26.0745&lng=119.2965&radiusM=2000");
  REQUIRE(around.status == 200);
  CHECK(around.At("results.0.campaign.id") == near);
  CHECK(around.At("results.1.campaign.id") == mid_far);
  CHECK(JsonAt(around.body, "results.2.campaign.id").empty());  // 5 km away: outside 2 km
  ApiResponse hotpot =
      anon.Get("/v1/campaigns:nearby?lat=26.0745&lng=119.2965&radiusM=10000&tags=hotpot");
  CHECK(hotpot.At("results.0.campaign.id") == mid_far);
  CHECK(hotpot.At("results.1.campaign.id") == far);
  CHECK(anon.Get("/v1/campaigns:nearby?lat=95&lng=0").At("details.0.fieldViolations.0.field") ==
        "lat");
  CHECK(anon.Get("/v1/campaigns:nearby?lat=26&lng=119&radiusM=900000").status == 400);
  ApiResponse found = anon.Get("/v1/campaigns:search?q=hotpot");
  CHECK(found.body.find(mid_far) != std::string::npos);
  CHECK(found.body.find(near) == std::string::npos);
  // Ending a campaign takes it off the map.
  REQUIRE(merchant->Post("/v1/campaigns/" + near + ":end", "{}").status == 200);
  CHECK(anon.Get("/v1/campaigns:nearby?lat=26.0745&lng=119.2965&radiusM=2000")
            .At("results.0.campaign.id") == mid_far);
}

TEST_CASE(
    "Campaign input that cannot work is refused with a 400 naming the field, and nothing is "
    "written") {
  World w;
  std::string mid;
  auto merchant = w.flow->NewAccount("MERCHANT", &mid);
  const std::string path = "/v1/merchants/" + mid + "/campaigns";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"mode":"ORDER","price":{"currency":"CNY","minor":"100"}})", "title"},
      {R"({"title":"x"})", "mode"},
      {R"({"title":"x","mode":"RAFFLE"})", "mode"},
      {R"({"title":"x","mode":"ORDER","price":{"currency":"USD","minor":"100"}})",
       "price.currency"},
      {R"({"title":"x","mode":"ORDER","price":{"currency":"CNY","minor":"-1"}})", "price.minor"},
      {R"({"title":"x","mode":"ORDER","price":{"currency":"CNY","minor":"1"},"stock":"-5"})",
       "stock"},
      {R"({"title":"x","mode":"EXTERNAL"})", "externalUrl"},
      {R"j({"title":"x","mode":"EXTERNAL","externalUrl":"javascript:alert(1)"})j", "externalUrl"},
      {R"({"title":"x","mode":"SHOWCASE","template":"poster"})", "template"},
      {R"({"title":"x","mode":"SHOWCASE","fence":{"origin":{"lat":26,"lng":119},"radiusM":1}})",
       "fence.radiusM"},
      {R"({"title":"x","mode":"SHOWCASE","startTime":"2030-01-02T00:00:00Z","endTime":"2030-01-01T00:00:00Z"})",
       "endTime"},
      {R"({"title":"x","mode":"SHOWCASE","tags":["two words"]})", "tags[0]"},
  };
  for (const auto& [body, field] : cases) {
    INFO(body);
    ApiResponse r = merchant->Post(path, body);
    CHECK(r.status == 400);
    CHECK(r.At("details.0.fieldViolations.0.field") == field);
  }
  CHECK(merchant->Get(path).body.find("\"campaigns\"") == std::string::npos);  // none were created
  auto other = w.flow->NewAccount("MERCHANT");
  CHECK(other->Post(path, R"({"title":"x","mode":"SHOWCASE"})").status ==
        404);  // not their merchant
  auto buyer = w.flow->NewAccount("PERSON");
  CHECK(buyer->Post("/v1/campaigns/" + core::NewId() + "/orders", Order(core::NewId(), 1, kInside))
            .status == 404);
  CHECK(buyer->Post("/v1/campaigns/x/orders", R"({"quantity":1})")
            .At("details.0.fieldViolations.0.field") == "requestId");
}

}  // namespace
}  // namespace qrcloud::testing

namespace qrcloud::testing {
namespace {

TEST_CASE("The campaign's page is served at /m/{slug}, and the merchant's statistics add up") {
  World w;
  std::string mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  ApiResponse live = w.flow->PublishCampaign(*merchant, mid, kOffer);
  const std::string id = live.At("id");
  const std::string page_path = live.At("pageUrl").substr(live.At("pageUrl").find("/m/"));
  Api anon("127.0.0.1", w.stack->gateway_port());
  ApiResponse page = anon.Get(page_path);
  REQUIRE(page.status == 200);
  CHECK(page.Header("content-type").find("text/html") == 0);
  CHECK(page.body.find("火锅双人套餐 Hotpot for two") != std::string::npos);
  CHECK(page.body.find("data-testid=\"order-button\"") != std::string::npos);
  CHECK(page.body.size() < 50 * 1024);
  CHECK(anon.Get(page_path + "?lang=en").body.find("lang=\"en\"") != std::string::npos);
  CHECK(anon.Get("/m/zzzzzzzzzz").status == 404);
  ApiResponse card = anon.Get("/m/" + mid);
  CHECK(card.status == 200);
  CHECK(card.body.find("data:text/vcard") != std::string::npos);  // "save contact"

  // A scan of the campaign's code, an order, a redemption: each counted.
  ApiResponse code = merchant->Get("/v1/codes/" + live.At("codeId"));
  REQUIRE(anon.Get("/s/" + code.At("slug")).status == 302);
  auto buyer = w.flow->NewAccount("PERSON");
  ApiResponse order =
      buyer->Post("/v1/campaigns/" + id + "/orders", Order(core::NewId(), 1, kInside));
  REQUIRE(order.status == 200);
  REQUIRE(merchant
              ->Post("/v1/receipts:redeem",
                     absl::StrCat(R"({"number":")", order.At("order.receipt.number"), R"("})"))
              .status == 200);
  CHECK(WaitFor(
      [&] { return merchant->Get("/v1/merchants/" + mid + "/stats").At("days.0.scans") == "1"; },
      absl::Seconds(15)));
  ApiResponse stats = merchant->Get("/v1/merchants/" + mid + "/stats");
  CHECK(stats.At("days.0.campaignId") == id);
  CHECK(stats.At("days.0.uniqueVisitors") == "1");
  CHECK(stats.At("days.0.pageViews") == "2");  // two languages; the unknown page is no view
  CHECK(stats.At("days.0.orders") == "1");
  CHECK(stats.At("days.0.redemptions") == "1");
  CHECK(buyer->Get("/v1/merchants/" + mid + "/stats").status == 404);
  CHECK(merchant->Get("/v1/merchants/" + mid + "/stats?fromDay=yesterday").status == 400);

  // The page's stock follows the orders within seconds, not a day later.
  CHECK(page.body.find("剩余 10 份") != std::string::npos);
  CHECK(WaitFor([&] { return anon.Get(page_path).body.find("剩余 9 份") != std::string::npos; },
                absl::Seconds(15)));
}

}  // namespace
}  // namespace qrcloud::testing
