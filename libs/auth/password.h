// Password hashing with argon2id (libsodium crypto_pwhash).
#ifndef QRCLOUD_LIBS_AUTH_PASSWORD_H_
#define QRCLOUD_LIBS_AUTH_PASSWORD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::auth {

inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kMaxPasswordLength = 128;

// INVALID_ARGUMENT naming the field "password" unless 8..128 characters
// (counted as UTF-8 code points).
absl::Status ValidatePassword(absl::string_view password);

// An encoded argon2id hash ("$argon2id$v=19$m=…"), salted, with libsodium's
// interactive limits (about 64 MiB, a few tens of milliseconds).
absl::StatusOr<std::string> HashPassword(absl::string_view password);

// True if `password` matches `encoded_hash`. Constant-time in the password.
bool VerifyPassword(absl::string_view encoded_hash, absl::string_view password);

// Spends the same effort as a real verification, for unknown logins, so the
// response time does not tell whether an account exists.
void BurnPasswordCheck(absl::string_view password);

}  // namespace qrcloud::auth

#endif  // QRCLOUD_LIBS_AUTH_PASSWORD_H_
