#include "libs/auth/local_token.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"

namespace qrcloud::auth {
namespace {

bool WellFormed(absl::string_view token) {
  if (!absl::StartsWith(token, kLocalTokenPrefix) || token.size() < 20 || token.size() > 128) {
    return false;
  }
  for (char c : token) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::StatusOr<std::string> LoadOrCreateLocalToken(const std::string& path) {
  std::ifstream in(path);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    std::string token(absl::StripAsciiWhitespace(text.str()));
    if (!WellFormed(token)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, " does not hold a token (qrd_ and base64url); delete it to make a new one"));
    }
    return token;
  }
  const std::string token = absl::StrCat(kLocalTokenPrefix, core::RandomBase64Url(32));
  // O_EXCL: two processes starting at once do not overwrite each other's.
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return LoadOrCreateLocalToken(path);
    return absl::UnavailableError(absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  const std::string line = absl::StrCat(token, "\n");
  const bool written =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
  close(fd);
  if (!written) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return token;
}

absl::StatusOr<std::unique_ptr<LocalTokenAuthenticator>> LocalTokenAuthenticator::Open(
    const std::string& path, Principal who) {
  auto token = LoadOrCreateLocalToken(path);
  if (!token.ok()) return token.status();
  who.credential = "local_token";
  return std::unique_ptr<LocalTokenAuthenticator>(
      new LocalTokenAuthenticator(path, *std::move(token), std::move(who)));
}

absl::StatusOr<Principal> LocalTokenAuthenticator::Authenticate(absl::string_view authorization) {
  if (absl::StripAsciiWhitespace(authorization).empty()) {
    return absl::UnauthenticatedError(absl::StrCat("this call needs the token in ", path_,
                                                   ": send \"Authorization: Bearer qrd_...\""));
  }
  absl::string_view token = BearerToken(authorization);
  if (token.empty()) {
    return absl::UnauthenticatedError("the Authorization header must read \"Bearer <token>\"");
  }
  if (!ConstantTimeEquals(token, token_)) {
    return absl::UnauthenticatedError(
        absl::StrCat("the bearer token is not this process's token (the one in ", path_, ")"));
  }
  return who_;
}

}  // namespace qrcloud::auth
