// The service kit: everything a qrcloud gRPC service process does the same
// way, so that a service says only what is its own. A service's main():
//
//   int main(int argc, char** argv) {
//     return qrcloud::service::Main(argc, argv, {
//         .name = "hello",                      // its line in services/services.txt
//         .usage = "qrcloud-hello [flags]",
//         .migrations = qrcloud::hello::Migrations(),   // migrations/*.sql
//         .build = [](qrcloud::service::Host& host) -> absl::Status {
//           auto& logic = host.Own(std::make_unique<HelloLogic>(host.mysql(), host.clock()));
//           auto& api = host.Own(std::make_unique<HelloServiceImpl>(logic,
//           host.dispatcher_deps())); return host.Serve<qrcloud::v1::HelloService>(api);
//         }});
//   }
//
// The host reads the shared flags (libs/service/config.h) with the process's
// line of the list as defaults; connects to MySQL and Redis, waiting for
// them; applies the service's migrations (and the shared outbox's); makes the
// session store and the authenticator; serves gRPC with health (readiness
// follows MySQL and Redis), reflection and /metrics; runs the background
// workers; and on SIGTERM stops in a fixed order (Shutdown()).
//
// An on-premise process (the landing node: `on-premise` in its line) keeps
// its own store: `.store = ServiceSpec::Store::kOwn` and the host connects
// to neither MySQL nor Redis. Its callers authenticate with a token the host
// makes at first start in a file of --data_dir (0600; `.local_token_file`,
// compared in constant time, never logged: libs/auth/local_token.h);
// readiness follows the checks it adds (AddReadinessCheck); request ids are
// its own business (no Redis layer). It may serve HTTP on a port of its own
// (ServeHttp: the landing node's LAN front), its handlers on the host's
// bounded worker pool:
//
//   return qrcloud::service::Main(argc, argv, {
//       .name = "landing", .usage = "qrcloud-landing [flags]",
//       .store = qrcloud::service::ServiceSpec::Store::kOwn,
//       .local_token_file = "desk-token",
//       .build = [](qrcloud::service::Host& host) -> absl::Status {
//         ... open its SQLite under host.config().data_dir ...
//         host.AddReadinessCheck("sqlite", [&db] { return db.Ping(); });
//         QRCLOUD_RETURN_IF_ERROR(host.ServeHttp({.name = "lan", .port = 8090}, handler));
//         return host.Serve<qrcloud::v1::LandingDeskService>(desk);
//       }});
#ifndef QRCLOUD_LIBS_SERVICE_HOST_H_
#define QRCLOUD_LIBS_SERVICE_HOST_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/authenticator.h"
#include "libs/auth/session_store.h"
#include "libs/cache/redis.h"
#include "libs/cache/stream_consumer.h"
#include "libs/core/background_loop.h"
#include "libs/core/clock.h"
#include "libs/http/server.h"
#include "libs/rpc/dispatcher.h"
#include "libs/rpc/worker_pool.h"
#include "libs/service/config.h"
#include "libs/service/grpc_server.h"
#include "libs/store/migrations.h"
#include "libs/store/mysql.h"
#include "libs/store/outbox.h"

namespace qrcloud::service {

class Host;

// What a service is made of. Its main() fills one in and calls Main().
struct ServiceSpec {
  // Its line in services/services.txt (ports, database, center roles).
  std::string name;
  // One line for --help, e.g. "qrcloud-hello [flags]".
  std::string usage;
  // Its own migrations, from qrcloud_embed_migrations.
  std::vector<store::Migration> migrations;
  // Makes the shared outbox table and relays it to the Redis streams.
  bool outbox = false;
  // Where the service's data is. kMysql: MySQL and Redis (the cloud
  // services). kOwn: a store of its own under --data_dir (an on-premise
  // node's SQLite): no MySQL, no Redis, no sessions, no outbox relay (its
  // `migrations` and `outbox` must be empty), and callers authenticate with
  // the local token below.
  enum class Store { kMysql, kOwn };
  Store store = Store::kMysql;
  // With kOwn: the file under --data_dir holding the token callers present
  // ("Authorization: Bearer qrd_..."), made at first start. A caller with it
  // is `local_principal` (by default: account "<name>-local", kind STAFF,
  // role merchant_staff).
  std::string local_token_file = "local-token";
  std::optional<auth::Principal> local_principal;
  // Builds the service on a connected host: its stores and logic
  // (Host::Own), its gRPC services (Host::Serve) and its workers
  // (Host::AddLoop, Host::AddConsumer). An error stops the start.
  std::function<absl::Status(Host&)> build;

  // A subcommand (`qrcloud-center ensure-admin <login> <file>`), run instead
  // of serving once the host is connected and migrated; returns the exit
  // code.
  struct Command {
    std::string name;
    std::string args;  // for the usage line, e.g. "<login> <password-file>"
    int arg_count = 0;
    std::function<int(Host&, const std::vector<std::string>& args)> run;
  };
  std::vector<Command> commands;
};

class Host {
 public:
  // Connects to MySQL and Redis (waiting up to --startup_timeout) and
  // applies the migrations: the service's own, then the shared ones.
  static absl::StatusOr<std::unique_ptr<Host>> Connect(const ServiceSpec& spec,
                                                       ServiceConfig config);
  ~Host();

  const ServiceConfig& config() const { return config_; }
  // Not for a service with a store of its own (aborts, naming the service).
  store::MysqlPool& mysql();
  cache::RedisPool& redis();
  const core::Clock& clock() const { return core::Clock::Real(); }
  auth::SessionStore& sessions() { return *sessions_; }
  auth::Authenticator& authenticator() { return *authenticator_; }
  // What the service's gRPC adapters hand their Dispatcher.
  rpc::DispatcherDeps dispatcher_deps();
  // The outbox relay; null unless the spec asked for the outbox.
  store::OutboxRelay* outbox() { return outbox_.get(); }

  // Keeps `object` alive until the host goes, after the server has stopped
  // and the workers have ended (objects go in the reverse order of Own).
  template <typename T>
  T& Own(std::unique_ptr<T> object) {
    T& ref = *object;
    owned_.push_back(std::shared_ptr<void>(std::move(object)));
    return ref;
  }

  // Serves the gRPC service `Contract` (e.g. v1::OrderService) with `impl`.
  // Refused unless its proto names this process and gives every method a
  // policy (protos/qrcloud/v1/options.proto).
  template <typename Contract>
  absl::Status Serve(typename Contract::CallbackService& impl) {
    return ServeNamed(impl, Contract::service_full_name());
  }

  // Background work, started after the server and stopped after it.
  core::BackgroundLoop& AddLoop(core::LoopOptions options, core::BackgroundLoop::Round round);
  // A stream consumer on this process's Redis (consumer name: host-pid when
  // left empty).
  cache::StreamConsumer& AddConsumer(cache::StreamConsumerOptions options,
                                     cache::StreamHandler handler);

  // Any other worker with Start() and Stop() (one that keeps its own loop).
  // One added after Start() starts at once.
  template <typename W>
  void AddWorker(W& worker) {
    background_.push_back({[&worker] { worker.Start(); }, [&worker] { worker.Stop(); }});
    if (started_) background_.back().start();
  }

  // The address of another listed process (--backends, or the template).
  absl::StatusOr<std::string> AddressOf(absl::string_view process) const;

  // Readiness (grpc.health.v1 and what the host reports) also follows
  // `check`: a service with a store of its own says how to ping it. Before
  // Start().
  void AddReadinessCheck(std::string name, std::function<absl::Status()> check);

  // An HTTP front on a port of its own beside gRPC (libs/http, Boost.Beast),
  // started by Start() and stopped by Shutdown() before the workers. Each
  // request runs `handler` on the host's worker pool, so HTTP and gRPC share
  // one bound on concurrent work: with the queue full a request is answered
  // 503 (Retry-After: 1) at once. Bodies over `max_body_bytes` and headers
  // over 16 KiB are refused by the server before the handler sees them
  // (`error_response` shapes those answers). Before Start().
  struct HttpFront {
    std::string name = "http";  // for logs
    int port = 0;               // 0: any free port (http_port() tells)
    size_t max_body_bytes = 64 * 1024;
    size_t max_connections = 512;
    int io_threads = 2;
    std::function<http::Response(int status, std::string_view message)> error_response;
  };
  using HttpHandler = std::function<http::Response(const http::Request&)>;
  absl::Status ServeHttp(HttpFront front, HttpHandler handler);
  int http_port() const;

  // Starts serving gRPC and /metrics, the outbox relay and the workers.
  // FAILED_PRECONDITION if a contract naming this process was not served.
  absl::Status Start();
  int grpc_port() const { return grpc_ ? grpc_->port() : 0; }
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }

  // Stops gracefully, in this order: readiness goes NOT_SERVING (and stays
  // so for --shutdown_drain while calls are still served); the gRPC server
  // takes no new calls and gives those under way up to `grace`; the
  // workers stop (last added first); the outbox relay stops; /metrics
  // closes. Owned objects go when the host does. Safe to call twice.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

 private:
  explicit Host(ServiceConfig config) : config_(std::move(config)) {}
  // The parts of Connect for a service with a store of its own.
  absl::Status ConnectOwn(const ServiceSpec& spec);
  void MakeServer();
  absl::Status StartHttp();
  absl::Status ServeNamed(grpc::Service& impl, absl::string_view full_name);
  // Every contract that names this process (and is not planned) is served.
  absl::Status CheckAllServed() const;

  struct Worker {
    std::function<void()> start;
    std::function<void()> stop;
  };

  ServiceConfig config_;
  std::string name_;
  std::unique_ptr<store::MysqlPool> mysql_;
  std::unique_ptr<cache::RedisPool> redis_;
  std::unique_ptr<auth::SessionStore> sessions_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<rpc::WorkerPool> workers_;
  std::unique_ptr<rpc::StreamThreads> streams_;
  std::unique_ptr<store::OutboxRelay> outbox_;
  std::unique_ptr<GrpcServer> grpc_;
  std::unique_ptr<http::Server> metrics_;
  std::unique_ptr<http::Server> http_;
  HttpFront http_front_;
  HttpHandler http_handler_;
  std::vector<std::pair<std::string, std::function<absl::Status()>>> readiness_;
  std::vector<std::string> served_;
  std::vector<Worker> background_;
  std::vector<std::shared_ptr<void>> owned_;
  bool started_ = false;
  bool shut_down_ = false;
};

// The whole main() of a service: parses flags and the environment, runs a
// subcommand or builds, starts and serves until SIGTERM or SIGINT, then
// shuts down. Returns the process's exit code.
int Main(int argc, char** argv, ServiceSpec spec);

}  // namespace qrcloud::service

#endif  // QRCLOUD_LIBS_SERVICE_HOST_H_
