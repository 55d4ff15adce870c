// What sign-in and sign-out need besides the accounts, as the auth logic
// sees it: sessions made and revoked, revoked API keys dropped from the
// authenticator's cache, and the count of failed sign-ins. Redis in the
// service (redis_sessions.h), memory in unit tests.
#ifndef QRCLOUD_SERVICES_CENTER_SESSIONS_H_
#define QRCLOUD_SERVICES_CENTER_SESSIONS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/principal.h"
#include "libs/auth/session_store.h"

namespace qrcloud::center {

class SessionIssuer {
 public:
  virtual ~SessionIssuer() = default;
  virtual absl::StatusOr<auth::Session> Create(const auth::Principal& principal) = 0;
  // Signs one session out, by its token's hash.
  virtual absl::Status Revoke(absl::string_view token_hash) = 0;
  // A revoked key stops working at once, not when its cache entry expires.
  virtual absl::Status ForgetApiKey(absl::string_view key_hash) = 0;
};

class SignInThrottle {
 public:
  virtual ~SignInThrottle() = default;
  // RESOURCE_EXHAUSTED saying when to try again, when the login has failed
  // too often lately.
  virtual absl::Status Check(absl::string_view login) = 0;
  virtual void Failed(absl::string_view login) = 0;
  virtual void Succeeded(absl::string_view login) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_SESSIONS_H_
