#include "libs/core/validate.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::core {

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    int extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

size_t Utf8Length(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xc0) != 0x80) ++n;
  }
  return n;
}

absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t min_chars,
                          size_t max_chars) {
  if (!IsValidUtf8(value)) return InvalidField(field, "is not valid UTF-8 text");
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

}  // namespace qrcloud::core
