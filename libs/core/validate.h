// Input validation shared by services: each returns INVALID_ARGUMENT naming
// the field and saying what is accepted, or OK.
#ifndef QRCLOUD_LIBS_CORE_VALIDATE_H_
#define QRCLOUD_LIBS_CORE_VALIDATE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qrcloud::core {

// Length in Unicode code points, not bytes; an error for invalid UTF-8.
absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t min_chars,
                          size_t max_chars);

// An e-mail address: local@domain.tld, at most 254 characters, no spaces.
absl::Status ValidateEmail(absl::string_view field, absl::string_view value);

// The host of an http(s) URL: lower case, without user info, port or a
// trailing dot (an IPv6 literal keeps its brackets); "" if there is none.
std::string UrlHost(absl::string_view url);

// True for an IPv4 or IPv6 literal (also the numeric forms browsers accept,
// such as 2130706433 or 0x7f.1): a link that names no domain.
bool IsIpLiteral(absl::string_view host);

// ValidateWebUrl, and a place the platform may send people to from its own
// domain: a public domain name, written in ASCII (an international name in
// its xn-- form). Refused: IP literals in any notation ("links to a bare IP
// address"), names of one label and internal names (localhost, *.local,
// *.localhost, *.internal, *.lan, *.home.arpa, *.corp).
absl::Status ValidateOutboundUrl(absl::string_view field, absl::string_view url);

// A phone number: optional leading '+', then 6 to 15 digits; spaces and
// dashes between digits are allowed.
absl::Status ValidatePhone(absl::string_view field, absl::string_view value);

// An absolute http or https URL with a host, at most 2048 characters. Refuses
// every other scheme (javascript:, data:, file:, ...) and scheme-less text.
absl::Status ValidateWebUrl(absl::string_view field, absl::string_view value);

// Latitude in [-90, 90] and longitude in [-180, 180], both finite.
absl::Status ValidateLatLng(absl::string_view field, double lat, double lng);

size_t Utf8Length(absl::string_view s);
bool IsValidUtf8(absl::string_view s);
// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string ToValidUtf8(absl::string_view s);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_VALIDATE_H_
