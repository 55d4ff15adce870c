#include "services/center/redis_slug_cache.h"

#include "absl/strings/str_cat.h"

namespace qrcloud::center {
namespace {

cache::Args SetResolution(const CodeRow& row) {
  return {"SET", absl::StrCat(kSlugKeyPrefix, row.code.slug()),
          ResolutionOf(row).SerializeAsString()};
}

}  // namespace

absl::Status RedisSlugCache::Put(const std::vector<CodeRow>& rows) {
  std::vector<cache::Args> writes;
  writes.reserve(rows.size());
  for (const CodeRow& row : rows) writes.push_back(SetResolution(row));
  return redis_.Pipeline(writes).status();
}

absl::Status RedisSlugCache::Changed(const CodeRow& row) {
  return redis_.Pipeline({SetResolution(row), {"PUBLISH", kSlugChangedChannel, row.code.slug()}})
      .status();
}

}  // namespace qrcloud::center
