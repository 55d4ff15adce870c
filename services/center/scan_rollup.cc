#include "services/center/scan_rollup.h"

#include <map>
#include <set>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/scan_event.h"
#include "libs/core/status.h"

namespace qrcloud::center {
namespace {

constexpr int kBatch = 256;  // stream entries, each a batch of scans

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

// Padded to kIdsPerStatement with the last id, as the statements expect.
store::Params PaddedIds(const std::vector<std::string>& ids, size_t start) {
  store::Params params;
  for (size_t k = 0; k < kIdsPerStatement; ++k) {
    params.push_back(ids[std::min(start + k, ids.size() - 1)]);
  }
  return params;
}

// Which of `ids` (stream entry ids) were applied before and not yet
// forgotten: delivered again after a crash between commit and acknowledgement.
absl::StatusOr<std::set<std::string>> AppliedEntries(store::Connection& conn,
                                                     const std::vector<std::string>& ids) {
  std::set<std::string> applied;
  static const std::string sql =
      absl::StrCat("SELECT entry_id FROM scan_rollup_entries WHERE entry_id IN (",
                   Placeholders(kIdsPerStatement), ")");
  for (size_t start = 0; start < ids.size(); start += kIdsPerStatement) {
    QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, PaddedIds(ids, start)));
    for (const auto& r : rows) applied.insert(r.String("entry_id"));
  }
  return applied;
}

absl::Status RecordEntries(store::Connection& conn, const std::vector<std::string>& ids) {
  static const std::string sql = [] {
    std::string values;
    for (size_t i = 0; i < kIdsPerStatement; ++i)
      values += i ? ",(?, UTC_TIMESTAMP(6))" : "(?, UTC_TIMESTAMP(6))";
    return absl::StrCat("INSERT IGNORE INTO scan_rollup_entries (entry_id, applied_at) VALUES ",
                        values);
  }();
  for (size_t start = 0; start < ids.size(); start += kIdsPerStatement) {
    QRCLOUD_RETURN_IF_ERROR(conn.Execute(sql, PaddedIds(ids, start)).status());
  }
  return absl::OkStatus();
}

absl::Status ForgetEntries(store::Connection& conn, const std::vector<std::string>& ids) {
  static const std::string sql = absl::StrCat("DELETE FROM scan_rollup_entries WHERE entry_id IN (",
                                              Placeholders(kIdsPerStatement), ")");
  for (size_t start = 0; start < ids.size(); start += kIdsPerStatement) {
    QRCLOUD_RETURN_IF_ERROR(conn.Execute(sql, PaddedIds(ids, start)).status());
  }
  return absl::OkStatus();
}

core::Counter& DroppedReplays() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "scan_rollup_replays_dropped_total",
      "Batches replayed from a gateway spool that were already in the stream.");
  return c;
}

core::Counter& UnverifiedReplays() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "scan_rollup_replays_unverified_total",
      "Replayed batches counted although the stream no longer reached back to their tries.");
  return c;
}

// Whether the batch of a replayed entry is in the stream already, near one
// of its tries: 1 found, 0 not, 2 not found but the stream was trimmed past
// a try (counted, and reported). KEYS[1] the stream; ARGV[1] the batch id,
// ARGV[2] the replayed entry's own id, then pairs of window bounds (ms).
const cache::Script& FindBatchScript() {
  static const cache::Script* script = new cache::Script(R"lua(
local head = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local oldest = head[1] and tonumber(string.match(head[1][1], '^(%d+)')) or nil
local result = 0
for i = 3, #ARGV, 2 do
  if oldest and oldest > tonumber(ARGV[i]) then result = 2 end
  local from = ARGV[i]
  while true do
    local page = redis.call('XRANGE', KEYS[1], from, ARGV[i + 1], 'COUNT', 200)
    for _, entry in ipairs(page) do
      if entry[1] ~= ARGV[2] then
        local fields = entry[2]
        for j = 1, #fields, 2 do
          if fields[j] == 'batch' and fields[j + 1] == ARGV[1] then return 1 end
        end
      end
    end
    if #page < 200 then break end
    from = '(' .. page[#page][1]
  end
end
return result
)lua");
  return *script;
}

// Whether `entry`, a replay from a gateway's spool, repeats a batch already
// in the stream (and so is not counted).
absl::StatusOr<bool> RepeatsABatch(const cache::StreamEntry& entry, cache::RedisPool& redis) {
  const std::string attempts = entry.Field(core::kScanAttemptsField);
  const std::string batch = entry.Field(core::kScanBatchField);
  if (attempts.empty() || batch.empty()) return false;
  cache::Args args = {batch, entry.id};
  const int64_t window = absl::ToInt64Milliseconds(kTryWindow);
  for (absl::string_view t : absl::StrSplit(attempts, ',', absl::SkipEmpty())) {
    int64_t ms = 0;
    if (!absl::SimpleAtoi(t, &ms)) continue;
    args.push_back(absl::StrCat(std::max<int64_t>(0, ms - window)));
    args.push_back(absl::StrCat(ms + window));
  }
  QRCLOUD_ASSIGN_OR_RETURN(cache::Reply found,
                           redis.Eval(FindBatchScript(), {core::kScanStream}, args));
  if (found.integer() == 2) {
    UnverifiedReplays().Inc();
    spdlog::warn("scans: batch {} replayed after the stream was trimmed past its tries; counted",
                 batch);
  }
  if (found.integer() == 1) DroppedReplays().Inc();
  return found.integer() == 1;
}

}  // namespace

cache::StreamConsumerOptions ScanRollup::ConsumerOptions() {
  cache::StreamConsumerOptions options{.stream = core::kScanStream,
                                       .group = kRollupGroup,
                                       .consumer = cache::ConsumerName(),
                                       .batch = kBatch};
  options.acked = [this](const std::vector<std::string>& ids) { Acked(ids); };
  // A commit per trickle of scans would cost the database more than the
  // scans: gather for up to 200 ms (the statistics lag that much at most).
  options.linger = absl::Milliseconds(200);
  return options;
}

void ScanRollup::Acked(const std::vector<std::string>& entry_ids) {
  forget_.insert(forget_.end(), entry_ids.begin(), entry_ids.end());
  // While batches come full, more are waiting: the next batch's transaction
  // deletes these rows too, sparing a commit per batch. Otherwise now.
  if (forget_.empty() || last_batch_full_) return;
  absl::Status s =
      mysql_.Transaction([&](store::Connection& conn) { return ForgetEntries(conn, forget_); });
  // Left for the sweep: the entries are acknowledged, so it can delete them.
  if (!s.ok()) spdlog::warn("scan rollup: rows of acknowledged entries kept: {}", s.message());
  forget_.clear();
}

absl::Status ScanRollup::Sweep(cache::RedisPool& redis, absl::Duration age) {
  QRCLOUD_ASSIGN_OR_RETURN(auto conn, mysql_.Acquire());
  QRCLOUD_ASSIGN_OR_RETURN(
      auto rows, conn->Query("SELECT entry_id FROM scan_rollup_entries WHERE applied_at < "
                             "UTC_TIMESTAMP(6) - INTERVAL ? SECOND ORDER BY applied_at LIMIT 500",
                             {absl::ToInt64Seconds(age)}));
  std::vector<std::string> gone;
  for (const auto& r : rows) {
    const std::string id = r.String("entry_id");
    QRCLOUD_ASSIGN_OR_RETURN(cache::Reply pending, redis.Command({"XPENDING", core::kScanStream,
                                                                  kRollupGroup, id, id, "1"}));
    if (pending.size() == 0) gone.push_back(id);
  }
  if (gone.empty()) return absl::OkStatus();
  return ForgetEntries(*conn, gone);
}

cache::Handled ScanRollup::Apply(const std::vector<cache::StreamEntry>& entries,
                                 cache::RedisPool& redis) {
  if (absl::Now() >= next_sweep_) {
    next_sweep_ = absl::Now() + absl::Minutes(10);
    if (absl::Status s = Sweep(redis, absl::Minutes(10)); !s.ok()) {
      spdlog::warn("scan rollup: sweep failed: {}", s.message());
    }
  }
  absl::StatusOr<int> applied = ApplyBatch(entries, redis);
  if (!applied.ok()) return {0, applied.status()};
  return {entries.size(), absl::OkStatus()};
}

namespace {

// The events of the entries not skipped (each entry is one gateway batch),
// each event id once.
std::vector<core::ScanEvent> Unpack(const std::vector<cache::StreamEntry>& entries,
                                    const std::set<std::string>& skip) {
  std::vector<core::ScanEvent> events;
  std::set<std::string> seen;
  for (const auto& e : entries) {
    if (skip.count(e.id) > 0) continue;
    for (auto& ev : core::UnpackScanEvents(e.Field(core::kScanEventsField))) {
      if (seen.insert(ev.event_id).second) events.push_back(std::move(ev));
    }
  }
  return events;
}

// Whether a scan counts as unique: its device's first of the code in the
// window, and among the first kMaxDevicesPerSource devices of its address.
// The device marker remembers which scan set it, and an address's devices
// are a set, so a redelivered scan decides the same. KEYS[1] the device
// marker, KEYS[2] the address's devices; ARGV: event id, window (ms), the
// cap, the device.
const cache::Script& UniqueScript() {
  static const cache::Script* script = new cache::Script(R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('SISMEMBER', KEYS[2], ARGV[4]) == 1 then return 1 end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
)lua");
  return *script;
}

// Which events count as unique, decided in Redis (one pipeline).
absl::StatusOr<std::vector<bool>> Uniques(const std::vector<core::ScanEvent>& events,
                                          cache::RedisPool& redis) {
  std::vector<std::pair<cache::Args, cache::Args>> calls;
  const std::string window = absl::StrCat(absl::ToInt64Milliseconds(kUniqueWindow));
  const std::string cap = absl::StrCat(kMaxDevicesPerSource);
  // Only a device's first scan of a code in the batch can be unique (a later
  // one finds the marker the first set), so only firsts ask Redis; a
  // redelivered batch has the same firsts.
  std::vector<bool> asks(events.size(), false);
  std::set<std::pair<std::string, std::string>> firsts;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& ev = events[i];
    if (ev.flagged() || !firsts.emplace(ev.code_id, ev.device).second) continue;
    asks[i] = true;
    // Scans recorded before addresses were kept count by device alone.
    const std::string& source = ev.source.empty() ? ev.device : ev.source;
    calls.push_back({{absl::StrCat("qrcloud:uniq:", ev.code_id, ":", ev.device),
                      absl::StrCat("qrcloud:uniqsrc:", ev.code_id, ":", source)},
                     {ev.event_id, window, cap, ev.device}});
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<cache::Reply> replies,
                           redis.EvalEach(UniqueScript(), calls));
  std::vector<bool> unique(events.size(), false);
  for (size_t i = 0, m = 0; i < events.size(); ++i) {
    if (asks[i]) unique[i] = replies[m++].integer() == 1;
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
  std::set<std::string> repeats;  // replays of batches already in the stream
  std::vector<std::string> ids;
  for (const auto& e : entries) {
    ids.push_back(e.id);
    QRCLOUD_ASSIGN_OR_RETURN(const bool repeat, RepeatsABatch(e, redis));
    if (repeat) repeats.insert(e.id);
  }
  int applied = 0;
  last_batch_full_ = entries.size() >= static_cast<size_t>(kBatch);
  QRCLOUD_RETURN_IF_ERROR(mysql_.Transaction([&](store::Connection& conn) -> absl::Status {
    applied = 0;
    // Rows of entries acknowledged since (Acked) go in the same commit.
    QRCLOUD_RETURN_IF_ERROR(ForgetEntries(conn, forget_));
    // Entries applied before, delivered again: nothing of them counts twice.
    QRCLOUD_ASSIGN_OR_RETURN(std::set<std::string> skip, AppliedEntries(conn, ids));
    Replayed().Inc(skip.size());
    skip.insert(repeats.begin(), repeats.end());
    const std::vector<core::ScanEvent> events = Unpack(entries, skip);
    // Uniqueness in Redis, before the commit: a redelivery decides the same.
    QRCLOUD_ASSIGN_OR_RETURN(const std::vector<bool> unique, Uniques(events, redis));
    Buckets buckets;
    for (size_t i = 0; i < events.size(); ++i) {
      const core::ScanEvent& ev = events[i];
      Counts& c = buckets[{ev.code_id, HourOf(ev.time_ms), ev.platform_code}];
      if (ev.flagged()) {
        ++c.flagged;
      } else {
        ++c.scans;
        if (unique[i]) ++c.uniques;
      }
      ++applied;
    }
    QRCLOUD_RETURN_IF_ERROR(RecordEntries(conn, ids));
    return AddCounts(conn, buckets);
  }));
  forget_.clear();
  Applied().Inc(entries.size());
  return applied;
}

}  // namespace qrcloud::center
