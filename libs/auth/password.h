// Password hashing with argon2id (libsodium crypto_pwhash).
#ifndef QRCLOUD_LIBS_AUTH_PASSWORD_H_
#define QRCLOUD_LIBS_AUTH_PASSWORD_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace qrcloud::auth {

inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kMaxPasswordLength = 128;

// INVALID_ARGUMENT naming the field "password" unless 8..128 characters
// (counted as UTF-8 code points).
absl::Status ValidatePassword(absl::string_view password);

// ValidatePassword, and a password that is not easily guessed: not blank,
// not one character repeated, not a run such as 12345678 or hgfedcba, not
// the login nor its part before "@", and neither one of the common passwords
// nor a dictionary word (compared lower-case, also with digits and symbols
// at the end taken off: "Sunshine2024!" is "sunshine"). The message says
// which, and what to do instead.
absl::Status ValidateNewPassword(absl::string_view password, absl::string_view login);

// The common passwords and dictionary words refused, one per line, lower
// case (built from Debian's john-data and cracklib-runtime).
std::string_view CommonPasswordsText();

// Argon2id takes 64 MiB (libsodium's interactive limit) while it runs. The
// hashes and verifications of one process share a memory budget: at most
// budget / 64 MiB of them run at once, whatever the number of worker threads;
// the others wait their turn for up to kHashingQueueWait, then get
// UNAVAILABLE with a RetryInfo of a second. The default, 192 MiB (three at
// once), keeps a burst of sign-ins inside the center's 512 Mi pod limit.
inline constexpr size_t kHashMemoryBytes = 64u << 20;
inline constexpr size_t kDefaultHashingBudgetBytes = 3 * kHashMemoryBytes;
inline constexpr absl::Duration kHashingQueueWait = absl::Seconds(5);
// Sets the budget (at least one hash's worth). Call at start, before hashing.
void SetHashingMemoryBudget(size_t bytes);
// How many hashes run at once under the budget, and the most that ever did.
int HashingSlots();
int HashingPeak();

// An encoded argon2id hash ("$argon2id$v=19$m=…"), salted, with libsodium's
// interactive limits (about 64 MiB, a few tens of milliseconds).
absl::StatusOr<std::string> HashPassword(absl::string_view password);

// True if `password` matches `encoded_hash`. Constant-time in the password.
// UNAVAILABLE when the hashing budget stayed full for kHashingQueueWait.
absl::StatusOr<bool> VerifyPassword(absl::string_view encoded_hash, absl::string_view password);

// Spends the same effort as a real verification, for unknown logins, so the
// response time does not tell whether an account exists.
absl::Status BurnPasswordCheck(absl::string_view password);

}  // namespace qrcloud::auth

#endif  // QRCLOUD_LIBS_AUTH_PASSWORD_H_
