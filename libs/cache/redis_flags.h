// Where Redis is, as flags (each also settable as QRCLOUD_<FLAG>), for every
// process that uses Redis: --redis_host, --redis_port, --redis_db,
// --redis_password, --redis_pool_size.
#ifndef QRCLOUD_LIBS_CACHE_REDIS_FLAGS_H_
#define QRCLOUD_LIBS_CACHE_REDIS_FLAGS_H_

#include "libs/cache/redis.h"

namespace qrcloud::cache {

RedisOptions RedisOptionsFromFlags();

}  // namespace qrcloud::cache

#endif  // QRCLOUD_LIBS_CACHE_REDIS_FLAGS_H_
