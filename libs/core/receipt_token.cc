#include "libs/core/receipt_token.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/encoding.h"
#include "libs/core/status.h"

namespace qrcloud::core {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kClaimsBytes = 1 + 16 * 3 + 4;
constexpr absl::string_view kCrockford = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr absl::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

absl::Status BadToken(absl::string_view why) {
  return InvalidField("token", absl::StrCat("is not a genuine qrcloud receipt (", why, ")"));
}

}  // namespace

std::string Base32Encode(absl::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

absl::StatusOr<std::string> Base32Decode(absl::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const size_t v = kBase32.find(absl::ascii_toupper(static_cast<unsigned char>(c)));
    if (v == absl::string_view::npos) return absl::InvalidArgumentError("not base32");
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  // Canonical only: the bits after the last whole byte are zero, so no two
  // texts decode to the same bytes (an altered last character is refused).
  if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0)
    return absl::InvalidArgumentError("not canonical base32");
  return out;
}

absl::StatusOr<std::string> IdToBytes(absl::string_view id) {
  if (id.size() != 26) return absl::InvalidArgumentError("an id has 26 characters");
  unsigned __int128 v = 0;
  for (char c : id) {
    const size_t d = kCrockford.find(c);
    if (d == absl::string_view::npos) return absl::InvalidArgumentError("not an id");
    v = (v << 5) | d;
  }
  std::string out(16, '\0');
  for (int i = 15; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

std::string IdFromBytes(absl::string_view bytes) {
  unsigned __int128 v = 0;
  for (unsigned char b : bytes) v = (v << 8) | b;
  std::string out(26, '0');
  for (int i = 25; i >= 0; --i) {
    out[i] = kCrockford[static_cast<size_t>(v & 31)];
    v >>= 5;
  }
  return out;
}

std::string ReceiptSigner::NewSeed() {
  EnsureSodium();
  std::string seed(crypto_sign_SEEDBYTES, '\0');
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

absl::StatusOr<ReceiptSigner> ReceiptSigner::FromSeed(absl::string_view seed) {
  EnsureSodium();
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return absl::InvalidArgumentError(
        absl::StrCat("a receipt signing seed has ", crypto_sign_SEEDBYTES, " bytes"));
  }
  ReceiptSigner s;
  s.secret_key_.resize(crypto_sign_SECRETKEYBYTES);
  s.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(s.public_key_.data()),
                           reinterpret_cast<unsigned char*>(s.secret_key_.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  return s;
}

absl::StatusOr<std::string> ReceiptSigner::Sign(const ReceiptClaims& claims) const {
  std::string message(1, static_cast<char>(kVersion));
  for (const std::string* id : {&claims.order_id, &claims.campaign_id, &claims.merchant_id}) {
    QRCLOUD_ASSIGN_OR_RETURN(std::string b, IdToBytes(*id));
    message += b;
  }
  const uint32_t minutes = static_cast<uint32_t>(absl::ToUnixSeconds(claims.expire_time) / 60);
  for (int shift = 24; shift >= 0; shift -= 8)
    message.push_back(static_cast<char>((minutes >> shift) & 0xff));
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key_.data()));
  return Base32Encode(message + signature);
}

absl::StatusOr<ReceiptClaims> VerifyReceipt(absl::string_view token, absl::string_view public_key) {
  EnsureSodium();
  auto raw = Base32Decode(absl::StripAsciiWhitespace(token));
  if (!raw.ok()) return BadToken("it has characters a receipt never has");
  if (raw->size() != kClaimsBytes + crypto_sign_BYTES) return BadToken("wrong length");
  if (static_cast<uint8_t>((*raw)[0]) != kVersion) return BadToken("unknown version");
  const absl::string_view message(raw->data(), kClaimsBytes);
  const absl::string_view signature(raw->data() + kClaimsBytes, crypto_sign_BYTES);
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES ||
      crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                  reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size(),
                                  reinterpret_cast<const unsigned char*>(public_key.data())) != 0) {
    return BadToken("the signature does not match");
  }
  ReceiptClaims c;
  c.order_id = IdFromBytes(message.substr(1, 16));
  c.campaign_id = IdFromBytes(message.substr(17, 16));
  c.merchant_id = IdFromBytes(message.substr(33, 16));
  uint32_t minutes = 0;
  for (int i = 0; i < 4; ++i) minutes = (minutes << 8) | static_cast<uint8_t>(message[49 + i]);
  c.expire_time = absl::FromUnixSeconds(static_cast<int64_t>(minutes) * 60);
  return c;
}

}  // namespace qrcloud::core
