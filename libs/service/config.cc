#include "libs/service/config.h"

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/cache/redis_flags.h"
#include "libs/core/log.h"

ABSL_FLAG(std::string, listen_address, "0.0.0.0", "Address the gRPC and metrics servers bind");
ABSL_FLAG(int, grpc_port, 0, "gRPC port (0: the service's default)");
ABSL_FLAG(int, metrics_port, -1, "HTTP port for /metrics (-1: the service's default, 0: off)");
ABSL_FLAG(int, workers, 32, "Worker threads for blocking handlers");
ABSL_FLAG(int, max_queue, 4096, "Calls that may wait for a worker before the service sheds load");
ABSL_FLAG(int, max_streams, 256,
          "Server streams at once, each on a thread of its own (beyond: RESOURCE_EXHAUSTED)");
ABSL_FLAG(std::string, mysql_host, "127.0.0.1", "MySQL host");
ABSL_FLAG(int, mysql_port, 3390, "MySQL port");
ABSL_FLAG(std::string, mysql_user, "qrcloud", "MySQL user");
ABSL_FLAG(std::string, mysql_password, "", "MySQL password (prefer QRCLOUD_MYSQL_PASSWORD)");
ABSL_FLAG(std::string, mysql_database, "", "MySQL database (default: the service's own)");
ABSL_FLAG(int, mysql_pool_size, 16, "MySQL connections per process");
ABSL_FLAG(absl::Duration, startup_timeout, absl::Seconds(60),
          "How long to wait for MySQL and Redis at start");
ABSL_FLAG(absl::Duration, session_ttl, absl::Hours(24), "How long a sign-in session lasts");
ABSL_FLAG(absl::Duration, shutdown_drain, absl::ZeroDuration(),
          "On SIGTERM, how long readiness reports NOT_SERVING before the server stops taking "
          "calls (give load balancers time to move away; 5s in Kubernetes)");
ABSL_FLAG(std::string, data_dir, ".",
          "Where the service keeps its files; relative file flags are taken below it");
ABSL_FLAG(std::string, center_api_key_file, "",
          "File holding the API key of the service account this process calls the center as (the "
          "roles in services/services.txt), as written by `qrcloud-center "
          "ensure-service-account <login> <roles> <file>`");

namespace qrcloud::service {

ServiceConfig ServiceConfigFromFlags(const ProcessInfo& d) {
  ServiceConfig c;
  c.name = d.name;
  c.listen_address = absl::GetFlag(FLAGS_listen_address);
  c.grpc_port = absl::GetFlag(FLAGS_grpc_port) > 0 ? absl::GetFlag(FLAGS_grpc_port) : d.grpc_port;
  c.metrics_port =
      absl::GetFlag(FLAGS_metrics_port) >= 0 ? absl::GetFlag(FLAGS_metrics_port) : d.metrics_port;
  c.workers = absl::GetFlag(FLAGS_workers);
  c.max_queue = absl::GetFlag(FLAGS_max_queue);
  c.max_streams = absl::GetFlag(FLAGS_max_streams);
  c.mysql.host = absl::GetFlag(FLAGS_mysql_host);
  c.mysql.port = absl::GetFlag(FLAGS_mysql_port);
  c.mysql.user = absl::GetFlag(FLAGS_mysql_user);
  c.mysql.password = absl::GetFlag(FLAGS_mysql_password);
  c.mysql.database = absl::GetFlag(FLAGS_mysql_database).empty()
                         ? d.database
                         : absl::GetFlag(FLAGS_mysql_database);
  c.mysql.pool_size = absl::GetFlag(FLAGS_mysql_pool_size);
  c.redis = cache::RedisOptionsFromFlags();
  c.startup_timeout = absl::GetFlag(FLAGS_startup_timeout);
  c.session_ttl = absl::GetFlag(FLAGS_session_ttl);
  c.data_dir = absl::GetFlag(FLAGS_data_dir);
  c.center_api_key_file = absl::GetFlag(FLAGS_center_api_key_file);
  c.shutdown_drain = absl::GetFlag(FLAGS_shutdown_drain);
  return c;
}

std::string DataPath(const ServiceConfig& config, absl::string_view path) {
  if (absl::StartsWith(path, "/") || config.data_dir.empty() || config.data_dir == ".") {
    return std::string(path);
  }
  return absl::StrCat(config.data_dir, "/", path);
}

template <typename T>
absl::StatusOr<T> ConnectWithRetry(absl::string_view what, absl::Duration timeout,
                                   const std::function<absl::StatusOr<T>()>& connect) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration backoff = absl::Milliseconds(100);
  while (true) {
    auto result = connect();
    if (result.ok() || result.status().code() != absl::StatusCode::kUnavailable ||
        absl::Now() + backoff > deadline) {
      return result;
    }
    spdlog::warn("{} not reachable yet ({}); retrying", what, result.status().message());
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
}

absl::StatusOr<std::unique_ptr<store::MysqlPool>> ConnectMysql(const ServiceConfig& config) {
  return ConnectWithRetry<std::unique_ptr<store::MysqlPool>>(
      "MySQL", config.startup_timeout, [&] { return store::MysqlPool::Create(config.mysql); });
}

absl::StatusOr<std::unique_ptr<cache::RedisPool>> ConnectRedis(const ServiceConfig& config) {
  return ConnectWithRetry<std::unique_ptr<cache::RedisPool>>(
      "Redis", config.startup_timeout, [&] { return cache::RedisPool::Create(config.redis); });
}

}  // namespace qrcloud::service
