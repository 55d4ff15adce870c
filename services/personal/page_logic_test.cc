// A person's pages as the service serves them: each of the three, in either
// language, the same for everyone, and nothing else under /me/.
#include "services/personal/page_logic.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"

namespace qrcloud::personal {
namespace {

google::api::HttpBody Get(PageLogic& logic, const std::string& page, const std::string& lang,
                          const rpc::CallContext& call = {}) {
  v1::GetPersonalPageRequest req;
  req.set_page(page);
  req.set_lang(lang);
  google::api::HttpBody body;
  const absl::Status s = logic.GetPage(call, req, body);
  INFO(s.message());
  REQUIRE(s.ok());
  return body;
}

TEST_CASE("The wallet, reminders and feed pages are served as HTML in either language") {
  PageLogic logic("https://q.example");
  for (const std::string page : {"wallet", "reminders", "feed"}) {
    INFO(page);
    const google::api::HttpBody zh = Get(logic, page, "");
    CHECK(zh.content_type() == "text/html; charset=utf-8");
    CHECK(absl::StartsWith(zh.data(), "<!doctype html>"));
    CHECK(absl::StrContains(zh.data(), "<html lang=\"zh-CN\">"));
    CHECK(absl::StrContains(zh.data(), absl::StrCat("\"page\":\"", page, "\"")));
    CHECK(absl::StrContains(Get(logic, page, "en-GB").data(), "<html lang=\"en\">"));
  }
  CHECK(
      absl::StrContains(Get(logic, "feed", "en").data(), "\"mediaOrigin\":\"https://q.example\""));
}

TEST_CASE("A person's page is the same for a signed-in person as for anyone") {
  PageLogic logic("https://q.example");
  auth::Principal alice{.account_id = "01jalice000000000000000000", .kind = "PERSON"};
  rpc::CallContext signed_in;
  signed_in.principal = &alice;
  const google::api::HttpBody mine = Get(logic, "wallet", "zh", signed_in);
  CHECK(mine.data() == Get(logic, "wallet", "zh").data());
  CHECK_FALSE(absl::StrContains(mine.data(), alice.account_id));
}

TEST_CASE("Any other page under /me/ is not found, naming the pages there are") {
  PageLogic logic("https://q.example");
  for (const std::string page : {"", "history", "Wallet", "profile"}) {
    v1::GetPersonalPageRequest req;
    req.set_page(page);
    google::api::HttpBody body;
    const absl::Status s = logic.GetPage({}, req, body);
    CHECK(s.code() == absl::StatusCode::kNotFound);
    CHECK_THAT(std::string(s.message()),
               Catch::Contains("/me/" + page + ";") &&
                   Catch::Contains("/me/wallet, /me/reminders and /me/feed"));
    CHECK(body.data().empty());
  }
}

}  // namespace
}  // namespace qrcloud::personal
