#include "services/personal/feed_cache.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"

namespace qrcloud::personal {
namespace {

constexpr char kAllCircles[] = "pfeed:g";
// Version counters outlive every page stored against them (pages live
// minutes), so a counter that expired and starts again never matches an
// old page.
constexpr int64_t kVersionTtlSeconds = 7 * 24 * 3600;

std::string ViewerKey(absl::string_view account) { return absl::StrCat("pfeed:v:", account); }
std::string CircleKey(absl::string_view circle) { return absl::StrCat("pfeed:c:", circle); }
std::string PageKey(absl::string_view account, int size) {
  return absl::StrCat("pfeed:p:", account, ":", size);
}

int64_t VersionOf(const cache::Reply& r) {
  int64_t v = 0;
  if (r.is_string()) (void)absl::SimpleAtoi(r.view(), &v);
  return v;
}

core::Counter& Lookups(const char* outcome) {
  return core::MetricsRegistry::Global().GetCounter(
      "feed_cache_lookups_total", "First feed pages asked of the cache, by outcome.",
      {{"outcome", outcome}});
}

// A stored page: "<viewer> <circles> <n>\n", n lines "<circle> <version>\n",
// then the page's protobuf bytes.
std::string Encode(const FeedCache::Versions& v, const v1::ListFeedResponse& page) {
  std::string out = absl::StrCat(v.viewer, " ", v.circles, " ", v.circle_ids.size(), "\n");
  for (size_t i = 0; i < v.circle_ids.size(); ++i) {
    absl::StrAppend(&out, v.circle_ids[i], " ", v.circle_versions[i], "\n");
  }
  page.AppendToString(&out);
  return out;
}

bool Decode(absl::string_view in, FeedCache::Versions& v, absl::string_view& page) {
  auto line = [&in](absl::string_view& out) {
    const size_t nl = in.find('\n');
    if (nl == absl::string_view::npos) return false;
    out = in.substr(0, nl);
    in.remove_prefix(nl + 1);
    return true;
  };
  absl::string_view head;
  if (!line(head)) return false;
  std::vector<absl::string_view> parts = absl::StrSplit(head, ' ');
  size_t n = 0;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &v.viewer) ||
      !absl::SimpleAtoi(parts[1], &v.circles) || !absl::SimpleAtoi(parts[2], &n) || n > 10'000) {
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    absl::string_view entry;
    if (!line(entry)) return false;
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(entry, ' ');
    int64_t version = 0;
    if (!absl::SimpleAtoi(kv.second, &version)) return false;
    v.circle_ids.emplace_back(kv.first);
    v.circle_versions.push_back(version);
  }
  page = in;
  return true;
}

}  // namespace

std::optional<FeedCache::Versions> FeedCache::Begin(absl::string_view viewer) {
  absl::StatusOr<cache::Reply> r = redis_.Command({"MGET", ViewerKey(viewer), kAllCircles});
  if (!r.ok() || r->size() != 2) return std::nullopt;
  Versions v;
  v.viewer = VersionOf((*r)[0]);
  v.circles = VersionOf((*r)[1]);
  return v;
}

bool FeedCache::AddCircles(Versions& versions, const std::vector<std::string>& circle_ids) {
  if (circle_ids.empty()) return true;
  cache::Args args = {"MGET"};
  for (const std::string& id : circle_ids) args.push_back(CircleKey(id));
  absl::StatusOr<cache::Reply> r = redis_.Command(args);
  if (!r.ok() || r->size() != circle_ids.size()) return false;
  for (size_t i = 0; i < circle_ids.size(); ++i) {
    versions.circle_ids.push_back(circle_ids[i]);
    versions.circle_versions.push_back(VersionOf((*r)[i]));
  }
  return true;
}

namespace {

// The stored page if every version it was made from is still current, in
// one round trip: "" when there is none, "stale" when something changed.
// (It reads the circles' counters by name, which a single Redis allows.)
const cache::Script kLookupScript(R"lua(
local page = redis.call('GET', KEYS[1])
if not page then return '' end
local nl = string.find(page, '\n', 1, true)
if not nl then return 'stale' end
local viewer, circles, n = string.match(string.sub(page, 1, nl - 1), '^(%d+) (%d+) (%d+)$')
if not n then return 'stale' end
local function version(key)
  return tonumber(redis.call('GET', key) or '0')
end
if version(KEYS[2]) ~= tonumber(viewer) or version(KEYS[3]) ~= tonumber(circles) then
  return 'stale'
end
local at = nl + 1
for _ = 1, tonumber(n) do
  local e = string.find(page, '\n', at, true)
  if not e then return 'stale' end
  local id, v = string.match(string.sub(page, at, e - 1), '^(%S+) (%d+)$')
  if not id or version(ARGV[1] .. id) ~= tonumber(v) then return 'stale' end
  at = e + 1
end
return page
)lua");

}  // namespace

std::optional<v1::ListFeedResponse> FeedCache::Lookup(absl::string_view viewer, int page_size) {
  absl::StatusOr<cache::Reply> r = redis_.Eval(
      kLookupScript, {PageKey(viewer, page_size), ViewerKey(viewer), kAllCircles}, {CircleKey("")});
  if (!r.ok() || !r->is_string() || r->view().empty()) {
    Lookups("miss").Inc();
    return std::nullopt;
  }
  Versions v;
  absl::string_view page;
  v1::ListFeedResponse out;
  if (r->view() == "stale" || !Decode(r->view(), v, page) ||
      !out.ParseFromArray(page.data(), static_cast<int>(page.size()))) {
    Lookups("stale").Inc();
    return std::nullopt;
  }
  Lookups("hit").Inc();
  return out;
}

void FeedCache::Store(absl::string_view viewer, int page_size, const Versions& versions,
                      const v1::ListFeedResponse& page) {
  absl::Status s = redis_
                       .Command({"SET", PageKey(viewer, page_size), Encode(versions, page), "EX",
                                 absl::StrCat(absl::ToInt64Seconds(ttl_))})
                       .status();
  if (!s.ok()) spdlog::warn("feed cache: not stored: {}", s.message());
}

void FeedCache::Bump(std::string key) {
  absl::Status s =
      redis_.Pipeline({{"INCR", key}, {"EXPIRE", key, absl::StrCat(kVersionTtlSeconds)}}).status();
  // The pages built before stay until their time to live runs out.
  if (!s.ok()) spdlog::warn("feed cache: {} not bumped: {}", key, s.message());
}

void FeedCache::ViewerChanged(absl::string_view account_id) { Bump(ViewerKey(account_id)); }
void FeedCache::CircleChanged(absl::string_view circle_id) { Bump(CircleKey(circle_id)); }
void FeedCache::CircleAdded() { Bump(kAllCircles); }

}  // namespace qrcloud::personal
