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
}

TEST_CASE("Coordinates must be on the globe") {
  CHECK(ValidateLatLng("location", 26.0745, 119.2965).ok());
  CHECK(FieldViolations(ValidateLatLng("location", 91, 0)).at(0).field == "location.lat");
  CHECK(FieldViolations(ValidateLatLng("location", 0, -181)).at(0).field == "location.lng");
  CHECK_FALSE(ValidateLatLng("location", std::nan(""), 0).ok());
}

}  // namespace
}  // namespace qrcloud::core
