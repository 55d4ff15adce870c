// The slug cache in Redis: `qrcloud:slug:<slug>` holds a serialized
// ResolveSlugResponse, and `qrcloud:slug-changed` tells every gateway to drop
// its in-process copy (gateway/scan_path.cc reads both).
#ifndef QRCLOUD_SERVICES_CENTER_REDIS_SLUG_CACHE_H_
#define QRCLOUD_SERVICES_CENTER_REDIS_SLUG_CACHE_H_

#include "libs/cache/redis.h"
#include "services/center/code_store.h"

namespace qrcloud::center {

inline constexpr char kSlugKeyPrefix[] = "qrcloud:slug:";
inline constexpr char kSlugChangedChannel[] = "qrcloud:slug-changed";

class RedisSlugCache final : public SlugCache {
 public:
  explicit RedisSlugCache(cache::RedisPool& redis) : redis_(redis) {}
  absl::Status Put(const std::vector<CodeRow>& rows) override;
  absl::Status Changed(const CodeRow& row) override;

 private:
  cache::RedisPool& redis_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_REDIS_SLUG_CACHE_H_
