// Configuration every qrcloud service process shares: its ports, where MySQL
// and Redis are, the worker pool, its data directory and the key it calls
// the center with. Defined once here as Abseil flags (each also settable as
// QRCLOUD_<FLAG>); what differs per service (ports, database) defaults to
// its line in services/services.txt.
#ifndef QRCLOUD_LIBS_SERVICE_CONFIG_H_
#define QRCLOUD_LIBS_SERVICE_CONFIG_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/service/registry.h"
#include "libs/store/mysql.h"

namespace qrcloud::service {

struct ServiceConfig {
  std::string name;  // the process, e.g. "center"
  std::string listen_address;
  int grpc_port = 0;
  int metrics_port = 0;  // 0: no metrics endpoint
  int workers = 0;
  int max_queue = 0;
  int max_streams = 0;
  store::MysqlOptions mysql;
  cache::RedisOptions redis;
  absl::Duration startup_timeout;
  // How long a sign-in session lasts (the center makes them; every service
  // reads them).
  absl::Duration session_ttl;
  // Where the service keeps its files (relative paths of its own flags
  // default below it).
  std::string data_dir;
  // The API key of the service account it calls the center as; "" if none.
  std::string center_api_key_file;
  // On SIGTERM, how long readiness says NOT_SERVING before the server stops
  // taking calls, so load balancers move away first (5 s in Kubernetes).
  absl::Duration shutdown_drain;
};

// Reads the flags, filling in the process's line of the service list where a
// flag was left unset.
ServiceConfig ServiceConfigFromFlags(const ProcessInfo& process);

// `path` under the data directory, unless it is absolute.
std::string DataPath(const ServiceConfig& config, absl::string_view path);

// Retries `connect` with backoff until it succeeds or `timeout` passes, so a
// service started together with its databases waits for them.
template <typename T>
absl::StatusOr<T> ConnectWithRetry(absl::string_view what, absl::Duration timeout,
                                   const std::function<absl::StatusOr<T>()>& connect);

absl::StatusOr<std::unique_ptr<store::MysqlPool>> ConnectMysql(const ServiceConfig& config);
absl::StatusOr<std::unique_ptr<cache::RedisPool>> ConnectRedis(const ServiceConfig& config);

}  // namespace qrcloud::service

#endif  // QRCLOUD_LIBS_SERVICE_CONFIG_H_
