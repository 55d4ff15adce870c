#include "tools/qrcloudctl/credentials.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace qrcloud::ctl {
namespace {

std::string Dirname(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// mkdir -p, each directory it creates private to the user (XDG asks 0700).
absl::Status MakeDirectories(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(dir, " exists and is not a directory"));
  }
  if (const std::string parent = Dirname(dir); parent != dir) {
    if (absl::Status s = MakeDirectories(parent); !s.ok()) return s;
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot create ", dir));
  }
  return absl::OkStatus();
}

absl::Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path));
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> CredentialsPath() {
  // Per the XDG base directory spec a relative XDG_CONFIG_HOME is ignored.
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && xdg[0] == '/') {
    return absl::StrCat(xdg, "/qrcloud/credentials");
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || home[0] == '\0') {
    const passwd* pw = getpwuid(getuid());
    home = pw != nullptr ? pw->pw_dir : nullptr;
  }
  if (home == nullptr || home[0] == '\0') {
    return absl::FailedPreconditionError(
        "no home directory to keep credentials in: set HOME or XDG_CONFIG_HOME");
  }
  return absl::StrCat(home, "/.config/qrcloud/credentials");
}

absl::Status SaveCredentials(const std::string& path, const Credentials& credentials) {
  for (const std::string* value : {&credentials.center, &credentials.token, &credentials.login}) {
    if (absl::StrContains(*value, '\n')) {
      return absl::InvalidArgumentError("credentials cannot contain a line break");
    }
  }
  const std::string dir = Dirname(path);
  if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  // The directory may predate us with looser permissions; the token must not be listable.
  if (chmod(dir.c_str(), 0700) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot make ", dir, " private"));
  }
  const std::string data = absl::StrCat(
      "# written by qrcloudctl login; the token is a secret\n", "center=", credentials.center, "\n",
      "login=", credentials.login, "\n", "token=", credentials.token, "\n");
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot create ", tmp));
  // open() honours the umask, which may take bits away but never adds them;
  // fchmod makes the mode exactly 0600 either way.
  absl::Status s = fchmod(fd, 0600) == 0
                       ? WriteAll(fd, data, tmp)
                       : absl::ErrnoToStatus(errno, absl::StrCat("cannot chmod ", tmp));
  if (close(fd) != 0 && s.ok()) s = absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", tmp));
  if (s.ok() && rename(tmp.c_str(), path.c_str()) != 0) {
    s = absl::ErrnoToStatus(errno, absl::StrCat("cannot replace ", path));
  }
  if (!s.ok()) unlink(tmp.c_str());
  return s;
}

absl::StatusOr<Credentials> LoadCredentials(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    const int error = errno;
    if (error == ENOENT) return absl::NotFoundError(absl::StrCat("no credentials in ", path));
    return absl::ErrnoToStatus(error, absl::StrCat("cannot read ", path));
  }
  Credentials c;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    if (kv.first == "center") c.center = std::string(kv.second);
    if (kv.first == "login") c.login = std::string(kv.second);
    if (kv.first == "token") c.token = std::string(kv.second);
  }
  if (c.token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds no token"));
  }
  return c;
}

absl::Status DeleteCredentials(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot remove ", path));
  }
  return absl::OkStatus();
}

}  // namespace qrcloud::ctl
