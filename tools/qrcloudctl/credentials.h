// The credentials `qrcloudctl login` saves: the session token and the center
// it was issued by, in $XDG_CONFIG_HOME/qrcloud/credentials (default
// ~/.config/qrcloud/credentials). The file is private to its owner (mode 0600
// in a 0700 directory) because the token is a bearer credential.
#ifndef QRCLOUD_TOOLS_QRCLOUDCTL_CREDENTIALS_H_
#define QRCLOUD_TOOLS_QRCLOUDCTL_CREDENTIALS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace qrcloud::ctl {

struct Credentials {
  std::string center;  // host:port of the center's gRPC API
  std::string token;   // a session token (qrs_…)
  std::string login;   // who signed in, for messages
};

// Where the credentials live for this user. FAILED_PRECONDITION when neither
// XDG_CONFIG_HOME nor a home directory is known.
absl::StatusOr<std::string> CredentialsPath();

// Writes `credentials` to `path` atomically (a private temporary file renamed
// over the old one), creating the parent directory with mode 0700.
absl::Status SaveCredentials(const std::string& path, const Credentials& credentials);

// Reads `path`. NOT_FOUND when there is no such file; INVALID_ARGUMENT when
// it holds no token.
absl::StatusOr<Credentials> LoadCredentials(const std::string& path);

// Removes `path`; a file that is already gone is not an error.
absl::Status DeleteCredentials(const std::string& path);

}  // namespace qrcloud::ctl

#endif  // QRCLOUD_TOOLS_QRCLOUDCTL_CREDENTIALS_H_
