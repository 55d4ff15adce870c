// The scan path's counting rules that settlement will pay on: who is a
// person, and the stream's line format.
#include "libs/core/scan_event.h"

#include <catch2/catch.hpp>

#include <algorithm>

namespace qrcloud::core {
namespace {

TEST_CASE("Phones' browsers and apps count, while bots, previewers and scripts are flagged") {
  for (const char* ua :
       {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile",
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13) MicroMessenger/8.0.42 NetType/WIFI",
        "MyShopApp/2.3 (Android 14) okhttp/4.12.0"}) {
    INFO(ua);
    ScanEvent e;
    e.client = ClassifyUserAgent(ua);
    CHECK_FALSE(e.flagged());
  }
  for (const char* ua : {"", "   ", "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1",
                         "Wget/1.21.3", "Java/17.0.2", "okhttp/4.12.0", "PostmanRuntime/7.36.0",
                         "axios/1.6.2", "node-fetch/1.0", "python-urllib3/2.0.7"}) {
    INFO("'" << ua << "'");
    CHECK(ClassifyUserAgent(ua) == ClientClass::kScript);
  }
  CHECK(ClassifyUserAgent("Mozilla/5.0 (compatible; Googlebot/2.1)") == ClientClass::kBot);
  ScanEvent scripted;
  scripted.client = ClientClass::kScript;
  CHECK(scripted.flagged());
}

TEST_CASE("A scan event survives its line, the address hash included") {
  ScanEvent e;
  e.event_id = "01abc";
  e.code_id = "c1";
  e.time_ms = 1767225600000;
  e.client = ClientClass::kScript;
  e.device = "d1";
  e.source = "s1";
  auto back = ScanEvent::FromLine(e.ToLine());
  REQUIRE(back.has_value());
  CHECK(back->source == "s1");
  CHECK(back->client == ClientClass::kScript);
  CHECK(back->flagged());
  CHECK(back->account.empty());
  CHECK(e.ToLine().find("acct=") == std::string::npos);  // nothing of a person unless signed in
}

TEST_CASE("A signed-in person's scan carries their account and the campaign") {
  ScanEvent e;
  e.event_id = "01abd";
  e.code_id = "c1";
  e.time_ms = 1767225600000;
  e.account = "a1";
  e.campaign = "k1";
  auto back = ScanEvent::FromLine(e.ToLine());
  REQUIRE(back.has_value());
  CHECK(back->account == "a1");
  CHECK(back->campaign == "k1");
}

TEST_CASE("Values with tabs, newlines, quotes and non-ASCII bytes keep their line whole") {
  ScanEvent e;
  e.event_id = "01abe";
  e.code_id = "c1";
  e.slug = "ab\tcd";
  e.time_ms = -5;
  e.referer_host = "ex\"am'ple\\.com\n\x01\x7f";
  e.platform_code = "\xe5\xbe\xae";
  const std::string line = e.ToLine();
  CHECK(line.find('\n') == line.size() - 1);  // one line, whatever the values hold
  CHECK(std::count(line.begin(), line.end(), '\t') == 10);
  auto back = ScanEvent::FromLine(line);
  REQUIRE(back.has_value());
  CHECK(back->slug == e.slug);
  CHECK(back->time_ms == -5);
  CHECK(back->referer_host == e.referer_host);
  CHECK(back->platform_code == e.platform_code);
}

}  // namespace
}  // namespace qrcloud::core
