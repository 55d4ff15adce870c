// A process's own bearer token, for a process with no sessions and no Redis
// (an on-premise landing node): the token is made at first start into a
// file of the process's data directory (mode 0600; the operator reads it
// there, e.g. for `qrcloudctl desk --token_file`), and a call authenticates
// with "Authorization: Bearer <token>". The comparison takes the same time
// whatever the token sent; the token is never logged nor kept anywhere but
// in that file and this object.
//
//   QRCLOUD_ASSIGN_OR_RETURN(auto auth, auth::LocalTokenAuthenticator::Open(
//       DataPath(config, "desk-token"), who));
#ifndef QRCLOUD_LIBS_AUTH_LOCAL_TOKEN_H_
#define QRCLOUD_LIBS_AUTH_LOCAL_TOKEN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/authenticator.h"
#include "libs/auth/principal.h"

namespace qrcloud::auth {

// The prefix of local tokens: qrd_<43 characters of base64url> (32 bytes).
inline constexpr absl::string_view kLocalTokenPrefix = "qrd_";

// Reads the token in `path`, or makes one there (0600, its directory must
// exist) if the file does not exist. INVALID_ARGUMENT for a file that does
// not hold a token; UNAVAILABLE if it cannot be written.
absl::StatusOr<std::string> LoadOrCreateLocalToken(const std::string& path);

// True when `a` and `b` are equal, in time that depends on their lengths
// only.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

class LocalTokenAuthenticator final : public Authenticator {
 public:
  // A caller with the token is `who` (its credential set to "local_token").
  static absl::StatusOr<std::unique_ptr<LocalTokenAuthenticator>> Open(const std::string& path,
                                                                       Principal who);

  // UNAUTHENTICATED, saying what is expected, unless `authorization` is
  // "Bearer <the token>".
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization) override;

  // Where the token is, for messages ("the desk token is in <path>").
  const std::string& path() const { return path_; }

 private:
  LocalTokenAuthenticator(std::string path, std::string token, Principal who)
      : path_(std::move(path)), token_(std::move(token)), who_(std::move(who)) {}

  std::string path_;
  std::string token_;
  Principal who_;
};

}  // namespace qrcloud::auth

#endif  // QRCLOUD_LIBS_AUTH_LOCAL_TOKEN_H_
