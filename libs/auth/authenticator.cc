#include "libs/auth/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/encoding.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace qrcloud::auth {
namespace {

std::string ApiKeyCacheKey(absl::string_view hash) { return absl::StrCat("qrcloud:apikey:", hash); }

}  // namespace

NewApiKey GenerateApiKey() {
  NewApiKey k;
  k.secret = absl::StrCat(kApiKeyPrefix, core::RandomBase64Url(32));
  k.hash = core::Sha256Hex(k.secret);
  k.prefix = k.secret.substr(0, 12);
  return k;
}

absl::string_view Authenticator::BearerToken(absl::string_view authorization) {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (authorization.size() < 7 || !absl::EqualsIgnoreCase(authorization.substr(0, 7), "Bearer ")) {
    return {};
  }
  return absl::StripAsciiWhitespace(authorization.substr(7));
}

absl::StatusOr<Principal> Authenticator::Authenticate(absl::string_view authorization) {
  if (absl::StripAsciiWhitespace(authorization).empty()) {
    return absl::UnauthenticatedError(
        "this call needs credentials: send \"Authorization: Bearer <token>\" with a session token "
        "from POST /v1/sessions or an API key");
  }
  absl::string_view token = BearerToken(authorization);
  if (token.empty()) {
    return absl::UnauthenticatedError("the Authorization header must read \"Bearer <token>\"");
  }
  if (absl::StartsWith(token, kSessionTokenPrefix) && sessions_ != nullptr) {
    return sessions_->Lookup(token);
  }
  if (absl::StartsWith(token, kApiKeyPrefix)) return AuthenticateApiKey(token);
  return absl::UnauthenticatedError("the bearer token is not a qrcloud session token or API key");
}

absl::StatusOr<Principal> Authenticator::AuthenticateApiKey(absl::string_view key) {
  if (redis_ == nullptr) return absl::UnauthenticatedError("this process takes no API keys");
  const std::string hash = core::Sha256Hex(key);
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply cached, redis_->Command({"GET", ApiKeyCacheKey(hash)}));
  std::optional<Principal> p;
  if (!cached.is_nil()) {
    p = Principal::Parse(cached.view());
  } else if (resolver_ != nullptr) {
    auto resolved = resolver_->ResolveApiKey(hash);
    if (resolved.status().code() == absl::StatusCode::kNotFound) {
      return absl::UnauthenticatedError("the API key is unknown or was revoked");
    }
    if (!resolved.ok()) return resolved.status();
    p = *resolved;
    (void)redis_->Command({"SET", ApiKeyCacheKey(hash), p->Serialize(), "EX",
                           absl::StrCat(absl::ToInt64Seconds(cache_ttl_))});
  }
  if (!p) return absl::UnauthenticatedError("the API key is unknown or was revoked");
  p->credential = "api_key";
  return *p;
}

absl::Status Authenticator::ForgetApiKey(absl::string_view key_hash) {
  if (redis_ == nullptr) return absl::OkStatus();
  return redis_->Command({"DEL", ApiKeyCacheKey(key_hash)}).status();
}

}  // namespace qrcloud::auth
