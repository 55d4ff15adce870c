// Host names as people read them: a link's host may be written in ASCII
// (its xn-- form) and still show as a look-alike of another site.
#ifndef QRCLOUD_LIBS_TEXT_HOSTS_H_
#define QRCLOUD_LIBS_TEXT_HOSTS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qrcloud::text {

// OK for an ASCII host name whose international labels (xn--…) read as
// what they are; INVALID_ARGUMENT naming `field` for one that may deceive:
//  - a label that is not valid IDNA (UTS #46), which browsers show as
//    something else or refuse;
//  - a label mixing scripts beyond ICU's "highly restrictive" level
//    (Latin with Cyrillic or Greek, say; Latin with Chinese, Japanese or
//    Korean is fine), with invisible characters, or mixing digit sets;
//  - a label of another script whose every character looks like a Latin
//    letter or digit ("аррӏе", all Cyrillic, reads as "apple").
// Plain ASCII labels are left alone.
absl::Status CheckHostReadsAsWritten(absl::string_view field, absl::string_view host);

// Where the platform may send people from its own domain (a code's target,
// a campaign's link): core::ValidateOutboundUrl, then its host checked by
// CheckHostReadsAsWritten. One rule for every such link.
absl::Status ValidateOutboundLink(absl::string_view field, absl::string_view url);

}  // namespace qrcloud::text

#endif  // QRCLOUD_LIBS_TEXT_HOSTS_H_
