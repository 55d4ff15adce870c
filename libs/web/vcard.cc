#include "libs/web/vcard.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/validate.h"

namespace qrcloud::web {
namespace {

// RFC 2426 §2.6: lines SHOULD be at most 75 octets; a longer one continues on
// the next line after CRLF and one space. Breaks fall between UTF-8
// characters so no reader sees half a character.
std::string Folded(absl::string_view line) {
  constexpr size_t kMaxOctets = 75;
  std::string out;
  size_t width = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const bool starts_char = (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
    if (starts_char) {
      size_t len = 1;
      while (i + len < line.size() && (static_cast<unsigned char>(line[i + len]) & 0xC0) == 0x80) {
        ++len;
      }
      if (width + len > kMaxOctets) {
        out += "\r\n ";
        width = 1;
      }
    }
    out.push_back(line[i]);
    ++width;
  }
  return out + "\r\n";
}

void AddLine(std::string* card, absl::string_view name, absl::string_view value) {
  absl::StrAppend(card, Folded(absl::StrCat(name, ":", value)));
}

}  // namespace

std::string VCardEscape(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string VCard(const qrcloud::v1::Merchant& m, const std::string& page_url) {
  const std::string name = VCardEscape(m.display_name());
  std::string card = "BEGIN:VCARD\r\nVERSION:3.0\r\n";
  AddLine(&card, "FN", name);
  // N is required in 3.0; a business has no family/given split, so the whole
  // name goes in the first (family) component.
  AddLine(&card, "N", absl::StrCat(name, ";;;;"));
  AddLine(&card, "ORG", name);
  if (!m.description().empty()) AddLine(&card, "NOTE", VCardEscape(m.description()));
  if (!m.contact_phone().empty()) {
    AddLine(&card, "TEL;TYPE=WORK,VOICE", VCardEscape(m.contact_phone()));
  }
  if (!m.contact_email().empty()) {
    AddLine(&card, "EMAIL;TYPE=INTERNET", VCardEscape(m.contact_email()));
  }
  if (!m.address().empty()) {
    AddLine(&card, "ADR;TYPE=WORK", absl::StrCat(";;", VCardEscape(m.address()), ";;;;"));
  }
  if (m.has_location() && (m.location().lat() != 0 || m.location().lng() != 0)) {
    AddLine(&card, "GEO", absl::StrFormat("%.6f;%.6f", m.location().lat(), m.location().lng()));
  }
  // URL and SOURCE are URIs, not text: never backslash-escaped.
  const bool has_website = core::ValidateWebUrl("websiteUrl", m.website_url()).ok();
  const bool has_page = core::ValidateWebUrl("pageUrl", page_url).ok();
  if (has_website) {
    AddLine(&card, "URL", m.website_url());
  } else if (has_page) {
    AddLine(&card, "URL", page_url);
  }
  if (has_page) AddLine(&card, "SOURCE", page_url);
  card += "END:VCARD\r\n";
  return card;
}

}  // namespace qrcloud::web
