// A person's pages in a real browser: headless Chromium (Debian's chromium,
// driven by playwright-core) opens /me/wallet, /me/reminders and /me/feed,
// served by qrcloud-personal through the gateway, over a world made here
// through REST: a wallet with an offer, a paused offer, a redeemed receipt
// and one still to redeem; a friend's shares (one with a link, one whose
// text is markup, enough for a second page) and a comment.
// tests/browser/personal_pages.test.js does the browser part, including the
// redemption it watches arrive live.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr absl::Duration kDeadline = absl::Seconds(15);
// Shares by the friend before the two the test looks at: with those, more
// than the page's 20, so "more" has a second page to load.
constexpr int kFillerShares = 20;
constexpr char kHostileText[] = "<img src=x onerror=alert(1)>";

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A JSON string literal (UTF-8 kept as it is).
std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(&out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

struct World {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<Flow> flow;
  std::unique_ptr<Api> merchant, alice, bob;
  std::string merchant_id;

  World() {
    auto s = Stack::Start({.audit = true, .processes = {"personal"}});
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
    flow = std::make_unique<Flow>(*stack);
    merchant = flow->QualifiedMerchant(&merchant_id);
    alice = Person("Alice");
    bob = Person("Bob");
  }

  std::unique_ptr<Api> Person(const std::string& nickname) {
    auto p = flow->NewAccount("PERSON");
    REQUIRE(p->Call("PUT", "/v1/me/nickname", absl::StrCat(R"({"nickname":")", nickname, R"("})"))
                .status == 200);
    return p;
  }

  std::string Campaign(const std::string& title, const std::string& tag) {
    return flow
        ->PublishCampaign(*merchant, merchant_id,
                          absl::StrCat(R"({"title":)", Quoted(title),
                                       R"(,"description":"Weekday lunch","mode":"ORDER",)",
                                       R"("template":"coupon","price":{"currency":"CNY",)",
                                       R"("minor":"9900"},"stock":"20","perPersonLimit":5,)",
                                       R"("tags":[)", Quoted(tag), "]}"))
        .At("id");
  }

  // Alice's wallet item `id` as the API shows it, once its validity is
  // `validity`.
  void AwaitValidity(const std::string& id, const std::string& validity) {
    std::string seen;
    const bool ok = WaitFor(
        [&] {
          ApiResponse w = alice->Get("/v1/me/wallet");
          for (int i = 0; !w.At(absl::StrCat("items.", i, ".id")).empty(); ++i) {
            if (w.At(absl::StrCat("items.", i, ".id")) == id) {
              seen = w.At(absl::StrCat("items.", i, ".validity"));
            }
          }
          return seen == validity;
        },
        kDeadline, absl::Milliseconds(50));
    INFO(id << " is " << seen << ", not " << validity);
    REQUIRE(ok);
  }

  // An order of Alice's for `campaign`, kept in her wallet: {order JSON, item id}.
  std::pair<ApiResponse, std::string> Receipt(const std::string& campaign, const std::string& rid) {
    ApiResponse order = alice->Post("/v1/campaigns/" + campaign + "/orders",
                                    absl::StrCat(R"({"requestId":")", rid, R"("})"));
    INFO(order.body);
    REQUIRE(order.status == 200);
    ApiResponse saved;
    // The order reaches the personal service through the center's stream.
    REQUIRE(WaitFor(
        [&] {
          saved = alice->Post("/v1/me/wallet",
                              absl::StrCat(R"({"orderId":")", order.At("order.id"), R"("})"));
          return saved.status == 200;
        },
        kDeadline, absl::Milliseconds(50)));
    return {order, saved.At("id")};
  }

  std::string Share(const std::string& circle, const std::string& body_fields) {
    ApiResponse r = bob->Post("/v1/shares", absl::StrCat(R"({"share":{"circleId":")", circle,
                                                         R"(",)", body_fields, "}}"));
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.At("id");
  }

  bool AliceSees(const std::string& share) {
    ApiResponse feed = alice->Get("/v1/me/feed?page.pageSize=200");
    for (int i = 0; !feed.At(absl::StrCat("shares.", i, ".id")).empty(); ++i) {
      if (feed.At(absl::StrCat("shares.", i, ".id")) == share) return true;
    }
    return false;
  }
};

TEST_CASE(
    "Chromium shows a person's wallet with validity badges, reminders arriving live, a feed "
    "whose markup stays text, and a sign-in prompt without a session") {
  const std::string script =
      absl::StrCat(QRCLOUD_SOURCE_DIR, "/tests/browser/personal_pages.test.js");
  INFO("needs /usr/bin/chromium and tests/node_modules/playwright-core: run tools/setup");
  REQUIRE(access("/usr/bin/chromium", X_OK) == 0);
  REQUIRE(access(absl::StrCat(QRCLOUD_SOURCE_DIR, "/tests/node_modules/playwright-core").c_str(),
                 F_OK) == 0);
  World w;
  const std::string gateway = absl::StrCat("http://127.0.0.1:", w.stack->gateway_port());

  // The wallet: an offer, an offer the merchant paused, a receipt redeemed
  // at the shop, and a receipt the browser test redeems while it watches.
  const std::string hotpot = w.Campaign("重庆老火锅 双人套餐 Hotpot for two", "火锅");
  const std::string tea = w.Campaign("奶茶第二杯半价 Milk tea", "饮品");
  ApiResponse offer =
      w.alice->Post("/v1/me/wallet", absl::StrCat(R"({"campaignId":")", hotpot, R"("})"));
  REQUIRE(offer.status == 200);
  ApiResponse paused =
      w.alice->Post("/v1/me/wallet", absl::StrCat(R"({"campaignId":")", tea, R"("})"));
  REQUIRE(paused.status == 200);
  REQUIRE(w.merchant->Post("/v1/campaigns/" + tea + ":pause", "{}").status == 200);
  auto [used_order, used] = w.Receipt(hotpot, "o-1");
  auto [open_order, open] = w.Receipt(hotpot, "o-2");
  REQUIRE(w.merchant
              ->Post("/v1/receipts:redeem",
                     absl::StrCat(R"({"token":")", used_order.At("order.receipt.token"), R"("})"))
              .status == 200);
  w.AwaitValidity(used, "REDEEMED");

  // Reviews of the hotpot: Alice's (her order was redeemed: verified), with
  // the shop's reply, and Bob's; the campaign page shows them.
  const std::string reviews = "/v1/campaigns/" + hotpot + "/reviews";
  ApiResponse review = w.alice->Post(reviews, R"({"rating":5,"text":"锅底很香 Rich broth"})");
  REQUIRE(review.status == 200);
  REQUIRE(w.bob->Post(reviews, R"({"rating":4,"text":"a bit spicy"})").status == 200);
  Api anonymous("127.0.0.1", w.stack->gateway_port());
  REQUIRE(WaitFor([&] { return anonymous.Get(reviews).At("reviewCount") == "2"; }, kDeadline,
                  absl::Milliseconds(50)));
  REQUIRE(w.merchant
              ->Post(reviews + "/" + review.At("id") + ":reply", R"({"text":"谢谢光临 Thank you"})")
              .status == 200);
  REQUIRE(WaitFor(
      [&] {
        ApiResponse r = anonymous.Get(reviews);
        for (int i = 0; i < 2; ++i) {
          if (r.At(absl::StrCat("reviews.", i, ".authorName")) == "Alice") {
            return r.At(absl::StrCat("reviews.", i, ".verified")) == "true";
          }
        }
        return false;
      },
      kDeadline, absl::Milliseconds(50)));
  w.AwaitValidity(paused.At("id"), "PAUSED");
  w.AwaitValidity(open, "VALID");

  // The feed: Bob, Alice's friend, shares into his friends circle.
  const std::string code = w.alice->Get("/v1/me/friendCode").At("code");
  ApiResponse asked =
      w.bob->Post("/v1/me/friends", absl::StrCat(R"({"friendCode":")", code, R"("})"));
  REQUIRE(asked.status == 200);
  REQUIRE(w.alice->Post("/v1/me/friends/" + asked.At("id") + ":accept", "{}").status == 200);
  ApiResponse circle =
      w.bob->Post("/v1/circles", R"({"circle":{"name":"Bob's friends","basis":"FRIENDS"}})");
  REQUIRE(circle.status == 200);
  for (int i = 1; i <= kFillerShares; ++i) {
    w.Share(circle.At("id"), absl::StrCat(R"("text":"第 )", i, " 条 · share ", i, R"(")"));
  }
  const std::string link = "https://www.dianping.com/shop/1";
  const std::string linked =
      w.Share(circle.At("id"), absl::StrCat(R"("text":"周五半价 half price on Friday\n二楼靠窗",)",
                                            R"("links":[)", Quoted(link), "]"));
  // A link waits for moderation (the audit service approves).
  REQUIRE(WaitFor([&] { return w.AliceSees(linked); }, kDeadline, absl::Milliseconds(50)));
  REQUIRE(
      w.bob->Post("/v1/shares/" + linked + "/comments", R"({"text":"我上周去过 Went last week"})")
          .status == 200);
  const std::string hostile =
      w.Share(circle.At("id"), absl::StrCat(R"("text":)", Quoted(kHostileText)));
  REQUIRE(w.AliceSees(hostile));  // text only: shown at once
  // A platform image, for a feed answer the browser test makes up itself
  // (with links of every kind, which moderation would refuse).
  ApiResponse qr = w.merchant->Post("/v1/codes", R"({"targetUrl":"https://shop.example.com/"})");
  ApiResponse png = w.merchant->Get("/v1/codes/" + qr.At("id") + "/image?format=png&size=120");
  REQUIRE(png.status == 200);
  ApiResponse media = w.merchant->Post("/v1/merchants/" + w.merchant_id + "/media",
                                       absl::StrCat(R"({"contentType":"image/png","data":")",
                                                    absl::Base64Escape(png.body), R"("})"));
  INFO(media.body);
  REQUIRE(media.status == 200);
  const std::string image = absl::StrCat(gateway, "/media/", media.At("id"));

  // What the browser test needs, as JSON.
  const char* keep = std::getenv("QRCLOUD_BROWSER_OUT");
  const std::string out = keep != nullptr && *keep != '\0'
                              ? std::string(keep)
                              : absl::StrCat(Env().dir, "/", UniqueName("personal-pages"));
  mkdir(out.c_str(), 0755);
  const std::string config = absl::StrCat(out, "/world.json");
  std::ofstream(config) << absl::StrCat(
      "{\"gateway\":", Quoted(gateway), ",\"aliceToken\":", Quoted(w.alice->token()),
      ",\"merchantToken\":", Quoted(w.merchant->token()),
      ",\"wallet\":{\"offer\":", Quoted(offer.At("id")), ",\"paused\":", Quoted(paused.At("id")),
      ",\"redeemed\":", Quoted(used), ",\"open\":", Quoted(open), "}",
      ",\"offerPageUrl\":", Quoted(offer.At("pageUrl")),
      ",\"openReceiptToken\":", Quoted(open_order.At("order.receipt.token")),
      ",\"hotpotTitle\":", Quoted("重庆老火锅 双人套餐 Hotpot for two"),
      ",\"shares\":{\"linked\":", Quoted(linked), ",\"hostile\":", Quoted(hostile),
      ",\"total\":", kFillerShares + 2, "}", ",\"link\":", Quoted(link),
      ",\"image\":", Quoted(image), ",\"hostileText\":", Quoted(kHostileText),
      ",\"reviews\":{\"average\":\"4.5\",\"count\":2,\"author\":\"Alice\",\"reply\":",
      Quoted("谢谢光临 Thank you"), "}}");

  const std::string log = absl::StrCat(out, "/personal_pages.log");
  const std::string cmd = absl::StrCat("node ", ShellQuote(script), " ", ShellQuote(config), " ",
                                       ShellQuote(out), " > ", ShellQuote(log), " 2>&1");
  const int rc = std::system(cmd.c_str());
  INFO(absl::StrCat("personal_pages.test.js (", out, "):\n", Tail(log, 80), "\ngateway:\n",
                    Tail(w.stack->dir() + "/gateway.log", 15), "\npersonal:\n",
                    Tail(w.stack->dir() + "/personal.log", 15)));
  REQUIRE(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) == 0);
  CHECK(Tail(log, 1).find(" 0 failed") != std::string::npos);

  // What the browser did went through the API: the offer it removed is gone,
  // the receipt it watched is redeemed, its comment is there.
  ApiResponse wallet = w.alice->Get("/v1/me/wallet");
  for (int i = 0; !wallet.At(absl::StrCat("items.", i, ".id")).empty(); ++i) {
    CHECK(wallet.At(absl::StrCat("items.", i, ".id")) != paused.At("id"));
  }
  w.AwaitValidity(open, "REDEEMED");
  CHECK(w.bob->Get("/v1/shares/" + linked + "/comments").At("comments.1.authorName") == "Alice");
}

}  // namespace
}  // namespace qrcloud::testing
