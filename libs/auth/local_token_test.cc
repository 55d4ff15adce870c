#include "libs/auth/local_token.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace qrcloud::auth {
namespace {

std::string TempDir() {
  std::string tmpl = "/tmp/qrcloud-local-token-XXXXXX";
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  return tmpl;
}

TEST_CASE("A local token is made once, 0600, and read back the same") {
  const std::string path = TempDir() + "/desk-token";
  auto first = LoadOrCreateLocalToken(path);
  REQUIRE(first.ok());
  CHECK(first->rfind("qrd_", 0) == 0);
  CHECK(first->size() == 4 + 43);
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = LoadOrCreateLocalToken(path);
  REQUIRE(again.ok());
  CHECK(*again == *first);
}

TEST_CASE("A file that holds no token is refused, naming it") {
  const std::string path = TempDir() + "/desk-token";
  std::ofstream(path) << "hunter2\n";
  auto token = LoadOrCreateLocalToken(path);
  REQUIRE(token.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(token.status().message().find(path) != std::string::npos);
  CHECK(token.status().message().find("hunter2") == std::string::npos);
}

TEST_CASE("Only the file's token authenticates, as the principal given") {
  const std::string path = TempDir() + "/desk-token";
  Principal desk;
  desk.account_id = "desk";
  desk.Grant(Role::kMerchantStaff);
  auto auth = LocalTokenAuthenticator::Open(path, desk);
  REQUIRE(auth.ok());
  auto token = LoadOrCreateLocalToken(path);
  REQUIRE(token.ok());

  auto who = (*auth)->Authenticate(absl::StrCat("Bearer ", *token));
  REQUIRE(who.ok());
  CHECK(who->account_id == "desk");
  CHECK(who->credential == "local_token");
  CHECK(who->Has(Role::kMerchantStaff));

  std::string forged = *token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string(), std::string("Basic abc"), absl::StrCat("Bearer ", forged),
        absl::StrCat("Bearer ", token->substr(0, token->size() - 1)),
        std::string("Bearer qrs_x")}) {
    auto refused = (*auth)->Authenticate(bad);
    INFO(bad);
    CHECK(refused.status().code() == absl::StatusCode::kUnauthenticated);
    // The message never carries the token.
    CHECK(refused.status().message().find(*token) == std::string::npos);
  }
}

TEST_CASE("Constant-time equality is equality") {
  CHECK(ConstantTimeEquals("", ""));
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace qrcloud::auth
