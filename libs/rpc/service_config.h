// Configuration every qrcloud service process shares: where MySQL and Redis
// are, the gRPC and metrics ports, the worker pool. Defined once here as
// Abseil flags (each also settable as QRCLOUD_<FLAG>); a service supplies its
// own defaults for what differs (port, database name).
#ifndef QRCLOUD_LIBS_RPC_SERVICE_CONFIG_H_
#define QRCLOUD_LIBS_RPC_SERVICE_CONFIG_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/store/mysql.h"

namespace qrcloud::rpc {

struct ServiceDefaults {
  std::string name;      // e.g. "center"
  int grpc_port;         // e.g. 50051
  int metrics_port;      // e.g. 9051
  std::string database;  // e.g. "qrcloud_center"
};

struct ServiceConfig {
  std::string listen_address;
  int grpc_port = 0;
  int metrics_port = 0;  // 0: no metrics endpoint
  int workers = 0;
  int max_queue = 0;
  store::MysqlOptions mysql;
  cache::RedisOptions redis;
  absl::Duration startup_timeout;
};

// Reads the flags, filling in `defaults` where a flag was left unset.
ServiceConfig ServiceConfigFromFlags(const ServiceDefaults& defaults);

// Retries `connect` with backoff until it succeeds or `timeout` passes, so a
// service started together with its databases waits for them.
template <typename T>
absl::StatusOr<T> ConnectWithRetry(absl::string_view what, absl::Duration timeout,
                                   const std::function<absl::StatusOr<T>()>& connect);

absl::StatusOr<std::unique_ptr<store::MysqlPool>> ConnectMysql(const ServiceConfig& config);
absl::StatusOr<std::unique_ptr<cache::RedisPool>> ConnectRedis(const ServiceConfig& config);

}  // namespace qrcloud::rpc

#endif  // QRCLOUD_LIBS_RPC_SERVICE_CONFIG_H_
