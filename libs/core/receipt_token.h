// Receipt tokens: what the receipt QR carries. Compact, signed with Ed25519,
// and written in the QR alphanumeric character set (RFC 4648 base32, upper
// case), so the code stays small and any holder of the platform's public key
// — the center, a landing node offline, the CLI — can check it.
//
// Layout before encoding: version (1 byte) · order id · campaign id ·
// merchant id (16 bytes each, the ULIDs' bits) · expiry (Unix minutes,
// 4 bytes) · signature (64 bytes) over everything before it.
#ifndef QRCLOUD_LIBS_CORE_RECEIPT_TOKEN_H_
#define QRCLOUD_LIBS_CORE_RECEIPT_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace qrcloud::core {

struct ReceiptClaims {
  std::string order_id;
  std::string campaign_id;
  std::string merchant_id;
  absl::Time expire_time;
};

class ReceiptSigner {
 public:
  // From a 32-byte Ed25519 seed; INVALID_ARGUMENT for another length.
  static absl::StatusOr<ReceiptSigner> FromSeed(absl::string_view seed);
  // A fresh random seed.
  static std::string NewSeed();

  absl::StatusOr<std::string> Sign(const ReceiptClaims& claims) const;
  const std::string& public_key() const { return public_key_; }

 private:
  std::string secret_key_;  // 64 bytes, libsodium's form
  std::string public_key_;  // 32 bytes
};

// Checks the signature with `public_key` and decodes the claims. Expiry is
// not checked here (the caller knows the time): INVALID_ARGUMENT naming
// "token" only for a token that is malformed or not genuine.
absl::StatusOr<ReceiptClaims> VerifyReceipt(absl::string_view token, absl::string_view public_key);

// A ULID's 128 bits and back.
absl::StatusOr<std::string> IdToBytes(absl::string_view id);
std::string IdFromBytes(absl::string_view bytes);

// RFC 4648 base32 (A-Z, 2-7), no padding: inside the QR alphanumeric set.
std::string Base32Encode(absl::string_view bytes);
absl::StatusOr<std::string> Base32Decode(absl::string_view text);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_RECEIPT_TOKEN_H_
