#include "services/center/redis_page_cache.h"

#include "absl/strings/str_cat.h"

namespace qrcloud::center {
namespace {

std::string PageKey(absl::string_view slug, absl::string_view lang) {
  return absl::StrCat("qrcloud:page:", slug, ":", lang);
}

}  // namespace

std::string PageViewsKey(absl::string_view page_slug) {
  return absl::StrCat("qrcloud:pageviews:", page_slug);
}

absl::StatusOr<std::optional<std::string>> RedisPageCache::Get(absl::string_view slug,
                                                               absl::string_view lang) {
  auto cached = redis_.Command({"GET", PageKey(slug, lang)});
  if (!cached.ok()) return cached.status();
  if (cached->is_nil()) return std::nullopt;
  return cached->str();
}

absl::Status RedisPageCache::Put(const std::vector<RenderedPage>& pages) {
  std::vector<cache::Args> writes;
  for (const RenderedPage& p : pages) {
    writes.push_back(
        {"SET", PageKey(p.slug, p.lang), p.html, "EX", absl::StrCat(absl::ToInt64Seconds(p.ttl))});
  }
  return redis_.Pipeline(writes).status();
}

void RedisPageCache::CountView(absl::string_view slug, absl::string_view day) {
  (void)redis_.Command({"HINCRBY", PageViewsKey(slug), std::string(day), "1"});
}

}  // namespace qrcloud::center
