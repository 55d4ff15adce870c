// The merchant cloud flow in a real browser: headless Chromium (Debian's
// chromium, driven by playwright-core from npm) opens a campaign's page, is
// refused without a location and outside the fence, orders inside it, and the
// receipt QR it shows, decoded by zbarimg, redeems at the merchant once
// (tests/browser/order_flow.test.js does the browser part).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

// Shop at (26.0745, 119.2965) (Flow::QualifiedMerchant); 500 m fence around it.
constexpr char kOffer[] =
    R"({"title":"火锅双人套餐 Hotpot for two","description":"Weekday lunch","mode":"ORDER",
  "template":"coupon","price":{"currency":"CNY","minor":"9900"},"stock":"10","perPersonLimit":2,
  "fence":{"origin":{"lat":26.0745,"lng":119.2965},"radiusM":500}})";

// The path of an absolute URL ("http://host:port/m/abc" → "/m/abc").
std::string UrlPath(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const size_t slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

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

TEST_CASE("Chromium orders from the page inside the fence only, and its receipt QR redeems once") {
  const std::string script = absl::StrCat(QRCLOUD_SOURCE_DIR, "/tests/browser/order_flow.test.js");
  INFO("needs /usr/bin/chromium, zbarimg and tests/node_modules/playwright-core: run tools/setup");
  REQUIRE(access("/usr/bin/chromium", X_OK) == 0);
  REQUIRE(access(absl::StrCat(QRCLOUD_SOURCE_DIR, "/tests/node_modules/playwright-core").c_str(),
                 F_OK) == 0);

  // The platform as deployed: the campaign page asks the people's service
  // for its reviews.
  auto s = Stack::Start({.processes = {"personal"}});
  INFO((s.ok() ? "" : std::string(s.status().message())));
  REQUIRE(s.ok());
  Stack& stack = **s;
  Flow flow(stack);
  std::string merchant_id;
  auto merchant = flow.QualifiedMerchant(&merchant_id);
  ApiResponse campaign = flow.PublishCampaign(*merchant, merchant_id, kOffer);
  REQUIRE(campaign.At("state") == "PUBLISHED");
  // The page as the test gateway serves it (the center's public URL is not
  // this gateway's address).
  const std::string path = UrlPath(campaign.At("pageUrl"));
  REQUIRE(path.rfind("/m/", 0) == 0);
  const std::string gateway = absl::StrCat("http://127.0.0.1:", stack.gateway_port());
  REQUIRE(!merchant->token().empty());

  // Screenshots and the log; QRCLOUD_BROWSER_OUT keeps them past the fixture.
  const char* keep = std::getenv("QRCLOUD_BROWSER_OUT");
  const std::string out = keep != nullptr && *keep != '\0'
                              ? std::string(keep)
                              : absl::StrCat(Env().dir, "/", UniqueName("browser"));
  mkdir(out.c_str(), 0755);
  const std::string log = absl::StrCat(out, "/order_flow.log");
  const std::string cmd = absl::StrCat("node ", ShellQuote(script), " ", ShellQuote(gateway + path),
                                       " ", ShellQuote(merchant->token()), " ", ShellQuote(gateway),
                                       " ", ShellQuote(out), " > ", ShellQuote(log), " 2>&1");
  const int rc = std::system(cmd.c_str());
  INFO(absl::StrCat("order_flow.test.js (", out, "):\n", Tail(log, 60), "\ngateway:\n",
                    Tail(stack.dir() + "/gateway.log", 15)));
  REQUIRE(WIFEXITED(rc));
  REQUIRE(WEXITSTATUS(rc) == 0);
  CHECK(Tail(log, 1).find(" 0 failed") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::testing
