#include "libs/core/encoding.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace qrcloud::core {

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) abort();  // no safe randomness: nothing secure can run
}

std::string HexEncode(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  char* p = out.data();
  for (unsigned char c : bytes) {
    *p++ = kDigits[c >> 4];
    *p++ = kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> HexDecode(absl::string_view hex) {
  EnsureSodium();
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != out.size()) {
    return std::nullopt;
  }
  return out;
}

std::string Base64UrlEncode(absl::string_view bytes) {
  EnsureSodium();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

std::optional<std::string> Base64UrlDecode(absl::string_view text) {
  EnsureSodium();
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string Sha256(absl::string_view data) {
  EnsureSodium();
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

std::string Sha256Hex(absl::string_view data) { return HexEncode(Sha256(data)); }

std::string KeyedHashHex(absl::string_view key, absl::string_view data, size_t bytes) {
  EnsureSodium();
  unsigned char out[crypto_generichash_BYTES_MAX];
  bytes = std::clamp<size_t>(bytes, crypto_generichash_BYTES_MIN, crypto_generichash_BYTES_MAX);
  key = key.substr(0, crypto_generichash_KEYBYTES_MAX);
  crypto_generichash(out, bytes, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return HexEncode(absl::string_view(reinterpret_cast<const char*>(out), bytes));
}

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string HtmlErrorPage(absl::string_view message) {
  return absl::StrCat(
      "<!doctype html><html lang=\"zh\"><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width,initial-scale=1\"><link rel=\"icon\" "
      "href=\"data:,\"><title>qrcloud</title><body "
      "style=\"font-family:sans-serif;padding:1.5em\"><h1>😕</h1><p id=\"error\">",
      HtmlEscape(message), "</p></body></html>");
}

}  // namespace qrcloud::core
