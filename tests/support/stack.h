// Starts the real qrcloud binaries (center, gateway) as child processes
// against the `deps` fixture's MariaDB and Redis, each stack with a database
// and Redis db of its own, for end-to-end tests.
#ifndef QRCLOUD_TESTS_SUPPORT_STACK_H_
#define QRCLOUD_TESTS_SUPPORT_STACK_H_

#include <sys/types.h>

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
  // `binary` is a name in the build's bin directory.
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
  const std::string& log_path() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

struct StackOptions {
  bool gateway = true;
  std::vector<std::string> center_flags;
  std::vector<std::string> gateway_flags;
};

class Stack {
 public:
  // Starts the center (and gateway) and waits until they answer. Fails with
  // the tail of the logs if they do not within the deadline.
  static absl::StatusOr<std::unique_ptr<Stack>> Start(const StackOptions& options = {});
  ~Stack();

  int center_port() const { return center_port_; }
  int gateway_port() const { return gateway_port_; }
  std::string center_address() const;
  const std::string& database() const { return database_; }
  int redis_db() const { return redis_db_; }
  // The environment the processes run with (QRCLOUD_* variables).
  const std::vector<std::string>& env() const { return env_; }

  Process& center() { return *center_; }
  Process* gateway() { return gateway_.get(); }

  // A fresh HTTP client to the gateway.
  http::Client Http() const;

  // Restarts the gateway (after a kill, say) on the same port.
  absl::Status RestartGateway();

 private:
  absl::Status StartGateway();

  StackOptions options_;
  std::string dir_;
  std::string database_;
  int redis_db_ = 0;
  int center_port_ = 0;
  int gateway_port_ = 0;
  std::vector<std::string> env_;
  std::unique_ptr<Process> center_;
  std::unique_ptr<Process> gateway_;
};

// The last `lines` lines of a file, for failure messages.
std::string Tail(const std::string& path, int lines = 30);

}  // namespace qrcloud::testing

#endif  // QRCLOUD_TESTS_SUPPORT_STACK_H_
