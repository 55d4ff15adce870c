#include "libs/rpc/secret_fields.h"

#include <catch2/catch.hpp>

#include "qrcloud/v1/auth.pb.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::rpc {
namespace {

TEST_CASE("Fields marked secret in the contracts are found and cleared, the rest kept") {
  v1::CreateApiKeyResponse key;
  key.mutable_api_key()->set_id("k1");
  key.set_secret("qrk_the_whole_key");
  CHECK(HasSecretFields(key.GetDescriptor()));
  ClearSecretFields(key);
  CHECK(key.secret().empty());
  CHECK(key.api_key().id() == "k1");

  v1::CreateSessionRequest signin;
  signin.set_login("a@example.com");
  signin.set_password("correct-horse");
  ClearSecretFields(signin);
  CHECK(signin.password().empty());
  CHECK(signin.login() == "a@example.com");

  CHECK_FALSE(HasSecretFields(v1::Merchant::descriptor()));
  CHECK_FALSE(HasSecretFields(v1::CreateApiKeyRequest::descriptor()));
}

}  // namespace
}  // namespace qrcloud::rpc
