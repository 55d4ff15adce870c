// Turns the bearer credential of a call into a Principal: session tokens
// (qrs_…) from the SessionStore, API keys (qrk_…) from a Redis cache in front
// of the owning service's store.
#ifndef QRCLOUD_LIBS_AUTH_AUTHENTICATOR_H_
#define QRCLOUD_LIBS_AUTH_AUTHENTICATOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/auth/session_store.h"
#include "libs/cache/redis.h"

namespace qrcloud::auth {

inline constexpr absl::string_view kApiKeyPrefix = "qrk_";

struct NewApiKey {
  std::string secret;  // the whole key, shown once
  std::string hash;    // what is stored: SHA-256 hex of the secret
  std::string prefix;  // the first 12 characters, to tell keys apart in lists
};
NewApiKey GenerateApiKey();

// Finds the principal of an API key by its hash, in the service that owns the
// keys (the center's MySQL). NOT_FOUND if there is none or it was revoked.
class ApiKeyResolver {
 public:
  virtual ~ApiKeyResolver() = default;
  virtual absl::StatusOr<Principal> ResolveApiKey(absl::string_view key_hash) = 0;
};

class Authenticator {
 public:
  // `resolver` may be null in services that do not own keys: those accept only
  // keys already cached in Redis.
  Authenticator(SessionStore& sessions, cache::RedisPool& redis, ApiKeyResolver* resolver,
                absl::Duration api_key_cache_ttl = absl::Minutes(5))
      : sessions_(&sessions), redis_(&redis), resolver_(resolver), cache_ttl_(api_key_cache_ttl) {}
  virtual ~Authenticator() = default;

  // Where keys not in the cache are looked up (the service that owns them);
  // before the first call.
  void set_resolver(ApiKeyResolver* resolver) { resolver_ = resolver; }

  // `authorization` is the Authorization header or metadata value. Errors:
  // UNAUTHENTICATED (missing, malformed, unknown), UNAVAILABLE (Redis or the
  // key store down).
  // A process without sessions or Redis (an on-premise node) authenticates
  // its own way instead (LocalTokenAuthenticator, local_token.h).
  virtual absl::StatusOr<Principal> Authenticate(absl::string_view authorization);

  // Drops a revoked key from the cache at once.
  absl::Status ForgetApiKey(absl::string_view key_hash);

  // The token from "Bearer <token>", or "" if the value has another shape.
  static absl::string_view BearerToken(absl::string_view authorization);

 protected:
  // For an authenticator of its own, without sessions, Redis or API keys.
  Authenticator() = default;

 private:
  absl::StatusOr<Principal> AuthenticateApiKey(absl::string_view key);

  SessionStore* sessions_ = nullptr;
  cache::RedisPool* redis_ = nullptr;
  ApiKeyResolver* resolver_ = nullptr;
  absl::Duration cache_ttl_;
};

}  // namespace qrcloud::auth

#endif  // QRCLOUD_LIBS_AUTH_AUTHENTICATOR_H_
