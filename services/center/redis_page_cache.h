// Pages in Redis: `qrcloud:page:<slug>:<lang>` holds the HTML with its TTL;
// `qrcloud:pageviews:<slug>` is a hash of day (YYYY-MM-DD, UTC+8) → views,
// which the merchant's statistics read.
#ifndef QRCLOUD_SERVICES_CENTER_REDIS_PAGE_CACHE_H_
#define QRCLOUD_SERVICES_CENTER_REDIS_PAGE_CACHE_H_

#include "libs/cache/redis.h"
#include "services/center/page_cache.h"

namespace qrcloud::center {

std::string PageViewsKey(absl::string_view page_slug);

class RedisPageCache final : public PageCache {
 public:
  explicit RedisPageCache(cache::RedisPool& redis) : redis_(redis) {}
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view slug,
                                                 absl::string_view lang) override;
  absl::Status Put(const std::vector<RenderedPage>& pages) override;
  void CountView(absl::string_view slug, absl::string_view day) override;

 private:
  cache::RedisPool& redis_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_REDIS_PAGE_CACHE_H_
