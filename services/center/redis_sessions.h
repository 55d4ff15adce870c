// Sessions and the sign-in throttle in Redis: sessions through
// auth::SessionStore (the same store every service's authenticator reads);
// sign-in attempts counted per tier of signin_rules.h in hashes
// `qrcloud:signin:<tier>:<hash>` ({n: attempts, next: when the next may
// come, in Redis's milliseconds}), which expire with the window.
#ifndef QRCLOUD_SERVICES_CENTER_REDIS_SESSIONS_H_
#define QRCLOUD_SERVICES_CENTER_REDIS_SESSIONS_H_

#include "libs/auth/authenticator.h"
#include "libs/auth/session_store.h"
#include "libs/cache/redis.h"
#include "services/center/sessions.h"

namespace qrcloud::center {

class RedisSessionIssuer final : public SessionIssuer {
 public:
  RedisSessionIssuer(auth::SessionStore& sessions, auth::Authenticator& authenticator)
      : sessions_(sessions), authenticator_(authenticator) {}
  absl::StatusOr<auth::Session> Create(const auth::Principal& principal) override {
    return sessions_.Create(principal);
  }
  absl::Status Revoke(absl::string_view token_hash) override {
    return sessions_.RevokeHash(token_hash);
  }
  absl::Status ForgetApiKey(absl::string_view key_hash) override {
    return authenticator_.ForgetApiKey(key_hash);
  }

 private:
  auth::SessionStore& sessions_;
  auth::Authenticator& authenticator_;
};

class RedisSignInThrottle final : public SignInThrottle {
 public:
  explicit RedisSignInThrottle(cache::RedisPool& redis) : redis_(redis) {}
  absl::Status Begin(absl::string_view login, absl::string_view address) override;
  void Succeeded(absl::string_view login, absl::string_view address) override;

 private:
  cache::RedisPool& redis_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_REDIS_SESSIONS_H_
