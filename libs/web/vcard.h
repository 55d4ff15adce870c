// vCard 3.0 (RFC 2426) for a merchant: what a phone's "save contact" imports
// from the business card page.
#ifndef QRCLOUD_LIBS_WEB_VCARD_H_
#define QRCLOUD_LIBS_WEB_VCARD_H_

#include <string>

#include "absl/strings/string_view.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::web {

// BEGIN:VCARD … END:VCARD with CRLF line ends: FN, N and ORG (the display
// name), NOTE (description), TEL, EMAIL, ADR (the address as its street
// part), GEO when located, URL (the website, else `page_url`) and SOURCE
// (`page_url`). Text values escape \ ; , and newlines (RFC 2426 §4); lines
// longer than 75 octets are folded (CRLF + space) between UTF-8 characters.
// Empty fields are left out.
std::string VCard(const qrcloud::v1::Merchant& m, const std::string& page_url);

// A vCard text value escaped per RFC 2426 §4: "\" → "\\", ";" → "\;",
// "," → "\,", CRLF / CR / LF → "\n".
std::string VCardEscape(absl::string_view text);

}  // namespace qrcloud::web

#endif  // QRCLOUD_LIBS_WEB_VCARD_H_
