#include "libs/text/hosts.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"

namespace qrcloud::text {
namespace {

TEST_CASE("International host names that read as what they are pass") {
  for (const char* host :
       {"shop.example.com", "xn--mnchen-3ya.de" /* münchen */,
        "xn--fiqs8s856bruk.cn" /* 中国银行 */, "xn--h1alffa9f.xn--p1ai" /* россия.рф */,
        "xn--bcher-kva.example" /* bücher */}) {
    INFO(host);
    CHECK(CheckHostReadsAsWritten("targetUrl", host).ok());
  }
}

TEST_CASE("Look-alike and broken international host names are refused, naming the field") {
  for (const char* host :
       {"xn--pple-43d.com" /* аpple: Cyrillic а among Latin */, "xn--pypal-4ve.com" /* pаypal */,
        "xn--80ak6aa92e.com" /* аррӏе: all Cyrillic, reads as apple */, "login.xn--80ak6aa92e.com",
        "xn--zz.com" /* not punycode */, "xn--.com"}) {
    INFO(host);
    const absl::Status s = CheckHostReadsAsWritten("targetUrl", host);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    REQUIRE(!core::FieldViolations(s).empty());
    CHECK(core::FieldViolations(s).at(0).field == "targetUrl");
  }
  const absl::Status apple = CheckHostReadsAsWritten("targetUrl", "xn--80ak6aa92e.com");
  CHECK(apple.message().find("look like Latin") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::text
