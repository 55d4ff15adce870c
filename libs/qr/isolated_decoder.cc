#include "libs/qr/isolated_decoder.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/core/slots.h"
#include "libs/core/status.h"

extern char** environ;

namespace qrcloud::qr {

std::string FormatDecoded(const std::vector<DecodedCode>& codes) {
  std::string out;
  for (const auto& c : codes)
    absl::StrAppend(&out, c.format, "\t", absl::Base64Escape(c.text), "\n");
  return out;
}

std::vector<DecodedCode> ParseDecoded(absl::string_view output) {
  std::vector<DecodedCode> out;
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    const size_t tab = line.find('\t');
    if (tab == absl::string_view::npos) continue;
    DecodedCode c;
    c.format = std::string(line.substr(0, tab));
    if (!absl::Base64Unescape(line.substr(tab + 1), &c.text)) continue;
    out.push_back(std::move(c));
  }
  return out;
}

std::string SiblingBinary(absl::string_view name) {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return std::string(name);
  std::string path(self, static_cast<size_t>(n));
  return absl::StrCat(path.substr(0, path.rfind('/') + 1), name);
}

absl::StatusOr<std::vector<DecodedCode>> DecodeIsolated(absl::string_view image_bytes,
                                                        const std::string& decoder_binary,
                                                        absl::Duration timeout) {
  static core::Slots* const slots = new core::Slots(kMaxConcurrentDecodes);
  auto slot = slots->TryTake();
  if (!slot) {
    return core::RetryAfter(absl::Seconds(2), "other photos are being decoded; retry shortly");
  }
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return absl::InternalError("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string arg0 = decoder_binary;
  char* argv[] = {arg0.data(), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, decoder_binary.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    return absl::InternalError(absl::StrCat("cannot start the decoder ", decoder_binary));
  }
  const absl::Time deadline = absl::Now() + timeout;
  // The child reads all of its input before writing, so write it all first.
  size_t written = 0;
  signal(SIGPIPE, SIG_IGN);  // a child that died must not take us with it
  while (written < image_bytes.size()) {
    const ssize_t n = write(in[1], image_bytes.data() + written, image_bytes.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  close(in[1]);
  std::string output;
  bool timed_out = false;
  char buf[8192];
  while (true) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left));
    if (ready == 0) continue;
    if (ready < 0) break;
    const ssize_t n = read(out[0], buf, sizeof(buf));
    if (n <= 0) break;
    output.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out) {
    return absl::DeadlineExceededError(absl::StrCat(
        "decoding took longer than ", absl::FormatDuration(timeout), "; try a smaller image"));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 3) {
    return core::InvalidField("image", "could not be read as a PNG or JPEG image");
  }
  if (WEXITSTATUS(status) != 0) {
    return core::InvalidField("image", "is not a PNG or JPEG image");
  }
  return ParseDecoded(output);
}

}  // namespace qrcloud::qr
