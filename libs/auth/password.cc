#include "libs/auth/password.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"
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

}  // namespace

absl::Status ValidatePassword(absl::string_view password) {
  const size_t n = CodePoints(password);
  if (n < kMinPasswordLength || n > kMaxPasswordLength) {
    return core::InvalidField(
        "password", absl::StrCat("must be ", kMinPasswordLength, " to ", kMaxPasswordLength,
                                 " characters long (got ", n, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  core::EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("out of memory while hashing a password");
  }
  return std::string(out);
}

bool VerifyPassword(absl::string_view encoded_hash, absl::string_view password) {
  core::EnsureSodium();
  const std::string hash(encoded_hash);  // must be NUL-terminated
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void BurnPasswordCheck(absl::string_view password) {
  static const std::string* dummy = [] {
    auto h = HashPassword("qrcloud-timing-equaliser");
    return new std::string(h.ok() ? *h : "");
  }();
  (void)VerifyPassword(*dummy, password);
}

}  // namespace qrcloud::auth
