// How sign-in attempts are slowed down: the rules, apart from where the
// counts are kept (redis_sessions.h) so that they can be tested alone.
//
// Every attempt is counted before its password is checked, against three
// tiers at once: the login from this address, the login from anywhere, and
// the address for any login. Within a tier, the first `free` attempts in the
// window pass at once; after that each attempt makes the next one wait,
// doubling from `base` up to `cap`. A correct password undoes its own count
// and clears the login-from-this-address tier. No tier is a hard lockout: the
// owner of a login that someone else is guessing at waits at most the login
// tier's cap (a minute), and only after many guesses from many addresses.
#ifndef QRCLOUD_SERVICES_CENTER_SIGNIN_RULES_H_
#define QRCLOUD_SERVICES_CENTER_SIGNIN_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace qrcloud::center {

struct ThrottleTier {
  const char* name;  // in keys: "pair", "login", "address"
  int free;          // attempts in the window that never wait
  absl::Duration base;
  absl::Duration cap;
};

// A guesser at one login from one address: five tries, then 1 s, 2 s, 4 s, …
// up to 15 minutes between tries.
inline constexpr ThrottleTier kPairTier{"pair", 5, absl::Seconds(1), absl::Minutes(15)};
// Guesses at one login spread over many addresses slow the login for
// everyone, but never by more than a minute, so its owner still gets in.
inline constexpr ThrottleTier kLoginTier{"login", 20, absl::Seconds(1), absl::Minutes(1)};
// One address guessing at many logins. A shop's staff behind one NAT sign in
// successfully, which does not count.
inline constexpr ThrottleTier kAddressTier{"address", 30, absl::Seconds(1), absl::Minutes(15)};

// Counts are forgotten this long after a tier's last attempt.
inline constexpr absl::Duration kThrottleWindow = absl::Minutes(15);

// The wait imposed on the next attempt after the `attempts`-th one (1-based).
absl::Duration DelayAfter(int attempts, const ThrottleTier& tier);

// DelayAfter(1..steps) in milliseconds; the last entry holds for every
// attempt beyond. `steps` is large enough to reach the cap.
inline constexpr int kThrottleSteps = 48;
std::vector<int64_t> DelayTableMs(const ThrottleTier& tier);

// The part of a throttle key that names a login or an address: a hash, so a
// key's size does not depend on what a client sent.
std::string ThrottleKeyPart(absl::string_view value);

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_SIGNIN_RULES_H_
