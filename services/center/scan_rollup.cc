#include "services/center/scan_rollup.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/scan_event.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr int kBatch = 64;  // stream entries, each a batch of scans

core::Counter& Applied() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "scan_rollup_entries_total", "Scan stream entries rolled up into MySQL.");
  return c;
}

core::Counter& Replayed() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "scan_rollup_replayed_total", "Scan stream entries seen again and skipped.");
  return c;
}

// The start of the hour holding `ms`, as MySQL DATETIME text.
std::string HourOf(int64_t ms) {
  return absl::FormatTime("%Y-%m-%d %H:00:00", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

struct Counts {
  int64_t scans = 0;
  int64_t uniques = 0;
  int64_t flagged = 0;
};

// Statements take a fixed number of ids (padded by repeating the last), so a
// few prepared statements serve every batch size.
constexpr size_t kIdsPerStatement = 100;

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

absl::StatusOr<std::vector<bool>> AlreadyApplied(store::Connection& conn,
                                                 const std::vector<core::ScanEvent>& events) {
  std::vector<bool> seen(events.size(), false);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < events.size(); ++i) index[events[i].event_id] = i;
  static const std::string sql =
      absl::StrCat("SELECT event_id FROM scan_events_applied WHERE event_id IN (",
                   Placeholders(kIdsPerStatement), ")");
  for (size_t start = 0; start < events.size(); start += kIdsPerStatement) {
    store::Params params;
    for (size_t k = 0; k < kIdsPerStatement; ++k) {
      params.push_back(events[std::min(start + k, events.size() - 1)].event_id);
    }
    QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
    for (const auto& r : rows) seen[index[r.String("event_id")]] = true;
  }
  // The same event twice in one batch counts once.
  std::map<std::string, bool> first;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!first.emplace(events[i].event_id, true).second) seen[i] = true;
  }
  return seen;
}

absl::Status MarkApplied(store::Connection& conn, const std::vector<std::string>& ids) {
  static const std::string sql = [] {
    std::string values;
    for (size_t i = 0; i < kIdsPerStatement; ++i)
      values += i ? ",(?, UTC_TIMESTAMP(6))" : "(?, UTC_TIMESTAMP(6))";
    return absl::StrCat("INSERT IGNORE INTO scan_events_applied (event_id, applied_at) VALUES ",
                        values);
  }();
  for (size_t start = 0; start < ids.size(); start += kIdsPerStatement) {
    store::Params params;
    for (size_t k = 0; k < kIdsPerStatement; ++k)
      params.push_back(ids[std::min(start + k, ids.size() - 1)]);
    QRCLOUD_RETURN_IF_ERROR(conn.Execute(sql, params).status());
  }
  return absl::OkStatus();
}

}  // namespace

cache::StreamConsumerOptions ScanRollup::ConsumerOptions() {
  return {.stream = core::kScanStream,
          .group = kRollupGroup,
          .consumer = cache::ConsumerName(),
          .batch = kBatch};
}

cache::Handled ScanRollup::Apply(const std::vector<cache::StreamEntry>& entries,
                                 cache::RedisPool& redis) {
  absl::StatusOr<int> applied = ApplyBatch(entries, redis);
  if (!applied.ok()) return {0, applied.status()};
  return {entries.size(), absl::OkStatus()};
}

namespace {

// Each stream entry is one gateway batch of events.
std::vector<core::ScanEvent> Unpack(const std::vector<cache::StreamEntry>& entries) {
  std::vector<core::ScanEvent> events;
  for (const auto& e : entries) {
    for (auto& ev : core::UnpackScanEvents(e.Field(core::kScanEventsField))) {
      events.push_back(std::move(ev));
    }
  }
  return events;
}

// Which events are a device's first scan of their code in the window,
// decided in Redis: SET NX remembers which event first saw the device for
// the code, so a replay decides the same.
absl::StatusOr<std::vector<bool>> Uniques(const std::vector<core::ScanEvent>& events,
                                          cache::RedisPool& redis) {
  std::vector<cache::Args> marks;
  for (const auto& ev : events) {
    if (ev.flagged()) continue;
    const std::string key = absl::StrCat("qrcloud:uniq:", ev.code_id, ":", ev.device);
    marks.push_back({"SET", key, ev.event_id, "NX", "PX",
                     absl::StrCat(absl::ToInt64Milliseconds(kUniqueWindow))});
    marks.push_back({"GET", key});
  }
  std::vector<cache::Reply> replies;
  if (!marks.empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(replies, redis.Pipeline(marks));
  }
  std::vector<bool> unique(events.size(), false);
  for (size_t i = 0, m = 0; i < events.size(); ++i) {
    if (events[i].flagged()) continue;
    unique[i] = replies[2 * m + 1].str() == events[i].event_id;
    ++m;
  }
  return unique;
}

using Buckets = std::map<std::tuple<std::string, std::string, std::string>, Counts>;

absl::Status AddCounts(store::Connection& conn, const Buckets& buckets) {
  for (const auto& [key, c] : buckets) {
    const auto& [code_id, hour, platform] = key;
    QRCLOUD_RETURN_IF_ERROR(conn.Execute("INSERT INTO code_scan_hours (code_id, hour, "
                                         "platform_code, scans, unique_scans, flagged) "
                                         "VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
                                         "scans = scans + VALUES(scans), "
                                         "unique_scans = unique_scans + VALUES(unique_scans), "
                                         "flagged = flagged + VALUES(flagged)",
                                         {code_id, hour, platform, c.scans, c.uniques, c.flagged})
                                .status());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> ScanRollup::ApplyBatch(const std::vector<cache::StreamEntry>& entries,
                                           cache::RedisPool& redis) {
  const std::vector<core::ScanEvent> events = Unpack(entries);
  QRCLOUD_ASSIGN_OR_RETURN(const std::vector<bool> unique, Uniques(events, redis));
  int applied = 0;
  QRCLOUD_RETURN_IF_ERROR(mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    applied = 0;
    // Which events were rolled up before (a replayed batch, or a scan that
    // reached the stream twice through a gateway's spool)?
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<bool> seen, AlreadyApplied(conn, events));
    Buckets buckets;
    std::vector<std::string> fresh;
    for (size_t i = 0; i < events.size(); ++i) {
      if (seen[i]) {
        Replayed().Inc();
        continue;
      }
      const core::ScanEvent& ev = events[i];
      fresh.push_back(ev.event_id);
      Counts& c = buckets[{ev.code_id, HourOf(ev.time_ms), ev.platform_code}];
      if (ev.flagged()) {
        ++c.flagged;
      } else {
        ++c.scans;
        if (unique[i]) ++c.uniques;
      }
      ++applied;
    }
    QRCLOUD_RETURN_IF_ERROR(MarkApplied(conn, fresh));
    return AddCounts(conn, buckets);
  }));
  Applied().Inc(applied);
  return static_cast<int>(events.size());
}

}  // namespace qrcloud::center
