#include "libs/core/validate.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "libs/core/status.h"

namespace qrcloud::core {

namespace {

// The length of the valid UTF-8 sequence starting at s[i], or 0 if none.
size_t SequenceAt(absl::string_view s, size_t i) {
  const unsigned char c = s[i];
  if (c < 0x80) return 1;
  size_t extra;
  uint32_t cp;
  if ((c & 0xe0) == 0xc0) {
    extra = 1;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    extra = 2;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    extra = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + extra >= s.size()) return 0;  // truncated sequence
  for (size_t k = 1; k <= extra; ++k) {
    const unsigned char cc = s[i + k];
    if ((cc & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
      (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
    return 0;
  }
  return extra + 1;
}

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  // Every response string passes here (the gateway's JSON): the common
  // cases go first, the rest through SequenceAt.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t size = s.size();
  for (size_t i = 0; i < size;) {
    if (p[i] < 0x80) {
      // ASCII, eight bytes at a time.
      for (uint64_t w; i + 8 <= size; i += 8) {
        std::memcpy(&w, p + i, 8);
        if ((w & 0x8080808080808080ull) != 0) break;
      }
      while (i < size && p[i] < 0x80) ++i;
      continue;
    }
    // Most of Chinese: a lead byte E1–EC or EE–EF and two continuation
    // bytes are always well formed (no overlong form, no surrogate).
    if (i + 2 < size && ((p[i] >= 0xe1 && p[i] <= 0xec) || p[i] >= 0xee) && p[i] <= 0xef &&
        (p[i + 1] & 0xc0) == 0x80 && (p[i + 2] & 0xc0) == 0x80) {
      i += 3;
      continue;
    }
    const size_t n = SequenceAt(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string ToValidUtf8(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = SequenceAt(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return out;
}

size_t Utf8Length(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xc0) != 0x80) ++n;
  }
  return n;
}

namespace {

// Characters no text field may hold: C0 controls but tab and newline, DEL,
// C1 controls, the line and paragraph separators (they end a JavaScript
// string), and the bidirectional embeddings, overrides and isolates (they
// make text read differently from what it is).
bool Forbidden(uint32_t c) {
  return (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
         c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// The first forbidden character of valid UTF-8 `s` and its 1-based place.
std::optional<std::pair<uint32_t, size_t>> FirstForbidden(absl::string_view s) {
  size_t place = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    const int len = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    uint32_t c = len == 1 ? b : b & (0xff >> (len + 1));
    for (int k = 1; k < len; ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    ++place;
    if (Forbidden(c)) return std::make_pair(c, place);
    i += static_cast<size_t>(len);
  }
  return std::nullopt;
}

}  // namespace

absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t min_chars,
                          size_t max_chars) {
  if (!IsValidUtf8(value)) return InvalidField(field, "is not valid UTF-8 text");
  if (auto bad = FirstForbidden(value)) {
    return InvalidField(field, absl::StrFormat("holds U+%04X at character %d: control, line-"
                                               "separator and bidirectional-override characters "
                                               "are not accepted in text",
                                               bad->first, bad->second));
  }
  const size_t n = Utf8Length(value);
  if (n < min_chars) {
    return InvalidField(field, min_chars == 1 ? std::string("is required")
                                              : absl::StrCat("must be at least ", min_chars,
                                                             " characters (got ", n, ")"));
  }
  if (n > max_chars) {
    return InvalidField(field,
                        absl::StrCat("must be at most ", max_chars, " characters (got ", n, ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEmail(absl::string_view field, absl::string_view value) {
  const auto bad = [&] {
    return InvalidField(field, "must be an e-mail address such as shop@example.com");
  };
  if (value.size() > 254 || value.size() < 6) return bad();
  const size_t at = value.find('@');
  if (at == absl::string_view::npos || at == 0 ||
      value.find('@', at + 1) != absl::string_view::npos) {
    return bad();
  }
  absl::string_view domain = value.substr(at + 1);
  const size_t dot = domain.rfind('.');
  if (dot == absl::string_view::npos || dot == 0 || dot + 2 > domain.size()) return bad();
  for (char c : value) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return bad();
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePhone(absl::string_view field, absl::string_view value) {
  int digits = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c == '+' && i == 0) {
    } else if ((c == ' ' || c == '-') && digits > 0) {
    } else {
      digits = -1;
      break;
    }
  }
  if (digits < 6 || digits > 15) {
    return InvalidField(field, "must be a phone number: an optional '+' and 6 to 15 digits");
  }
  return absl::OkStatus();
}

absl::Status ValidateWebUrl(absl::string_view field, absl::string_view value) {
  if (value.size() > 2048) return InvalidField(field, "must be at most 2048 characters");
  const std::string lower = absl::AsciiStrToLower(value);
  absl::string_view rest;
  if (absl::StartsWith(lower, "https://")) {
    rest = value.substr(8);
  } else if (absl::StartsWith(lower, "http://")) {
    rest = value.substr(7);
  } else {
    return InvalidField(field,
                        "must be an absolute http:// or https:// URL; other schemes "
                        "(javascript:, data:, file:, ...) are not accepted");
  }
  const size_t end = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, end);
  if (const size_t at = authority.rfind('@'); at != absl::string_view::npos) {
    return InvalidField(field, "must not carry a user name or password before the host");
  }
  absl::string_view host = authority.substr(
      0, authority.rfind(':') == absl::string_view::npos ? authority.size() : authority.rfind(':'));
  if (host.empty()) return InvalidField(field, "must name a host, as in https://example.com/");
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') {
      return InvalidField(field,
                          "must not contain spaces, quotes, angle brackets or backslashes "
                          "(percent-encode them)");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLatLng(absl::string_view field, double lat, double lng) {
  if (!std::isfinite(lat) || lat < -90 || lat > 90) {
    return InvalidField(field.empty() ? std::string("lat") : absl::StrCat(field, ".lat"),
                        "must be a latitude from -90 to 90");
  }
  if (!std::isfinite(lng) || lng < -180 || lng > 180) {
    return InvalidField(field.empty() ? std::string("lng") : absl::StrCat(field, ".lng"),
                        "must be a longitude from -180 to 180");
  }
  return absl::OkStatus();
}

std::string UrlHost(absl::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return "";
  absl::string_view rest = url.substr(scheme_end + 3);
  const std::string authority = absl::AsciiStrToLower(rest.substr(0, rest.find_first_of("/?#")));
  absl::string_view host = authority;
  if (const size_t at = host.rfind('@'); at != absl::string_view::npos) host.remove_prefix(at + 1);
  if (absl::StartsWith(host, "[")) {
    const size_t close = host.find(']');
    return close == absl::string_view::npos ? std::string(host)
                                            : std::string(host.substr(0, close + 1));
  }
  host = host.substr(0, host.find(':'));
  absl::ConsumeSuffix(&host, ".");
  return std::string(host);
}

bool IsIpLiteral(absl::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') return true;
  absl::ConsumeSuffix(&host, ".");
  // Top-level domains never start with a digit; every numeric host form
  // (1.2.3.4, 2130706433, 0x7f.1) ends in a label that does.
  const size_t dot = host.rfind('.');
  absl::string_view last = dot == absl::string_view::npos ? host : host.substr(dot + 1);
  return !last.empty() && absl::ascii_isdigit(static_cast<unsigned char>(last.front()));
}

absl::Status ValidateOutboundUrl(absl::string_view field, absl::string_view url) {
  QRCLOUD_RETURN_IF_ERROR(ValidateWebUrl(field, url));
  const std::string host = UrlHost(url);
  if (IsIpLiteral(host)) {
    return InvalidField(field, absl::StrCat("links to a bare IP address (", host,
                                            "); link to the site by its domain name"));
  }
  for (char c : host) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) {
      return InvalidField(field,
                          "must name its host in ASCII letters, digits, '-' and '.' (an "
                          "international domain name in its xn-- form)");
    }
  }
  static constexpr absl::string_view kInternal[] = {
      ".local", ".localhost", ".internal", ".lan", ".home.arpa", ".corp", ".localdomain"};
  bool internal = host.find('.') == std::string::npos;
  for (absl::string_view suffix : kInternal) {
    internal = internal || absl::EndsWith(absl::StrCat(".", host), suffix);
  }
  if (internal) {
    return InvalidField(field, absl::StrCat("links to ", host,
                                            ", which is not a public domain "
                                            "name; link to a site on the internet"));
  }
  return absl::OkStatus();
}

}  // namespace qrcloud::core
