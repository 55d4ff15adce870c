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
  // Before a password is checked: counts the attempt for `login` from
  // `address` (signin_rules.h), or refuses it with core::RetryAfter while
  // any of its tiers must still wait. Attempts are counted atomically, so a
  // burst of parallel guesses cannot slip past the count.
  virtual absl::Status Begin(absl::string_view login, absl::string_view address) = 0;
  // The password was right: the attempt's count is taken back.
  virtual void Succeeded(absl::string_view login, absl::string_view address) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_SESSIONS_H_
