#include "libs/core/config.h"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/encoding.h"
#include "libs/core/log.h"
#include "libs/core/subsystems.h"

namespace qrcloud::core {

absl::Status ApplyEnvironment() {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const std::string var = absl::StrCat("QRCLOUD_", absl::AsciiStrToUpper(name));
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(var, "=", value, ": ", error));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> InitProcess(int argc, char** argv, absl::string_view usage) {
  absl::SetProgramUsageMessage(absl::string_view(usage.data(), usage.size()));
  if (absl::Status s = ApplyEnvironment(); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (absl::Status s = ValidateSubsystemsFlag(); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
  // Debian's Abseil is built with mutex deadlock detection on, which records
  // a lock graph on every acquisition. Production locking is checked by the
  // tests and sanitizers instead.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  EnsureSodium();
  InitLogging();
  return std::vector<std::string>(rest.begin(), rest.end());
}

namespace {
int g_signal_pipe[2] = {-1, -1};

void OnTerminationSignal(int) {
  const int saved = errno;
  const char byte = 1;
  (void)!write(g_signal_pipe[1], &byte, 1);
  errno = saved;
}
}  // namespace

void WaitForTerminationSignal() {
  if (g_signal_pipe[0] < 0 && pipe(g_signal_pipe) != 0) {
    std::perror("pipe");
    return;
  }
  std::signal(SIGTERM, OnTerminationSignal);
  std::signal(SIGINT, OnTerminationSignal);
  char byte;
  while (read(g_signal_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
}

}  // namespace qrcloud::core
