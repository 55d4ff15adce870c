#include "services/center/geo_index.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr char kGeoKey[] = "qrcloud:geo:campaigns";
constexpr char kCopyKey[] = "qrcloud:geo:campaign-copy";

std::string TagKey(absl::string_view tag) { return absl::StrCat("qrcloud:geo:tag:", tag); }

}  // namespace

double DistanceMeters(double lat1, double lng1, double lat2, double lng2) {
  constexpr double kEarthRadius = 6371008.8;
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlng = (lng2 - lng1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

absl::Status GeoIndex::Put(const v1::Campaign& c, const v1::GeoPoint& where) {
  std::vector<cache::Args> commands = {
      {"GEOADD", kGeoKey, absl::StrCat(where.lng()), absl::StrCat(where.lat()), c.id()},
      {"HSET", kCopyKey, c.id(), c.SerializeAsString()}};
  for (const auto& t : c.tags()) commands.push_back({"SADD", TagKey(t), c.id()});
  return redis_.Pipeline(commands).status();
}

absl::Status GeoIndex::Remove(const v1::Campaign& c) {
  std::vector<cache::Args> commands = {{"ZREM", kGeoKey, c.id()}, {"HDEL", kCopyKey, c.id()}};
  for (const auto& t : c.tags()) commands.push_back({"SREM", TagKey(t), c.id()});
  return redis_.Pipeline(commands).status();
}

absl::StatusOr<v1::NearbyCampaignsResponse> GeoIndex::Nearby(double lat, double lng, int radius_m,
                                                             const std::vector<std::string>& tags, int limit) {
  // Nearest first; with tag filters ask for more, then keep those that match.
  const int fetch = tags.empty() ? limit : std::min(limit * 8, 2000);
  QRCLOUD_ASSIGN_OR_RETURN(
      cache::Reply hits,
      redis_.Command({"GEOSEARCH", kGeoKey, "FROMLONLAT", absl::StrCat(lng), absl::StrCat(lat), "BYRADIUS",
                      absl::StrCat(radius_m), "m", "ASC", "COUNT", absl::StrCat(fetch), "WITHDIST"}));
  std::vector<std::pair<std::string, double>> found;
  for (size_t i = 0; i < hits.size(); ++i) {
    double d = 0;
    (void)absl::SimpleAtod(hits[i][1].view(), &d);
    found.emplace_back(hits[i][0].str(), d);
  }
  v1::NearbyCampaignsResponse out;
  if (found.empty()) return out;
  std::vector<cache::Args> commands;
  for (const auto& [id, d] : found) {
    commands.push_back({"HGET", kCopyKey, id});
    for (const auto& t : tags) commands.push_back({"SISMEMBER", TagKey(t), id});
  }
  QRCLOUD_ASSIGN_OR_RETURN(auto replies, redis_.Pipeline(commands));
  size_t r = 0;
  for (const auto& [id, d] : found) {
    const cache::Reply& copy = replies[r++];
    bool match = true;
    for (size_t t = 0; t < tags.size(); ++t) match &= replies[r++].integer() == 1;
    if (!match || copy.is_nil() || out.results_size() >= limit) continue;
    auto* result = out.add_results();
    if (!result->mutable_campaign()->ParseFromArray(copy.view().data(), static_cast<int>(copy.view().size()))) {
      out.mutable_results()->RemoveLast();
      continue;
    }
    result->set_distance_m(d);
  }
  return out;
}

}  // namespace qrcloud::center
