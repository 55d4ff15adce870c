// qrcloud-partner through the real gateway, started by the e2e stack from
// its line in services/services.txt: a partner registers with terms and an
// administrator approves it; a placement puts a published campaign's code
// on its channels as an embed snippet, a PNG, an SVG and a print sticker,
// each holding the link with its platform code; scans through the gateway's
// /s/{slug}?p= path count as the scan path's rule says (a browser counts,
// HEAD, curl, a bot and a repeat within 30 minutes do not); the buyer's
// order is attributed to the placement, once; other partners see none of
// it; bad terms are refused naming the field with nothing written; and the
// `partners` stream carries every event settlement pays on.
#include <catch2/catch.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/partner_events.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

// No fence: the buyer orders from anywhere.
constexpr char kOffer[] =
    R"({"title":"Hotpot <for> two & \"more\"","description":"Weekday lunch","mode":"ORDER",
  "template":"coupon","price":{"currency":"CNY","minor":"9900"},"stock":"10","perPersonLimit":2,
  "tags":["hotpot"]})";

constexpr char kTerms[] =
    R"("terms":{"cpc":{"currency":"CNY","minor":"5"},"cpsBps":1000,"holdingDays":7,
  "minPayout":{"currency":"CNY","minor":"10000"}})";

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;
  std::unique_ptr<Api> admin;
  World() {
    auto s = Stack::Start({.processes = {"partner"}});
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
    admin = std::make_unique<Api>("127.0.0.1", stack->gateway_port());
    admin->set_token(flow->admin_token());
  }
  // A new PARTNER account; its partner id.
  std::unique_ptr<Api> NewPartner(std::string* id) {
    auto partner = flow->NewAccount("PARTNER");
    *id = partner->Get("/v1/me").At("account.partnerId");
    REQUIRE_FALSE(id->empty());
    return partner;
  }
  // A partner registered with kTerms and approved; its platform code.
  std::unique_ptr<Api> ApprovedPartner(std::string* id, std::string* code) {
    auto partner = NewPartner(id);
    *code = absl::StrCat("e2e-", absl::AsciiStrToLower(id->substr(16)));
    ApiResponse registered =
        partner->Post("/v1/partners/me:register",
                      absl::StrCat(R"({"displayName":"Deals )", *code, R"(","platformCode":")",
                                   *code, R"(",)", kTerms, "}"));
    INFO(registered.body);
    REQUIRE(registered.status == 200);
    CHECK(registered.At("state") == "PENDING");
    ApiResponse approved = admin->Post("/v1/partners/" + *id + ":approve", "{}");
    INFO(approved.body);
    REQUIRE(approved.status == 200);
    CHECK(approved.At("state") == "APPROVED");
    return partner;
  }
  // The `partners` stream's entries as (type, data).
  std::vector<std::pair<std::string, std::string>> Events() {
    std::vector<std::pair<std::string, std::string>> out;
    auto entries = flow->redis().Command({"XRANGE", core::kPartnerStream, "-", "+"});
    if (!entries.ok()) return out;
    for (const auto& e : cache::ParseEntries(*entries)) {
      out.emplace_back(e.Field("type"), e.Field("data"));
    }
    return out;
  }
  std::vector<std::string> EventsOf(const std::string& type, const std::string& path,
                                    const std::string& value) {
    std::vector<std::string> out;
    for (const auto& [t, data] : Events()) {
      if (t == type && JsonAt(data, path) == value) out.push_back(data);
    }
    return out;
  }
  // A scan through the gateway's scan path, as a client with `token` ("" for
  // none) and `user_agent` would make it.
  int Scan(const std::string& method, const std::string& target, const std::string& user_agent,
           const std::string& token = "") {
    Api client("127.0.0.1", stack->gateway_port());
    client.set_token(token);
    return client.Call(method, target, "", {{"user-agent", user_agent}}).status;
  }
  // Waits until the partner's stats show `path` == `value`.
  ApiResponse StatsWhen(Api& partner, const std::string& id, const std::string& path,
                        const std::string& value) {
    ApiResponse stats;
    WaitFor(
        [&] {
          stats = partner.Get("/v1/partners/" + id + "/stats");
          return stats.At(path) == value;
        },
        absl::Seconds(15), absl::Milliseconds(100));
    return stats;
  }
};

// The text the QR code in a base64 image holds, read by the center.
std::string Decoded(Api& anyone, const std::string& base64) {
  return anyone.Post("/v1/codes:decode", absl::StrCat(R"({"image":")", base64, R"("})"))
      .At("results.0.text");
}

TEST_CASE(
    "A partner's placement is counted by the scan path's rule and paid on attributed orders") {
  World w;
  std::string mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  ApiResponse campaign = w.flow->PublishCampaign(*merchant, mid, kOffer);
  REQUIRE(campaign.At("state") == "PUBLISHED");
  const std::string campaign_id = campaign.At("id");

  std::string id, code;
  auto partner = w.NewPartner(&id);
  // Not registered yet: no placements.
  CHECK(partner
            ->Post("/v1/partners/me/placements",
                   R"({"campaignId":")" + campaign_id + R"(","channel":"WEB"})")
            .status == 404);
  code = absl::StrCat("e2e-", absl::AsciiStrToLower(id.substr(16)));
  ApiResponse registered = partner->Post(
      "/v1/partners/" + id + ":register",
      absl::StrCat(R"({"displayName":"Deals","platformCode":")", code, R"(",)", kTerms, "}"));
  INFO(registered.body);
  REQUIRE(registered.status == 200);
  CHECK(registered.At("platformCode") == code);
  CHECK(registered.At("terms.cpc.minor") == "5");
  // Pending: it places nothing; and it approves nobody, itself included.
  CHECK(partner
            ->Post("/v1/partners/me/placements",
                   R"({"campaignId":")" + campaign_id + R"(","channel":"WEB"})")
            .status == 400);
  CHECK(partner->Post("/v1/partners/" + id + ":approve", "{}").status == 403);
  ApiResponse approved = w.admin->Post("/v1/partners/" + id + ":approve", "{}");
  REQUIRE(approved.At("state") == "APPROVED");

  // A placement of the campaign: its code's short URL with ?p=.
  ApiResponse placement = partner->Post(
      "/v1/partners/me/placements", R"({"campaignId":")" + campaign_id + R"(","channel":"WEB"})");
  INFO(placement.body);
  REQUIRE(placement.status == 200);
  const std::string pid = placement.At("id");
  const std::string link = placement.At("shortUrl");
  CHECK(placement.At("codeId") == campaign.At("codeId"));
  CHECK(absl::EndsWith(link, "?p=" + code));
  CHECK(placement.At("merchantId") == mid);
  // One placement per code: the link is the same on any channel.
  CHECK(partner
            ->Post("/v1/partners/me/placements",
                   R"({"codeId":")" + campaign.At("codeId") + R"(","channel":"PRINT"})")
            .status == 409);
  CHECK(partner->Post("/v1/partners/me/placements", R"({"channel":"WEB"})").status == 400);

  // The embed snippet: the link, escaped, around a PNG that holds it.
  const std::string base = "/v1/partners/" + id + "/placements/" + pid;
  ApiResponse embed = partner->Get(base + "/embed");
  INFO(embed.body);
  REQUIRE(embed.status == 200);
  const std::string html = embed.At("html");
  CHECK(absl::StartsWith(html, "<a href=\"" + link + "\""));
  CHECK(absl::StrContains(html, "alt=\"Hotpot &lt;for&gt; two &amp; &quot;more&quot;\""));
  const size_t at = html.find("base64,");
  REQUIRE(at != std::string::npos);
  const std::string png64 = html.substr(at + 7, html.find('"', at) - at - 7);
  CHECK(Decoded(*merchant, png64) == link);
  // The images, drawn by the center: PNG (the web default), SVG, a print
  // sticker as PDF.
  ApiResponse png = partner->Get(base + "/image");
  REQUIRE(png.status == 200);
  CHECK(png.Header("content-type") == "image/png");
  CHECK(Decoded(*merchant, absl::Base64Escape(png.body)) == link);
  ApiResponse svg = partner->Get(base + "/image?format=svg");
  CHECK(svg.Header("content-type") == "image/svg+xml");
  CHECK(absl::StrContains(svg.body, "<svg"));
  ApiResponse sticker = partner->Get(base + "/image?format=pdf&style=sticker&lang=zh");
  CHECK(sticker.Header("content-type") == "application/pdf");
  CHECK(absl::StartsWith(sticker.body, "%PDF"));

  // Scans through the gateway's real scan path.
  const std::string slug = link.substr(link.find("/s/") + 3, link.find('?') - link.find("/s/") - 3);
  const std::string target = "/s/" + slug + "?p=" + code;
  auto buyer = w.flow->NewAccount("PERSON");
  CHECK(w.Scan("GET", target, kBrowserUserAgent, buyer->token()) == 302);  // valid
  CHECK(w.Scan("GET", target, kBrowserUserAgent, buyer->token()) == 302);  // a repeat: not
  CHECK(w.Scan("GET", target, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile Safari") ==
        302);                                                                      // valid
  CHECK(w.Scan("HEAD", target, kBrowserUserAgent) == 302);                         // HEAD: not
  CHECK(w.Scan("GET", target, "curl/8.5.0") == 302);                               // scripted: not
  CHECK(w.Scan("GET", target, "Mozilla/5.0 (compatible; Googlebot/2.1)") == 302);  // bot: not
  CHECK(w.Scan("GET", "/s/" + slug, "Mozilla/5.0 (X11) Firefox") == 302);  // not the partner's
  ApiResponse stats = w.StatsWhen(*partner, id, "scans", "6");
  INFO(stats.body);
  CHECK(stats.At("scans") == "6");
  CHECK(stats.At("validScans") == "2");
  CHECK(stats.At("days.0.placementId") == pid);
  CHECK(stats.At("days.0.validScans") == "2");

  // The buyer who scanned orders and redeems: attributed to the placement.
  // Another person who never scanned it orders too: attributed to nobody.
  ApiResponse order = buyer->Post("/v1/campaigns/" + campaign_id + "/orders",
                                  absl::StrCat(R"({"requestId":")", core::NewId(), R"("})"));
  INFO(order.body);
  REQUIRE(order.status == 200);
  const std::string order_id = order.At("order.id");
  // (From another phone: the same address and browser would be the same
  // device to the platform, docs/partners.md.)
  auto stranger = w.flow->NewAccount("PERSON");
  ApiResponse other = stranger->Call("POST", "/v1/campaigns/" + campaign_id + "/orders",
                                     absl::StrCat(R"({"requestId":")", core::NewId(), R"("})"),
                                     {{"user-agent", "Mozilla/5.0 (Linux; Android 12) Mobile"}});
  REQUIRE(other.status == 200);
  for (const ApiResponse* o : {&order, &other}) {
    REQUIRE(merchant
                ->Post("/v1/receipts:redeem",
                       absl::StrCat(R"({"token":")", o->At("order.receipt.token"), R"("})"))
                .status == 200);
  }
  stats = w.StatsWhen(*partner, id, "revenue.minor", "9900");
  INFO(stats.body);
  CHECK(stats.At("orders") == "1");
  CHECK(stats.At("revenue.minor") == "9900");

  // A refund reverses it.
  ApiResponse refund = merchant->Post(
      "/v1/orders/" + order_id + ":refund",
      absl::StrCat(R"({"requestId":")", core::NewId(), R"(","reason":"Cold soup"})"));
  INFO(refund.body);
  REQUIRE(refund.status == 200);
  // Zero, which protobuf's JSON leaves out.
  stats = w.StatsWhen(*partner, id, "revenue.minor", "");
  CHECK(stats.At("revenue.minor").empty());
  CHECK(stats.At("revenue.currency") == "CNY");
  CHECK(stats.At("orders") == "1");

  // The partners stream: its terms, each valid scan once with the CPC, the
  // attribution and its reversal once each with the CPS.
  CHECK(w.EventsOf("partner.updated", "id", id).size() == 2);
  CHECK(w.EventsOf("partner.updated", "state", "APPROVED").size() >= 1);
  const auto valid = w.EventsOf("partner.scan_valid", "partnerId", id);
  REQUIRE(valid.size() == 2);
  CHECK(JsonAt(valid[0], "placementId") == pid);
  CHECK(JsonAt(valid[0], "cpc.minor") == "5");
  CHECK(JsonAt(valid[0], "cpc.currency") == "CNY");
  CHECK(JsonAt(valid[0], "scanEventId") != JsonAt(valid[1], "scanEventId"));
  const auto attributed = w.EventsOf("partner.order_attributed", "partnerId", id);
  REQUIRE(attributed.size() == 1);
  CHECK(JsonAt(attributed[0], "orderId") == order_id);
  CHECK(JsonAt(attributed[0], "placementId") == pid);
  CHECK(JsonAt(attributed[0], "orderTotal.minor") == "9900");
  CHECK(JsonAt(attributed[0], "cps.minor") == "990");
  const auto reversed = w.EventsOf("partner.order_unattributed", "orderId", order_id);
  REQUIRE(reversed.size() == 1);
  CHECK(JsonAt(reversed[0], "cps.minor") == "990");
  CHECK(w.EventsOf("partner.order_attributed", "orderId", other.At("order.id")).empty());

  // The partner's statement for the month: 2 scans at 5 fen; the order's
  // share earned and reversed.
  ApiResponse statements = partner->Get("/v1/partners/me/statements");
  INFO(statements.body);
  CHECK(statements.At("statements.0.validScans") == "2");
  CHECK(statements.At("statements.0.earned.minor") == "10");
  CHECK(absl::StrContains(statements.At("statementsUrl"), "party=partner:" + id));

  // Another partner, the merchant: as if none of it existed. The
  // administrator sees it all.
  std::string other_id, other_code;
  auto rival = w.ApprovedPartner(&other_id, &other_code);
  for (Api* stranger_api : {rival.get(), merchant.get()}) {
    CHECK(stranger_api->Get("/v1/partners/" + id).status == 404);
    CHECK(stranger_api->Get("/v1/partners/" + id + "/stats").status == 404);
    CHECK(stranger_api->Get("/v1/partners/" + id + "/statements").status == 404);
    CHECK(stranger_api->Get(base).status == 404);
    CHECK(stranger_api->Get(base + "/embed").status == 404);
    CHECK(stranger_api->Get(base + "/image").status == 404);
  }
  CHECK(rival->Get("/v1/partners/" + other_id + "/placements/" + pid + "/embed").status == 404);
  CHECK(rival->Get("/v1/partners/me/placements").At("placements.0.id").empty());
  CHECK(rival->Get("/v1/partners/me/stats").At("validScans").empty());
  CHECK(rival->Get("/v1/partners").status == 403);
  CHECK(w.admin->Get(base + "/embed").status == 200);
  CHECK(w.admin->Get("/v1/partners/" + id + "/stats").At("validScans") == "2");
  CHECK(w.admin->Get("/v1/partners?state=APPROVED").status == 200);

  // Suspended: its placements' scans are recorded, never valid.
  REQUIRE(w.admin->Post("/v1/partners/" + id + ":suspend", R"({"reason":"Fake traffic"})")
              .At("state") == "SUSPENDED");
  CHECK(w.Scan("GET", target, "Mozilla/5.0 (Linux; Android 13; Pixel) Mobile Safari") == 302);
  stats = w.StatsWhen(*partner, id, "scans", "7");
  CHECK(stats.At("validScans") == "2");
}

TEST_CASE("A link scanned on a phone before signing in earns on the order placed from it") {
  World w;
  std::string mid;
  auto merchant = w.flow->QualifiedMerchant(&mid);
  ApiResponse campaign = w.flow->PublishCampaign(*merchant, mid, kOffer);
  REQUIRE(campaign.At("state") == "PUBLISHED");
  const std::string campaign_id = campaign.At("id");
  std::string id, code;
  auto partner = w.ApprovedPartner(&id, &code);
  ApiResponse placement = partner->Post(
      "/v1/partners/me/placements", R"({"campaignId":")" + campaign_id + R"(","channel":"PRINT"})");
  REQUIRE(placement.status == 200);
  const std::string link = placement.At("shortUrl");
  const std::string slug = link.substr(link.find("/s/") + 3, link.find('?') - link.find("/s/") - 3);
  // Someone scans the sticker with the phone's camera, not signed in.
  constexpr char kPhone[] = "Mozilla/5.0 (Linux; Android 14; Redmi Note 13) Mobile Safari/537.36";
  CHECK(w.Scan("GET", "/s/" + slug + "?p=" + code, kPhone) == 302);
  w.StatsWhen(*partner, id, "validScans", "1");
  // Then signs in on that phone and orders; someone else orders from
  // another phone. Only the first order is the partner's.
  auto order_from = [&](const char* user_agent) {
    auto person = w.flow->NewAccount("PERSON");
    ApiResponse order = person->Call("POST", "/v1/campaigns/" + campaign_id + "/orders",
                                     absl::StrCat(R"({"requestId":")", core::NewId(), R"("})"),
                                     {{"user-agent", user_agent}});
    INFO(order.body);
    REQUIRE(order.status == 200);
    CHECK_FALSE(absl::StrContains(order.body, "buyerDevice"));  // for the event only
    REQUIRE(merchant
                ->Post("/v1/receipts:redeem",
                       absl::StrCat(R"({"token":")", order.At("order.receipt.token"), R"("})"))
                .status == 200);
    return order.At("order.id");
  };
  const std::string from_phone = order_from(kPhone);
  const std::string from_elsewhere =
      order_from("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile Safari");
  ApiResponse stats = w.StatsWhen(*partner, id, "orders", "1");
  INFO(stats.body);
  CHECK(stats.At("orders") == "1");
  REQUIRE(WaitFor([&] { return StreamCaughtUp(w.flow->redis(), "orders", "partner-orders"); },
                  absl::Seconds(15)));
  const auto attributed = w.EventsOf("partner.order_attributed", "partnerId", id);
  REQUIRE(attributed.size() == 1);
  CHECK(JsonAt(attributed[0], "orderId") == from_phone);
  CHECK(w.EventsOf("partner.order_attributed", "orderId", from_elsewhere).empty());
}

TEST_CASE("Bad terms are refused naming the field, and nothing is written") {
  World w;
  std::string id;
  auto partner = w.NewPartner(&id);
  const auto refused = [&](const std::string& terms) {
    ApiResponse r = partner->Post("/v1/partners/me:register",
                                  absl::StrCat(R"({"displayName":"Deals","terms":)", terms, "}"));
    INFO(r.body);
    CHECK(r.status == 400);
    return r;
  };
  CHECK(refused(R"({"cpc":{"currency":"CNY","minor":"-1"}})")
            .At("details.0.fieldViolations.0.field") == "terms.cpc.minor");
  CHECK(absl::StrContains(refused(R"({"cpc":{"currency":"CNY","minor":"0.5"}})").body, "minor"));
  CHECK(absl::StrContains(refused(R"({"cpc":{"currency":"CNY","minor":1.5}})").body, "minor"));
  CHECK(refused(R"({"cpsBps":10001})").At("details.0.fieldViolations.0.field") == "terms.cpsBps");
  CHECK(refused(R"({"cpsBps":-5})").At("details.0.fieldViolations.0.field") == "terms.cpsBps");
  CHECK(refused(R"({"minPayout":{"currency":"CNY","minor":"-100"}})")
            .At("details.0.fieldViolations.0.field") == "terms.minPayout.minor");
  ApiResponse bad_code =
      partner->Post("/v1/partners/me:register", R"({"displayName":"Deals","platformCode":"a b"})");
  CHECK(bad_code.status == 400);
  CHECK(bad_code.At("details.0.fieldViolations.0.field") == "platformCode");
  // Nothing was written: no partner, no event.
  CHECK(partner->Get("/v1/partners/me").status == 404);
  CHECK(w.EventsOf("partner.updated", "id", id).empty());
  // An administrator's terms are checked the same way.
  REQUIRE(partner->Post("/v1/partners/me:register", R"({"displayName":"Deals"})").status == 200);
  ApiResponse admin_bad =
      w.admin->Post("/v1/partners/" + id + ":approve", R"({"terms":{"cpsBps":20000}})");
  CHECK(admin_bad.status == 400);
  CHECK(admin_bad.At("details.0.fieldViolations.0.field") == "terms.cpsBps");
  CHECK(partner->Get("/v1/partners/me").At("state") == "PENDING");
}

}  // namespace
}  // namespace qrcloud::testing
