// Byte and text encodings used across services: hex, base64url, SHA-256, HTML
// text.
#ifndef QRCLOUD_LIBS_CORE_ENCODING_H_
#define QRCLOUD_LIBS_CORE_ENCODING_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"

namespace qrcloud::core {

// Initialises libsodium once per process; cheap to call again. Every use of
// libsodium in qrcloud goes through a function that calls this first.
void EnsureSodium();

std::string HexEncode(absl::string_view bytes);
std::optional<std::string> HexDecode(absl::string_view hex);

// RFC 4648 section 5, without padding.
std::string Base64UrlEncode(absl::string_view bytes);
std::optional<std::string> Base64UrlDecode(absl::string_view text);

// SHA-256 of `data`, as 32 raw bytes.
std::string Sha256(absl::string_view data);
// SHA-256 of `data`, as 64 lower-case hex characters.
std::string Sha256Hex(absl::string_view data);
// BLAKE2b of `data` keyed with (up to 64 bytes of) `key`, `bytes` long
// (16..64 bytes; clamped), in lowercase hex.
std::string KeyedHashHex(absl::string_view key, absl::string_view data, size_t bytes);

// `text` for HTML element content and quoted attribute values: & < > " '
// as character references, everything else as it is.
std::string HtmlEscape(absl::string_view text);

// A small page for a phone that opened a link that failed (a rotated table
// code, a page that is gone): `message` as text, escaped.
std::string HtmlErrorPage(absl::string_view message);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_ENCODING_H_
