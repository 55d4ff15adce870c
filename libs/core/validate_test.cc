#include "libs/core/validate.h"

#include <catch2/catch.hpp>

#include <cmath>

#include "libs/core/status.h"

namespace qrcloud::core {
namespace {

TEST_CASE("Web URLs: http and https with a host only") {
  CHECK(ValidateWebUrl("u", "https://example.com").ok());
  CHECK(ValidateWebUrl("u", "HTTP://example.com:8080/a?b=c#d").ok());
  CHECK(ValidateWebUrl("u", "https://例子.cn/菜单").ok());
  for (const char* bad :
       {"javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "example.com",
        "//example.com", "https://", "https:///path", "https://user:pw@example.com/",
        "https://exa mple.com", "https://example.com/\"onload"}) {
    INFO(bad);
    absl::Status s = ValidateWebUrl("targetUrl", bad);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(FieldViolations(s).at(0).field == "targetUrl");
  }
  CHECK(ValidateWebUrl("u", "javascript:x").message().find("javascript:") != std::string::npos);
}

TEST_CASE("E-mail addresses and phone numbers") {
  CHECK(ValidateEmail("login", "shop@example.com").ok());
  CHECK_FALSE(ValidateEmail("login", "shop@example").ok());
  CHECK_FALSE(ValidateEmail("login", "shop example@x.com").ok());
  CHECK_FALSE(ValidateEmail("login", "@example.com").ok());
  CHECK_FALSE(ValidateEmail("login", "a@b@c.com").ok());
  CHECK(ValidatePhone("p", "+86 138-0013-8000").ok());
  CHECK(ValidatePhone("p", "13800138000").ok());
  CHECK_FALSE(ValidatePhone("p", "12345").ok());
  CHECK_FALSE(ValidatePhone("p", "1380013800x").ok());
  CHECK_FALSE(ValidatePhone("p", "-13800138000").ok());
}

TEST_CASE("Text length counts characters and refuses broken UTF-8") {
  CHECK(ValidateText("n", "火锅店", 1, 3).ok());
  CHECK(ValidateText("n", "火锅店!", 1, 3).message() == "n: must be at most 3 characters (got 4)");
  CHECK(ValidateText("n", "", 1, 3).message() == "n: is required");
  CHECK_FALSE(ValidateText("n", "\xe7\x81", 0, 10).ok());      // truncated
  CHECK_FALSE(ValidateText("n", "\xc0\xaf", 0, 10).ok());      // overlong '/'
  CHECK_FALSE(ValidateText("n", "\xed\xa0\x80", 0, 10).ok());  // a surrogate
  CHECK(IsValidUtf8("😀 ok"));
  CHECK(ToValidUtf8("a\xff\xc0\xaf"
                    "b 火") ==
        "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
        "b 火");
  CHECK(ToValidUtf8("😀 ok") == "😀 ok");
}

TEST_CASE("UTF-8 is checked alike in long ASCII runs and in Chinese") {
  CHECK(IsValidUtf8("plain ascii longer than eight bytes, then 火锅 and 重慶 and ｈｏｔ"));
  for (size_t at = 0; at < 20; ++at) {
    std::string s(20, 'a');
    s[at] = '\xff';
    INFO(at);
    CHECK_FALSE(IsValidUtf8(s));
  }
  CHECK_FALSE(IsValidUtf8("\xe0\x80\x80"));          // overlong
  CHECK(IsValidUtf8("\xe0\xa0\x80"));                // U+0800
  CHECK_FALSE(IsValidUtf8("\xed\xa0\x80"));          // a surrogate
  CHECK(IsValidUtf8("\xed\x9f\xbf"));                // U+D7FF
  CHECK_FALSE(IsValidUtf8("\xe7\x81\xab\xe9\x94"));  // cut short
  CHECK_FALSE(IsValidUtf8("\xe7\x81\x41"));          // a continuation missing
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));      // past U+10FFFF
  CHECK(IsValidUtf8("\xef\xbf\xbd"));
}

TEST_CASE("Text refuses control, separator and bidirectional-override characters") {
  using namespace std::string_literals;
  CHECK(ValidateText("name", "Lao Wang\x07", 1, 60).message() ==
        "name: holds U+0007 at character 9: control, line-separator and bidirectional-override "
        "characters are not accepted in text");
  CHECK_FALSE(ValidateText("name", "a\0b"s, 1, 60).ok());         // NUL
  CHECK_FALSE(ValidateText("name", "a\x7f", 1, 60).ok());         // DEL
  CHECK_FALSE(ValidateText("name", "shop\xc2\x85", 1, 60).ok());  // NEL (C1)
  CHECK_FALSE(ValidateText("name",
                           "\xe2\x80\xae"
                           "gnp.exe",
                           1, 60)
                  .ok());  // U+202E
  CHECK_FALSE(ValidateText("name",
                           "a\xe2\x80\xa8"
                           "b",
                           1, 60)
                  .ok());  // U+2028
  CHECK_FALSE(ValidateText("name",
                           "\xe2\x81\xa6"
                           "x",
                           1, 60)
                  .ok());  // U+2066
  // Tabs and newlines (descriptions have paragraphs) and ordinary text stay.
  CHECK(ValidateText("description", "第一行\n第二行\tok", 1, 60).ok());
  CHECK(ValidateText("name", "老王火锅 Lao Wang — 50% off!", 1, 60).ok());
}

TEST_CASE("Coordinates must be on the globe") {
  CHECK(ValidateLatLng("location", 26.0745, 119.2965).ok());
  CHECK(FieldViolations(ValidateLatLng("location", 91, 0)).at(0).field == "location.lat");
  CHECK(FieldViolations(ValidateLatLng("location", 0, -181)).at(0).field == "location.lng");
  CHECK_FALSE(ValidateLatLng("location", std::nan(""), 0).ok());
}

TEST_CASE("URL hosts and IP literals") {
  CHECK(UrlHost("https://User@WWW.Example.COM:8443/x?y") == "www.example.com");
  CHECK(UrlHost("http://[::1]:80/") == "[::1]");
  CHECK(UrlHost("http://example.com./") == "example.com");
  CHECK(IsIpLiteral("10.1.2.3"));
  CHECK(IsIpLiteral("0x7f.1"));
  CHECK(IsIpLiteral("[2001:db8::1]"));
  CHECK_FALSE(IsIpLiteral("1password.com"));
  CHECK_FALSE(IsIpLiteral("example.com"));
}

TEST_CASE("Outbound links go to public domain names only") {
  for (const char* bad :
       {"http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:6390/", "http://[::1]/",
        "http://2130706433/", "http://localhost:8080/", "http://router/", "https://nas.local/",
        "https://db.internal/", "https://printer.lan/", "https://box.home.arpa/",
        "https://\xd0\xb0pple.com/login", "javascript:alert(1)"}) {
    INFO(bad);
    absl::Status s = ValidateOutboundUrl("targetUrl", bad);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(FieldViolations(s).at(0).field == "targetUrl");
  }
  CHECK(ValidateOutboundUrl("targetUrl", "https://shop.example.com/menu?x=1").ok());
  CHECK(ValidateOutboundUrl("targetUrl", "https://xn--fiqs8s.xn--fiqs8s/").ok());
}

}  // namespace
}  // namespace qrcloud::core
