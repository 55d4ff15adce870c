// Starts the real qrcloud binaries as child processes against the `deps`
// fixture's MariaDB and Redis, each stack with databases and a Redis db of its
// own, for end-to-end tests: the center, any other process of
// services/services.txt a test asks for (each started alike, from its line in
// the list), and the gateway routing to them.
#ifndef QRCLOUD_TESTS_SUPPORT_STACK_H_
#define QRCLOUD_TESTS_SUPPORT_STACK_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/http/client.h"

namespace qrcloud::testing {

// A port nothing listens on right now.
int FreePort();

// One child process; killed (SIGTERM, then SIGKILL) when destroyed.
class Process {
 public:
  // `binary` is a name in the build's bin directory. It runs in the source
  // tree's root, as tools/up runs it, so relative default paths mean the
  // same in both.
  static absl::StatusOr<std::unique_ptr<Process>> Spawn(const std::string& binary,
                                                        const std::vector<std::string>& args,
                                                        const std::vector<std::string>& env,
                                                        const std::string& log_path);
  ~Process();
  pid_t pid() const { return pid_; }
  bool Alive();
  // SIGTERM and wait up to `grace`, then SIGKILL.
  void Stop(absl::Duration grace = absl::Seconds(10));
  void Kill();  // SIGKILL, now
  // Waits up to `deadline` for the process to end; its exit code, or -1 if
  // it was killed by a signal. DEADLINE_EXCEEDED if it is still running.
  absl::StatusOr<int> Wait(absl::Duration deadline);
  const std::string& log_path() const { return log_path_; }

 private:
  // Records how the process ended, from waitpid's status.
  void Reaped(int status);

  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string log_path_;
};

// Runs a command to completion (a qrcloud binary with a subcommand, say);
// an error with the tail of its log if it fails or outlasts `deadline`.
absl::Status RunToCompletion(const std::string& binary, const std::vector<std::string>& args,
                             const std::vector<std::string>& env, const std::string& log_path,
                             absl::Duration deadline = absl::Seconds(60));

struct StackOptions {
  bool gateway = true;
  std::vector<std::string> center_flags;
  std::vector<std::string> gateway_flags;
  // Also start qrcloud-audit (as if it were named in `processes`).
  bool audit = false;
  std::vector<std::string> audit_flags;
  // More processes of services/services.txt to start besides the center.
  // Each gets a database of its own, the stack's Redis db, free ports, the
  // addresses of the others (--backends), and, if its line names center
  // roles, a service account at the center made with `qrcloud-center
  // ensure-service-account` (--center_api_key_file). The gateway routes to
  // every process started.
  std::vector<std::string> processes;
  // Flags for any process, by name (added after the stack's own).
  std::map<std::string, std::vector<std::string>> flags;
};

class Stack {
 public:
  // Starts the center (and gateway) and waits until they answer. Fails with
  // the tail of the logs if they do not within the deadline.
  static absl::StatusOr<std::unique_ptr<Stack>> Start(const StackOptions& options = {});
  ~Stack();

  // A started process's gRPC port and database; 0 and "" for one not started.
  int port(const std::string& process) const;
  std::string database_of(const std::string& process) const;
  std::string address(const std::string& process) const;

  int center_port() const { return port("center"); }
  int gateway_port() const { return gateway_port_; }
  std::string center_address() const { return address("center"); }
  const std::string& database() const { return runs_.at("center").database; }
  // With StackOptions::audit.
  int audit_port() const { return port("audit"); }
  std::string audit_database() const { return database_of("audit"); }
  int redis_db() const { return redis_db_; }
  // The environment the processes run with (QRCLOUD_* variables).
  const std::vector<std::string>& env() const { return env_; }

  Process& center() { return *runs_.at("center").process; }
  Process* gateway() { return gateway_.get(); }
  Process* audit() { return process("audit"); }
  // A started process, or null.
  Process* process(const std::string& name);
  // Where the stack keeps its logs and files.
  const std::string& dir() const { return dir_; }

  // A fresh HTTP client to the gateway.
  http::Client Http() const;

  // Restarts the gateway (after a kill, say) on the same port.
  absl::Status RestartGateway();

  // Stops the center (SIGTERM), and starts it again on the same port with
  // the same flags, waiting until it accepts connections.
  void StopCenter();
  absl::Status StartCenter();
  // Kills a started process with SIGKILL, as a crash would, and starts it
  // again on the same port with the same flags, waiting until it accepts
  // connections.
  absl::Status KillAndRestart(const std::string& name);

 private:
  // One process of the list, as this stack runs it.
  struct Run {
    std::string name;
    int port = 0;
    std::string database;
    std::vector<std::string> args;
    std::unique_ptr<Process> process;
  };

  absl::Status StartProcess(Run& run);
  absl::Status StartGateway();
  // --backends for every process of the stack.
  std::string Backends() const;

  StackOptions options_;
  std::string dir_;
  int redis_db_ = 0;
  int gateway_port_ = 0;
  std::vector<std::string> env_;
  std::vector<std::string> order_;  // the processes, in the order started
  std::map<std::string, Run> runs_;
  std::unique_ptr<Process> gateway_;
};

// The last `lines` lines of a file, for failure messages.
std::string Tail(const std::string& path, int lines = 30);

}  // namespace qrcloud::testing

#endif  // QRCLOUD_TESTS_SUPPORT_STACK_H_
