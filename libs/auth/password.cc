#include "libs/auth/password.h"

#include <sodium.h>

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/encoding.h"
#include "libs/core/status.h"

namespace qrcloud::auth {
namespace {

size_t CodePoints(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xc0) != 0x80) ++n;
  }
  return n;
}

// The hashing budget as a counting semaphore.
class HashingSlotsGate {
 public:
  void SetSlots(int slots) {
    absl::MutexLock lock(&mu_);
    slots_ = slots;
  }
  int slots() {
    absl::MutexLock lock(&mu_);
    return slots_;
  }
  int peak() {
    absl::MutexLock lock(&mu_);
    return peak_;
  }
  // False if no slot came free within `wait`.
  bool Acquire(absl::Duration wait) {
    absl::MutexLock lock(&mu_);
    auto free = [this] { return busy_ < slots_; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&free), wait)) return false;
    ++busy_;
    peak_ = std::max(peak_, busy_);
    return true;
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    --busy_;
  }

 private:
  absl::Mutex mu_;
  int slots_ = static_cast<int>(kDefaultHashingBudgetBytes / kHashMemoryBytes);
  int busy_ = 0;
  int peak_ = 0;
};

HashingSlotsGate& Gate() {
  static auto* gate = new HashingSlotsGate;
  return *gate;
}

// Runs `hash` inside the budget.
template <typename F>
auto WithinBudget(F hash) -> absl::StatusOr<decltype(hash())> {
  if (!Gate().Acquire(kHashingQueueWait)) {
    return core::RetryAfter(absl::Seconds(1),
                            "too many sign-ins and registrations at once; try again in a second",
                            absl::StatusCode::kUnavailable);
  }
  auto result = hash();
  Gate().Release();
  return result;
}

}  // namespace

void SetHashingMemoryBudget(size_t bytes) {
  Gate().SetSlots(static_cast<int>(std::max<size_t>(1, bytes / kHashMemoryBytes)));
}

int HashingSlots() { return Gate().slots(); }
int HashingPeak() { return Gate().peak(); }

absl::Status ValidatePassword(absl::string_view password) {
  const size_t n = CodePoints(password);
  if (n < kMinPasswordLength || n > kMaxPasswordLength) {
    return core::InvalidField(
        "password", absl::StrCat("must be ", kMinPasswordLength, " to ", kMaxPasswordLength,
                                 " characters long (got ", n, ")"));
  }
  return absl::OkStatus();
}

namespace {

const absl::flat_hash_set<absl::string_view>& CommonPasswords() {
  static const auto* set = [] {
    const std::string_view text = CommonPasswordsText();
    auto* out = new absl::flat_hash_set<absl::string_view>;
    for (absl::string_view line :
         absl::StrSplit(absl::string_view(text.data(), text.size()), '\n', absl::SkipEmpty())) {
      out->insert(line);
    }
    return out;
  }();
  return *set;
}

// Each character one more, or each one less, than the one before.
bool IsRun(absl::string_view s) {
  bool up = true, down = true;
  for (size_t i = 1; i < s.size(); ++i) {
    up = up && s[i] == s[i - 1] + 1;
    down = down && s[i] == s[i - 1] - 1;
  }
  return up || down;
}

absl::Status Weak(absl::string_view why) {
  return core::InvalidField("password",
                            absl::StrCat(why,
                                         "; choose one that is hard to guess, for example three or "
                                         "four unrelated words"));
}

}  // namespace

absl::Status ValidateNewPassword(absl::string_view password, absl::string_view login) {
  QRCLOUD_RETURN_IF_ERROR(ValidatePassword(password));
  const std::string lower = absl::AsciiStrToLower(password);
  if (absl::StripAsciiWhitespace(lower).empty()) return Weak("is only spaces");
  if (lower.find_first_not_of(lower[0]) == std::string::npos) {
    return Weak("is one character repeated");
  }
  if (IsRun(lower)) return Weak("is a simple run of characters, like 12345678 or abcdefgh");
  const std::string login_lower = absl::AsciiStrToLower(login);
  const std::string local = login_lower.substr(0, login_lower.find('@'));
  if (lower == login_lower || (local.size() >= 4 && lower.find(local) != std::string::npos)) {
    return Weak("contains the login");
  }
  // Digits and symbols added at the end do not make a common password rare.
  absl::string_view base = lower;
  while (!base.empty() && !absl::ascii_isalpha(static_cast<unsigned char>(base.back()))) {
    base.remove_suffix(1);
  }
  const auto& common = CommonPasswords();
  if (common.contains(lower) || (base.size() >= 4 && common.contains(base))) {
    return Weak("is one of the most common passwords or a dictionary word, which are tried first");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  static_assert(crypto_pwhash_MEMLIMIT_INTERACTIVE <= kHashMemoryBytes);
  core::EnsureSodium();
  QRCLOUD_ASSIGN_OR_RETURN(std::string hash, WithinBudget([&]() -> std::string {
                             char out[crypto_pwhash_STRBYTES];
                             if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                                                       crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                       crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                                       crypto_pwhash_ALG_ARGON2ID13) != 0) {
                               return "";
                             }
                             return std::string(out);
                           }));
  if (hash.empty()) return absl::ResourceExhaustedError("out of memory while hashing a password");
  return hash;
}

absl::StatusOr<bool> VerifyPassword(absl::string_view encoded_hash, absl::string_view password) {
  core::EnsureSodium();
  const std::string hash(encoded_hash);  // must be NUL-terminated
  return WithinBudget([&] {
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  });
}

absl::Status BurnPasswordCheck(absl::string_view password) {
  static const std::string* dummy = [] {
    auto h = HashPassword("qrcloud-timing-equaliser");
    return new std::string(h.ok() ? *h : "");
  }();
  return VerifyPassword(*dummy, password).status();
}

}  // namespace qrcloud::auth
