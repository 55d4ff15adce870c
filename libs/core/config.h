// Process configuration: Abseil flags, each also settable from the
// environment as QRCLOUD_<FLAG> (upper case). The command line wins over the
// environment, which wins over the flag's default.
#ifndef QRCLOUD_LIBS_CORE_CONFIG_H_
#define QRCLOUD_LIBS_CORE_CONFIG_H_

#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace qrcloud::core {

// Applies QRCLOUD_<FLAG> environment variables to the registered flags.
// Returns an error naming the variable if a value does not parse.
absl::Status ApplyEnvironment();

// The whole start-up for a qrcloud binary: usage message, environment, command
// line, logging. Exits with a message on a bad flag or variable. Returns the
// positional arguments (argv[0] first).
std::vector<std::string> InitProcess(int argc, char** argv, absl::string_view usage);

// Blocks until the process gets SIGTERM or SIGINT (the handler only writes
// to a pipe, which is safe in a signal handler), then returns so the caller
// can shut down gracefully.
void WaitForTerminationSignal();

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_CONFIG_H_
