// Identifiers: random, unguessable, and sortable by creation time.
#ifndef QRCLOUD_LIBS_CORE_IDS_H_
#define QRCLOUD_LIBS_CORE_IDS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/time/time.h"

namespace qrcloud::core {

// A new identifier: 26 characters of lower-case Crockford base32 (a ULID):
// 48 bits of milliseconds since the epoch, then 80 random bits from the
// operating system's CSPRNG. Ids made later sort later (to the millisecond),
// which keeps MySQL primary-key inserts appending.
std::string NewId();
std::string NewIdAt(absl::Time now);

// True if `id` has the shape NewId() makes.
bool IsValidId(absl::string_view id);

// `n` random bytes as lower-case hex (2n characters).
std::string RandomHex(size_t n);

// `n` random bytes as unpadded base64url.
std::string RandomBase64Url(size_t n);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_IDS_H_
