#include "services/center/redis_geo_index.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr char kGeoKey[] = "qrcloud:geo:campaigns";
constexpr char kCopyKey[] = "qrcloud:geo:campaign-copy";

// Each tag has a GEO set of its own, so a search by tag walks only the
// campaigns carrying it.
std::string TagKey(absl::string_view tag) { return absl::StrCat("qrcloud:geo:tagged:", tag); }

}  // namespace

absl::Status RedisGeoIndex::Put(const v1::Campaign& c, const v1::GeoPoint& where) {
  std::vector<cache::Args> commands = {
      {"GEOADD", kGeoKey, absl::StrCat(where.lng()), absl::StrCat(where.lat()), c.id()},
      {"HSET", kCopyKey, c.id(), c.SerializeAsString()}};
  for (const auto& t : c.tags()) {
    commands.push_back(
        {"GEOADD", TagKey(t), absl::StrCat(where.lng()), absl::StrCat(where.lat()), c.id()});
  }
  return redis_.Pipeline(commands).status();
}

absl::Status RedisGeoIndex::Remove(const v1::Campaign& c) {
  std::vector<cache::Args> commands = {{"ZREM", kGeoKey, c.id()}, {"HDEL", kCopyKey, c.id()}};
  for (const auto& t : c.tags()) commands.push_back({"ZREM", TagKey(t), c.id()});
  return redis_.Pipeline(commands).status();
}

absl::StatusOr<v1::NearbyCampaignsResponse> RedisGeoIndex::Nearby(
    double lat, double lng, int radius_m, const std::vector<std::string>& tags, int limit) {
  // Search the first tag's set (or all campaigns); the other tags, if any,
  // are checked per candidate, so ask for more than the limit then.
  const std::string key = tags.empty() ? std::string(kGeoKey) : TagKey(tags[0]);
  const int fetch = tags.size() <= 1 ? limit : std::min(limit * 4, 1000);
  // Redis sorts every member inside the circle before taking the nearest
  // `fetch`, so a wide circle in a dense city is slow. Ask a quarter of the
  // radius first, then half, then all of it: once a circle holds `fetch`
  // members they are the nearest `fetch` of the whole circle too.
  cache::Reply hits;
  for (int r = radius_m >= 1000 ? radius_m / 4 : radius_m;; r = std::min(radius_m, r * 2)) {
    QRCLOUD_ASSIGN_OR_RETURN(
        hits, redis_.Command({"GEOSEARCH", key, "FROMLONLAT", absl::StrCat(lng), absl::StrCat(lat),
                              "BYRADIUS", absl::StrCat(r), "m", "ASC", "COUNT", absl::StrCat(fetch),
                              "WITHDIST"}));
    if (r >= radius_m || static_cast<int>(hits.size()) >= fetch) break;
  }
  v1::NearbyCampaignsResponse out;
  if (hits.size() == 0) return out;
  std::vector<std::pair<std::string, double>> found;
  for (size_t i = 0; i < hits.size(); ++i) {
    double d = 0;
    (void)absl::SimpleAtod(hits[i][1].view(), &d);
    found.emplace_back(hits[i][0].str(), d);
  }
  std::vector<cache::Args> commands;
  cache::Args copies = {"HMGET", kCopyKey};
  for (const auto& [id, d] : found) copies.push_back(id);
  commands.push_back(std::move(copies));
  for (size_t t = 1; t < tags.size(); ++t) {
    for (const auto& [id, d] : found) commands.push_back({"ZSCORE", TagKey(tags[t]), id});
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto replies, redis_.Pipeline(commands));
  const cache::Reply& copy = replies[0];
  for (size_t i = 0; i < found.size() && out.results_size() < limit; ++i) {
    bool match = true;
    for (size_t t = 1; t < tags.size(); ++t)
      match &= !replies[1 + (t - 1) * found.size() + i].is_nil();
    const cache::Reply bytes = copy[i];
    if (!match || bytes.is_nil()) continue;
    auto* result = out.add_results();
    if (!result->mutable_campaign()->ParseFromArray(bytes.view().data(),
                                                    static_cast<int>(bytes.view().size()))) {
      out.mutable_results()->RemoveLast();
      continue;
    }
    result->set_distance_m(found[i].second);
  }
  return out;
}

}  // namespace qrcloud::center
