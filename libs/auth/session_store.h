// Sign-in sessions: opaque 256-bit bearer tokens, stored in Redis only as
// their SHA-256, mapped to the principal, with a time to live.
#ifndef QRCLOUD_LIBS_AUTH_SESSION_STORE_H_
#define QRCLOUD_LIBS_AUTH_SESSION_STORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/cache/redis.h"
#include "libs/core/clock.h"

namespace qrcloud::auth {

inline constexpr absl::string_view kSessionTokenPrefix = "qrs_";

struct Session {
  std::string token;  // shown to the client once; never stored
  absl::Time expire_time;
};

class SessionStore {
 public:
  SessionStore(cache::RedisPool& redis, const core::Clock& clock, absl::Duration ttl)
      : redis_(redis), clock_(clock), ttl_(ttl) {}

  absl::StatusOr<Session> Create(const Principal& principal);
  // UNAUTHENTICATED for an unknown, expired or revoked token; UNAVAILABLE if
  // Redis cannot be reached.
  absl::StatusOr<Principal> Lookup(absl::string_view token);
  absl::Status Revoke(absl::string_view token) { return RevokeHash(TokenHash(token)); }
  // Revokes by the token's hash (Principal::token_hash), for sign-out.
  absl::Status RevokeHash(absl::string_view token_hash);
  // Signs the account out everywhere (after a password change, say).
  absl::Status RevokeAll(absl::string_view account_id);

  static std::string TokenHash(absl::string_view token);

 private:
  cache::RedisPool& redis_;
  const core::Clock& clock_;
  absl::Duration ttl_;
};

}  // namespace qrcloud::auth

#endif  // QRCLOUD_LIBS_AUTH_SESSION_STORE_H_
