#include "tests/support/stack.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "libs/core/status.h"
#include "tests/support/test_env.h"

extern char** environ;

namespace qrcloud::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

namespace {

// True once something accepts TCP connections on the loopback port.
bool WaitForPort(int port, absl::Duration deadline) {
  return WaitFor(
      [&] {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port));
        const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
        close(fd);
        return ok;
      },
      deadline);
}

}  // namespace

std::string Tail(const std::string& path, int lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  return absl::StrJoin(last, "\n");
}

absl::StatusOr<std::unique_ptr<Process>> Process::Spawn(const std::string& binary,
                                                        const std::vector<std::string>& args,
                                                        const std::vector<std::string>& env,
                                                        const std::string& log_path) {
  const std::string path = absl::StrCat(QRCLOUD_BIN_DIR, "/", binary);
  std::vector<std::string> argv_store = {path};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);

  // The parent's environment (PATH and the like) plus the stack's own,
  // without any QRCLOUD_ variable the test runner happened to have.
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("QRCLOUD_", 0) != 0) env_store.emplace_back(*e);
  }
  env_store.insert(env_store.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  auto p = std::unique_ptr<Process>(new Process);
  p->log_path_ = log_path;
  const int rc = posix_spawn(&p->pid_, path.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return absl::InternalError(absl::StrCat("cannot start ", path, ": ", strerror(rc)));
  return p;
}

Process::~Process() { Stop(); }

void Process::Reaped(int status) {
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  pid_ = -1;
}

bool Process::Alive() {
  if (pid_ <= 0) return false;
  int status;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    Reaped(status);
    return false;
  }
  return true;
}

absl::StatusOr<int> Process::Wait(absl::Duration deadline) {
  if (!WaitFor([&] { return !Alive(); }, deadline)) {
    return absl::DeadlineExceededError(absl::StrCat("process ", pid_, " is still running"));
  }
  return exit_code_;
}

absl::Status RunToCompletion(const std::string& binary, const std::vector<std::string>& args,
                             const std::vector<std::string>& env, const std::string& log_path,
                             absl::Duration deadline) {
  QRCLOUD_ASSIGN_OR_RETURN(auto process, Process::Spawn(binary, args, env, log_path));
  const std::string command = absl::StrCat(binary, " ", absl::StrJoin(args, " "));
  auto code = process->Wait(deadline);
  if (!code.ok()) {
    process->Kill();
    return absl::DeadlineExceededError(absl::StrCat(command, " did not finish:\n", Tail(log_path)));
  }
  if (*code != 0) {
    return absl::InternalError(
        absl::StrCat(command, " exited with ", *code, ":\n", Tail(log_path)));
  }
  return absl::OkStatus();
}

void Process::Stop(absl::Duration grace) {
  if (!Alive()) return;
  kill(pid_, SIGTERM);
  const bool exited = WaitFor([&] { return !Alive(); }, grace);
  if (!exited) Kill();
}

void Process::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  Reaped(status);
}

std::string Stack::center_address() const { return absl::StrCat("127.0.0.1:", center_port_); }

http::Client Stack::Http() const { return http::Client("127.0.0.1", static_cast<uint16_t>(gateway_port_)); }

absl::StatusOr<std::unique_ptr<Stack>> Stack::Start(const StackOptions& options) {
  const TestEnv& env = Env();
  auto s = std::unique_ptr<Stack>(new Stack);
  s->options_ = options;
  s->database_ = UniqueName("qrcloud_center_t");
  // A database of its own: the stack's streams and consumer groups must not
  // meet another stack's.
  s->redis_db_ = ExclusiveRedisDb();
  s->dir_ = absl::StrCat(env.dir, "/", s->database_);
  mkdir(s->dir_.c_str(), 0755);
  s->center_port_ = FreePort();
  s->env_ = {
      absl::StrCat("QRCLOUD_MYSQL_HOST=", env.mysql.host),
      absl::StrCat("QRCLOUD_MYSQL_PORT=", env.mysql.port),
      absl::StrCat("QRCLOUD_MYSQL_USER=", env.mysql.user),
      absl::StrCat("QRCLOUD_MYSQL_PASSWORD=", env.mysql.password),
      absl::StrCat("QRCLOUD_MYSQL_DATABASE=", s->database_),
      absl::StrCat("QRCLOUD_REDIS_HOST=", env.redis.host),
      absl::StrCat("QRCLOUD_REDIS_PORT=", env.redis.port),
      absl::StrCat("QRCLOUD_REDIS_DB=", s->redis_db_),
      "QRCLOUD_LOG_LEVEL=info",
  };
  s->center_args_ = {absl::StrCat("--grpc_port=", s->center_port_), "--metrics_port=0",
                     "--listen_address=127.0.0.1",
                     absl::StrCat("--receipt_key_file=", s->dir_, "/receipt.key"),
                     absl::StrCat("--media_dir=", s->dir_, "/media")};
  s->center_args_.insert(s->center_args_.end(), options.center_flags.begin(),
                         options.center_flags.end());
  QRCLOUD_ASSIGN_OR_RETURN(s->center_, Process::Spawn("qrcloud-center", s->center_args_, s->env_,
                                                      s->dir_ + "/center.log"));
  if (options.gateway) s->gateway_port_ = FreePort();
  if (options.audit) {
    if (absl::Status st = s->StartAudit(); !st.ok()) return st;
  }
  if (options.gateway) {
    if (absl::Status st = s->StartGateway(); !st.ok()) return st;
  } else {
    // Without a gateway, wait for the ports to accept connections.
    if (!WaitForPort(s->center_port_, absl::Seconds(60))) {
      return absl::DeadlineExceededError(
          absl::StrCat("center did not start:\n", Tail(s->dir_ + "/center.log")));
    }
    if (options.audit && !WaitForPort(s->audit_port_, absl::Seconds(60))) {
      return absl::DeadlineExceededError(
          absl::StrCat("audit did not start:\n", Tail(s->dir_ + "/audit.log")));
    }
  }
  return s;
}

absl::Status Stack::StartAudit() {
  audit_database_ = UniqueName("qrcloud_audit_t");
  audit_port_ = FreePort();
  // The audit service calls the center as a service account with the
  // auditor role, by API key, as tools/up sets it up.
  const std::string key_file = dir_ + "/audit-api-key";
  QRCLOUD_RETURN_IF_ERROR(RunToCompletion(
      "qrcloud-center", {"ensure-service-account", "svc-audit@qrcloud.local", "auditor", key_file},
      env_, dir_ + "/ensure-service-account.log"));
  std::vector<std::string> args = {
      absl::StrCat("--grpc_port=", audit_port_),
      "--metrics_port=0",
      "--listen_address=127.0.0.1",
      absl::StrCat("--mysql_database=", audit_database_),
      absl::StrCat("--center_address=", center_address()),
      absl::StrCat("--center_api_key_file=", key_file),
      absl::StrCat("--banned_words_file=", QRCLOUD_SOURCE_DIR, "/deploy/local/banned_words.txt"),
      absl::StrCat("--public_url=http://127.0.0.1:", gateway_port_),
  };
  args.insert(args.end(), options_.audit_flags.begin(), options_.audit_flags.end());
  QRCLOUD_ASSIGN_OR_RETURN(audit_,
                           Process::Spawn("qrcloud-audit", args, env_, dir_ + "/audit.log"));
  return absl::OkStatus();
}

void Stack::StopCenter() {
  if (center_) center_->Stop();
}

absl::Status Stack::StartCenter() {
  if (center_ && center_->Alive()) return absl::FailedPreconditionError("the center is running");
  QRCLOUD_ASSIGN_OR_RETURN(
      center_, Process::Spawn("qrcloud-center", center_args_, env_, dir_ + "/center.log"));
  if (!WaitForPort(center_port_, absl::Seconds(60))) {
    return absl::DeadlineExceededError(
        absl::StrCat("center did not start again:\n", Tail(dir_ + "/center.log")));
  }
  return absl::OkStatus();
}

absl::Status Stack::StartGateway() {
  std::vector<std::string> args = {absl::StrCat("--http_port=", gateway_port_),
                                   "--http_address=127.0.0.1",
                                   absl::StrCat("--center_address=", center_address())};
  if (audit_) {
    args.push_back(absl::StrCat("--extra_backends=qrcloud.v1.AuditService=127.0.0.1:", audit_port_));
  }
  args.insert(args.end(), options_.gateway_flags.begin(), options_.gateway_flags.end());
  QRCLOUD_ASSIGN_OR_RETURN(gateway_, Process::Spawn("qrcloud-gateway", args, env_, dir_ + "/gateway.log"));
  // Ready once the gateway answers /readyz with 200 (the center is ready too).
  const bool ready = WaitFor(
      [&] {
        auto r = http::Fetch("127.0.0.1", static_cast<uint16_t>(gateway_port_), "GET", "/readyz");
        return r.ok() && r->status == 200;
      },
      absl::Seconds(60), absl::Milliseconds(50));
  if (!ready) {
    return absl::DeadlineExceededError(
        absl::StrCat("the stack did not become ready.\ncenter:\n", Tail(dir_ + "/center.log"),
                     "\ngateway:\n", Tail(dir_ + "/gateway.log"),
                     audit_ ? absl::StrCat("\naudit:\n", Tail(dir_ + "/audit.log")) : ""));
  }
  return absl::OkStatus();
}

absl::Status Stack::RestartGateway() {
  if (gateway_) gateway_->Stop();
  gateway_.reset();
  return StartGateway();
}

Stack::~Stack() {
  if (gateway_) gateway_->Stop();
  if (audit_) audit_->Stop();
  if (center_) center_->Stop();
}

}  // namespace qrcloud::testing
