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

#include <algorithm>
#include <atomic>
#include <deque>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/core/status.h"
#include "libs/service/registry.h"
#include "tests/support/test_env.h"

extern char** environ;

namespace qrcloud::testing {

int FreePort() {
  // Ports handed out before, by this process: the kernel may offer a port
  // again once its probe socket closed, before the first taker has bound it.
  static absl::Mutex mu;
  static auto* given = new std::set<int>;
  absl::MutexLock lock(&mu);
  for (;;) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    const int port = ntohs(addr.sin_port);
    if (given->insert(port).second) return port;
  }
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
  posix_spawn_file_actions_addchdir_np(&actions, QRCLOUD_SOURCE_DIR);
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

http::Client Stack::Http() const {
  return http::Client("127.0.0.1", static_cast<uint16_t>(gateway_port_));
}

int Stack::port(const std::string& process) const {
  auto it = runs_.find(process);
  return it == runs_.end() ? 0 : it->second.port;
}

std::string Stack::database_of(const std::string& process) const {
  auto it = runs_.find(process);
  return it == runs_.end() ? "" : it->second.database;
}

std::string Stack::address(const std::string& process) const {
  return absl::StrCat("127.0.0.1:", port(process));
}

Process* Stack::process(const std::string& name) {
  auto it = runs_.find(name);
  return it == runs_.end() ? nullptr : it->second.process.get();
}

std::string Stack::Backends() const {
  std::vector<std::string> pairs;
  for (const std::string& name : order_) pairs.push_back(absl::StrCat(name, "=", address(name)));
  return absl::StrJoin(pairs, ",");
}

absl::StatusOr<std::unique_ptr<Stack>> Stack::Start(const StackOptions& options) {
  const TestEnv& env = Env();
  auto s = std::unique_ptr<Stack>(new Stack);
  s->options_ = options;
  // A database of its own: the stack's streams and consumer groups must not
  // meet another stack's.
  s->redis_db_ = ExclusiveRedisDb();
  s->dir_ = absl::StrCat(env.dir, "/", UniqueName("stack"));
  mkdir(s->dir_.c_str(), 0755);
  if (options.gateway) s->gateway_port_ = FreePort();
  s->env_ = {
      absl::StrCat("QRCLOUD_MYSQL_HOST=", env.mysql.host),
      absl::StrCat("QRCLOUD_MYSQL_PORT=", env.mysql.port),
      absl::StrCat("QRCLOUD_MYSQL_USER=", env.mysql.user),
      absl::StrCat("QRCLOUD_MYSQL_PASSWORD=", env.mysql.password),
      absl::StrCat("QRCLOUD_REDIS_HOST=", env.redis.host),
      absl::StrCat("QRCLOUD_REDIS_PORT=", env.redis.port),
      absl::StrCat("QRCLOUD_REDIS_DB=", s->redis_db_),
      absl::StrCat("QRCLOUD_PUBLIC_URL=http://127.0.0.1:", s->gateway_port_),
      "QRCLOUD_LOG_LEVEL=info",
  };

  // The processes, the center first; each from its line of the list.
  std::vector<std::string> names = {"center"};
  if (options.audit) names.push_back("audit");
  for (const std::string& n : options.processes) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  for (const std::string& name : names) {
    auto info = service::FindProcess(name);
    if (!info.ok()) return info.status();
    Run& run = s->runs_[name];
    run.name = name;
    run.port = FreePort();
    run.database = UniqueName(absl::StrCat(info->database, "_t"));
    s->order_.push_back(name);
  }
  // The center's database for commands run beside the stack (`qrcloud-center
  // ensure-admin`, say); every process is also given its own by flag.
  s->env_.push_back(absl::StrCat("QRCLOUD_MYSQL_DATABASE=", s->database()));
  for (const std::string& name : names) {
    Run& run = s->runs_[name];
    QRCLOUD_ASSIGN_OR_RETURN(auto info, service::FindProcess(name));
    const std::string data_dir = absl::StrCat(s->dir_, "/", name);
    mkdir(data_dir.c_str(), 0755);
    run.args = {
        absl::StrCat("--grpc_port=", run.port), "--metrics_port=0",
        "--listen_address=127.0.0.1",           absl::StrCat("--mysql_database=", run.database),
        absl::StrCat("--data_dir=", data_dir),  absl::StrCat("--backends=", s->Backends())};
    if (!info.center_roles.empty()) {
      // The account it calls the center as, with its API key, as tools/up
      // makes it.
      const std::string key_file = absl::StrCat(s->dir_, "/", name, "-api-key");
      QRCLOUD_RETURN_IF_ERROR(RunToCompletion(
          "qrcloud-center",
          {"ensure-service-account", absl::StrCat("svc-", name, "@qrcloud.local"),
           absl::StrJoin(info.center_roles, ","), key_file},
          s->env_, absl::StrCat(s->dir_, "/ensure-service-account-", name, ".log")));
      run.args.push_back(absl::StrCat("--center_api_key_file=", key_file));
    }
    if (name == "center")
      run.args.insert(run.args.end(), options.center_flags.begin(), options.center_flags.end());
    if (name == "audit")
      run.args.insert(run.args.end(), options.audit_flags.begin(), options.audit_flags.end());
    if (auto more = options.flags.find(name); more != options.flags.end()) {
      run.args.insert(run.args.end(), more->second.begin(), more->second.end());
    }
    QRCLOUD_RETURN_IF_ERROR(s->StartProcess(run));
  }
  if (options.gateway) {
    if (absl::Status st = s->StartGateway(); !st.ok()) return st;
    return s;
  }
  // Without a gateway, wait for the ports to accept connections.
  for (const std::string& name : s->order_) {
    if (!WaitForPort(s->port(name), absl::Seconds(60))) {
      return absl::DeadlineExceededError(
          absl::StrCat(name, " did not start:\n", Tail(absl::StrCat(s->dir_, "/", name, ".log"))));
    }
  }
  return s;
}

absl::Status Stack::StartProcess(Run& run) {
  QRCLOUD_ASSIGN_OR_RETURN(run.process,
                           Process::Spawn(absl::StrCat("qrcloud-", run.name), run.args, env_,
                                          absl::StrCat(dir_, "/", run.name, ".log")));
  return absl::OkStatus();
}

void Stack::StopCenter() {
  if (Process* center = process("center")) center->Stop();
}

absl::Status Stack::StartCenter() {
  Run& run = runs_.at("center");
  if (run.process && run.process->Alive()) {
    return absl::FailedPreconditionError("the center is running");
  }
  QRCLOUD_RETURN_IF_ERROR(StartProcess(run));
  if (!WaitForPort(run.port, absl::Seconds(60))) {
    return absl::DeadlineExceededError(
        absl::StrCat("center did not start again:\n", Tail(dir_ + "/center.log")));
  }
  return absl::OkStatus();
}

absl::Status Stack::KillAndRestart(const std::string& name) {
  auto it = runs_.find(name);
  if (it == runs_.end()) return absl::NotFoundError(absl::StrCat(name, " was not started"));
  Run& run = it->second;
  if (run.process) run.process->Kill();
  run.process.reset();
  QRCLOUD_RETURN_IF_ERROR(StartProcess(run));
  if (!WaitForPort(run.port, absl::Seconds(60))) {
    return absl::DeadlineExceededError(
        absl::StrCat(name, " did not start again:\n", Tail(absl::StrCat(dir_, "/", name, ".log"))));
  }
  return absl::OkStatus();
}

absl::Status Stack::StartGateway() {
  std::vector<std::string> args = {
      absl::StrCat("--http_port=", gateway_port_), "--http_address=127.0.0.1",
      absl::StrCat("--backends=", Backends()), absl::StrCat("--scan_spool=", dir_, "/scans.spool")};
  args.insert(args.end(), options_.gateway_flags.begin(), options_.gateway_flags.end());
  QRCLOUD_ASSIGN_OR_RETURN(gateway_,
                           Process::Spawn("qrcloud-gateway", args, env_, dir_ + "/gateway.log"));
  // Ready once the gateway answers /readyz with 200 (every backend is ready too).
  const bool ready = WaitFor(
      [&] {
        auto r = http::Fetch("127.0.0.1", static_cast<uint16_t>(gateway_port_), "GET", "/readyz");
        return r.ok() && r->status == 200;
      },
      absl::Seconds(60), absl::Milliseconds(50));
  if (!ready) {
    std::string logs;
    for (const std::string& name : order_) {
      absl::StrAppend(&logs, "\n", name, ":\n", Tail(absl::StrCat(dir_, "/", name, ".log")));
    }
    return absl::DeadlineExceededError(absl::StrCat("the stack did not become ready.", logs,
                                                    "\ngateway:\n", Tail(dir_ + "/gateway.log")));
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
  // The other processes before the center they call.
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
    if (Process* p = process(*it)) p->Stop();
  }
}

}  // namespace qrcloud::testing
