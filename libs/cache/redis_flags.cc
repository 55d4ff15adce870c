#include "libs/cache/redis_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, redis_host, "127.0.0.1", "Redis host");
ABSL_FLAG(int, redis_port, 6390, "Redis port");
ABSL_FLAG(int, redis_db, 0, "Redis database number");
ABSL_FLAG(std::string, redis_password, "", "Redis password (prefer QRCLOUD_REDIS_PASSWORD)");
ABSL_FLAG(int, redis_pool_size, 32, "Redis connections per process");

namespace qrcloud::cache {

RedisOptions RedisOptionsFromFlags() {
  RedisOptions o;
  o.host = absl::GetFlag(FLAGS_redis_host);
  o.port = absl::GetFlag(FLAGS_redis_port);
  o.db = absl::GetFlag(FLAGS_redis_db);
  o.password = absl::GetFlag(FLAGS_redis_password);
  o.pool_size = absl::GetFlag(FLAGS_redis_pool_size);
  return o;
}

}  // namespace qrcloud::cache
