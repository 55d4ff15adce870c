// Where rendered pages are kept and their views counted, as the page logic
// sees it: Redis in the service (redis_page_cache.h), memory in unit tests.
#ifndef QRCLOUD_SERVICES_CENTER_PAGE_CACHE_H_
#define QRCLOUD_SERVICES_CENTER_PAGE_CACHE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace qrcloud::center {

struct RenderedPage {
  std::string slug;
  std::string lang;  // "zh" or "en"
  std::string html;
  absl::Duration ttl;
};

class PageCache {
 public:
  virtual ~PageCache() = default;
  // The page, or nullopt if it is not (or no longer) kept.
  virtual absl::StatusOr<std::optional<std::string>> Get(absl::string_view slug,
                                                         absl::string_view lang) = 0;
  virtual absl::Status Put(const std::vector<RenderedPage>& pages) = 0;
  // One view of the page on `day` (YYYY-MM-DD in Shanghai); best effort.
  virtual void CountView(absl::string_view slug, absl::string_view day) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_PAGE_CACHE_H_
