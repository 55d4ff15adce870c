#include "gateway/scan_recorder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"

namespace qrcloud::gateway {
namespace {

namespace fs = std::filesystem;

constexpr char kLogSuffix[] = ".scans";
// How long Redis is left alone after it failed a batch; the log keeps the
// batches meanwhile, and a replay tries again.
constexpr absl::Duration kRedisRetry = absl::Seconds(1);
// Files replayed in one round of the flusher, so that a long backlog does
// not hold up the batches being gathered.
constexpr size_t kReplayFilesPerRound = 64;
// Each batch's file is this large while scans are copied into it (its
// blocks reserved, so no page of its mapping can fail for want of disk),
// and cut to its scans when it is shipped. Far more than a full batch
// takes; a batch half full is shipped at once.
constexpr size_t kFileBytes = 512 * 1024;
// How often the stream is trimmed of what its consumers are done with.
constexpr absl::Duration kTrimEvery = absl::Seconds(5);

struct Metrics {
  core::Counter& recorded = core::MetricsRegistry::Global().GetCounter(
      "gateway_scans_recorded_total", "Scans appended to the scans stream.");
  core::Counter& spooled = core::MetricsRegistry::Global().GetCounter(
      "gateway_scans_spooled_total",
      "Scans kept in the scan log for a replay because Redis did not take their batch.");
  core::Counter& refused = core::MetricsRegistry::Global().GetCounter(
      "gateway_scans_refused_total",
      "Scans answered 503 because neither the scan log nor Redis took them.");
  core::Histogram& batch = core::MetricsRegistry::Global().GetHistogram(
      "gateway_scan_batch_size", "Scans per stream entry.", {},
      {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024});
};

Metrics& M() {
  static Metrics* m = new Metrics;
  return *m;
}

bool WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Appends `line` to the file at `path` and syncs it.
bool AppendSynced(const std::string& path, const std::string& line) {
  const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = WriteAll(fd, line) && fdatasync(fd) == 0;
  close(fd);
  return ok;
}

std::string NowMs() { return absl::StrCat(absl::ToUnixMillis(absl::Now())); }

// A batch as read back from the log.
struct LoggedBatch {
  std::string id;
  std::vector<std::string> attempts;  // Unix ms
  std::string packed;
  size_t events = 0;
};

// The batches of a log file. A file of this gateway is one batch, named by
// the file; "#tried" and "#replay" lines give the times it was tried. The
// spool file of an older gateway held several, each after a "#batch <id>
// <first try>" line, and its "#replay" lines apply to them all.
std::vector<LoggedBatch> ReadLogFile(const std::string& path, const std::string& file_id) {
  std::vector<LoggedBatch> batches;
  std::vector<std::string> file_attempts;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> words = absl::StrSplit(line, ' ');
    if (words.size() == 3 && words[0] == "#batch") {
      batches.push_back({words[1], {words[2]}, "", 0});
    } else if (words.size() == 2 && (words[0] == "#tried" || words[0] == "#replay")) {
      file_attempts.push_back(words[1]);
    } else if (auto e = core::ScanEvent::FromLine(line)) {
      if (batches.empty()) batches.push_back({file_id, {}, "", 0});
      absl::StrAppend(&batches.back().packed, line, "\n");
      ++batches.back().events;
    }
  }
  for (LoggedBatch& b : batches) {
    b.attempts.insert(b.attempts.end(), file_attempts.begin(), file_attempts.end());
  }
  return batches;
}

// A file of the log that an earlier gateway left.
struct LeftFile {
  std::string path;
  int64_t bytes = 0;
  int64_t events = 0;
};

// Cuts a log file to its whole lines before its first NUL byte: a batch's
// file is zeros after its scans until it is shipped, and a gateway that
// died left it so, perhaps in the middle of copying a line (a scan not yet
// answered, whose half must not be read as a scan). Counts what is left.
LeftFile CutToWholeLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t end = std::min(content.find('\0'), content.size());
  const size_t newline = end == 0 ? std::string::npos : content.rfind('\n', end - 1);
  const size_t keep = newline == std::string::npos ? 0 : newline + 1;
  if (keep < content.size() && truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
    spdlog::error("scans: cannot cut {} to its whole lines", path);
  }
  LeftFile left{path, static_cast<int64_t>(keep), 0};
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(content).substr(0, keep), '\n', absl::SkipEmpty())) {
    if (line[0] != '#') ++left.events;  // the scans: every line but the marks
  }
  return left;
}

// The log's files left by an earlier gateway, oldest first (batch ids are
// ULIDs).
std::vector<std::string> LogFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && absl::EndsWith(entry.path().filename().string(), kLogSuffix))
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Takes the lock of the log at `dir`, waiting up to 10 s for a gateway that
// is stopping to let it go.
absl::StatusOr<int> LockLog(const std::string& dir) {
  const std::string path = absl::StrCat(dir, "/lock");
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot open ", path));
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (absl::Now() >= deadline) {
      close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat("the scan log ", dir, " is in use by another gateway (--scan_spool)"));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return fd;
}

// Trims the stream of what every consumer group has read and acknowledged,
// keeping the last ARGV[1] ms whatever the groups did (a replay's check
// looks for its batch near its tries). Entries a group has not read, or
// read and not acknowledged, stay (until the XADDs' MAXLEN). A stream that
// no group reads is left to MAXLEN. Returns the entries trimmed.
const cache::Script& TrimScript() {
  static const cache::Script* script = new cache::Script(R"lua(
local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
if not ok or #groups == 0 then return 0 end
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end
local function after(id)
  local ms, seq = parse(id)
  return string.format('%.0f-%.0f', ms, seq + 1)
end
local t = redis.call('TIME')
local cut = string.format('%.0f-0', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[1]))
for _, g in ipairs(groups) do
  local info = {}
  for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
  local unread = after(info['last-delivered-id'])
  if less(unread, cut) then cut = unread end
  if tonumber(info['pending']) > 0 then
    local p = redis.call('XPENDING', KEYS[1], info['name'])
    if p[2] and less(p[2], cut) then cut = p[2] end
  end
end
return redis.call('XTRIM', KEYS[1], 'MINID', cut)
)lua");
  return *script;
}

// Prepares the log's directory and takes its lock: the lock's descriptor.
absl::StatusOr<int> PrepareLog(const std::string& dir) {
  std::error_code ec;
  // An older gateway's spool was one file at this path: it becomes a file
  // of the log, replayed like the rest.
  std::string legacy;
  if (fs::is_regular_file(dir, ec)) {
    legacy = absl::StrCat(dir, ".old");
    fs::rename(dir, legacy, ec);
    if (ec) return absl::InternalError(absl::StrCat("cannot move the old scan spool ", dir));
  }
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec))
    return absl::InternalError(absl::StrCat("cannot create the directory ", dir));
  fs::permissions(dir, fs::perms::owner_all, ec);
  QRCLOUD_ASSIGN_OR_RETURN(int lock_fd, LockLog(dir));
  if (!legacy.empty()) {
    fs::rename(legacy, absl::StrCat(dir, "/", core::NewId(), kLogSuffix), ec);
  }
  return lock_fd;
}

}  // namespace

std::unique_ptr<ScanRecorder> ScanRecorder::Open(cache::RedisPool* redis, ScanOptions options) {
  absl::StatusOr<int> lock_fd = PrepareLog(options.spool_path);
  if (!lock_fd.ok()) {
    spdlog::error("scans: no scan log, every scan waits for Redis: {}", lock_fd.status().message());
  }
  return std::unique_ptr<ScanRecorder>(
      new ScanRecorder(redis, std::move(options), lock_fd.ok() ? *lock_fd : -1));
}

ScanRecorder::ScanRecorder(cache::RedisPool* redis, ScanOptions options, int lock_fd)
    : redis_(redis), options_(std::move(options)), lock_fd_(lock_fd) {
  int64_t bytes = 0, events = 0;
  for (const std::string& path :
       has_log() ? LogFiles(options_.spool_path) : std::vector<std::string>()) {
    LeftFile left = CutToWholeLines(path);
    bytes += left.bytes;
    events += left.events;
    waiting_.push_back({std::move(left.path), left.events, left.bytes});
  }
  {
    absl::MutexLock lock(&mu_);
    log_bytes_ = bytes;
    waiting_events_ = events;
    open_ = NewBatch();
  }
  if (!waiting_.empty()) {
    spdlog::info("scans: {} files left in the scan log {}, to replay", waiting_.size(),
                 options_.spool_path);
  }
  flusher_ = std::thread([this] { FlushLoop(); });
}

ScanRecorder::~ScanRecorder() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  flusher_.join();
  if (has_log()) close(lock_fd_);
}

int64_t ScanRecorder::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiting_events_;
}

std::string ScanRecorder::PathOf(const std::string& batch_id) const {
  return absl::StrCat(options_.spool_path, "/", batch_id, kLogSuffix);
}

ScanRecorder::Batch ScanRecorder::NewBatch() {
  Batch b;
  if (!has_log()) return b;
  b.id = core::NewId();
  const std::string path = PathOf(b.id);
  b.fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  void* map = MAP_FAILED;
  if (b.fd >= 0 && posix_fallocate(b.fd, 0, kFileBytes) == 0) {
    map = mmap(nullptr, kFileBytes, PROT_READ | PROT_WRITE, MAP_SHARED, b.fd, 0);
  }
  if (map == MAP_FAILED) {
    spdlog::error("scans: cannot create a file in the scan log {}; scans wait for Redis",
                  options_.spool_path);
    if (b.fd >= 0) {
      close(b.fd);
      unlink(path.c_str());
    }
    b.fd = -1;
    return b;
  }
  b.map = static_cast<char*>(map);
  return b;
}

void ScanRecorder::Unmap(Batch& batch) {
  if (batch.map == nullptr) return;
  // The pages stay in the page cache, and a sync after this writes them.
  munmap(batch.map, kFileBytes);
  batch.map = nullptr;
  if (ftruncate(batch.fd, static_cast<off_t>(batch.used)) != 0) {
    spdlog::error("scans: cannot cut a file of the scan log to its scans");
  }
}

void ScanRecorder::Record(const core::ScanEvent& event, std::function<void(absl::Status)> done) {
  std::string line = event.ToLine();
  const size_t size = line.size();
  {
    absl::MutexLock lock(&mu_);
    if (open_.map == nullptr || open_.used + size > kFileBytes ||
        log_bytes_ + static_cast<int64_t>(size) > options_.spool_max_bytes) {
      unlogged_.push_back({std::move(line), std::move(done)});
      return;
    }
    // Into the page cache with no system call: the page is the file's.
    std::memcpy(open_.map + open_.used, line.data(), size);
    open_.used += size;
    ++open_.events;
    log_bytes_ += static_cast<int64_t>(size);
  }
  done(absl::OkStatus());
}

void ScanRecorder::FlushLoop() {
  spare_ = NewBatch();
  while (true) {
    Batch batch;
    std::vector<Unlogged> unlogged;
    char* sync_map = nullptr;
    size_t sync_bytes = 0;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      auto any = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || open_.events > 0 || !unlogged_.empty();
      };
      mu_.AwaitWithTimeout(absl::Condition(&any), absl::Seconds(1));
      if (!stopping_ && options_.batch_delay > absl::ZeroDuration() &&
          (open_.events > 0 || !unlogged_.empty())) {
        auto full = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return stopping_ || open_.events >= options_.max_batch || open_.used >= kFileBytes / 2 ||
                 unlogged_.size() >= options_.max_batch;
        };
        mu_.AwaitWithTimeout(absl::Condition(&full), options_.batch_delay);
      }
      stopping = stopping_;
      // While Redis is down a batch is closed only when full: fewer, larger
      // files to replay. Meanwhile its file is synced every round.
      const bool ship = stopping_ || !RedisDown() || open_.events >= options_.max_batch ||
                        open_.used >= kFileBytes / 2;
      if (open_.events > 0 && ship) {
        batch = std::move(open_);
        open_ = std::move(spare_);
        spare_ = Batch{};
      } else if (open_.events > 0) {
        sync_map = open_.map;
        sync_bytes = open_.used;
      } else if (open_.fd < 0 && spare_.fd >= 0) {
        std::swap(open_, spare_);  // the log works again
      }
      unlogged.swap(unlogged_);
    }
    if (spare_.fd < 0) {
      if (!spare_.id.empty()) unlink(PathOf(spare_.id).c_str());
      spare_ = NewBatch();
    }
    // Only the flusher unmaps the open batch's file, so it may be synced
    // outside the lock.
    if (sync_map != nullptr && msync(sync_map, sync_bytes, MS_SYNC) != 0) {
      spdlog::error("scans: cannot sync the scan log {}", options_.spool_path);
    }
    if (!unlogged.empty()) {
      std::string packed;
      for (const Unlogged& u : unlogged) packed += u.line;
      absl::Status s = RedisDown() ? absl::UnavailableError("Redis is down")
                                   : Append(core::NewId(), std::move(packed), "");
      if (s.ok()) {
        M().recorded.Inc(unlogged.size());
      } else {
        redis_retry_at_ = std::max(redis_retry_at_, absl::Now() + kRedisRetry);
        M().refused.Inc(unlogged.size());
        spdlog::error("scans: {} refused, neither the scan log nor Redis took them: {}",
                      unlogged.size(), s.message());
      }
      for (Unlogged& u : unlogged) u.done(s);
    }
    if (batch.events > 0) Ship(std::move(batch));
    if (!waiting_.empty() && !RedisDown()) Replay();
    if (redis_ != nullptr && !RedisDown() && absl::Now() >= next_trim_) {
      next_trim_ = absl::Now() + kTrimEvery;
      auto trimmed =
          redis_->Eval(TrimScript(), {core::kScanStream},
                       {absl::StrCat(absl::ToInt64Milliseconds(options_.stream_history))});
      if (!trimmed.ok())
        spdlog::warn("scans: cannot trim the stream: {}", trimmed.status().message());
    }
    if (stopping) {
      absl::MutexLock lock(&mu_);
      if (open_.events == 0 && unlogged_.empty()) break;
    }
  }
  // The batches still open hold no scans.
  for (Batch* b : {&spare_, &open_}) {
    if (b->fd >= 0) {
      Unmap(*b);
      close(b->fd);
      unlink(PathOf(b->id).c_str());
    }
  }
}

absl::Status ScanRecorder::Append(const std::string& batch_id, std::string packed,
                                  const std::string& attempts) {
  if (redis_ == nullptr) return absl::UnavailableError("no Redis configured");
  // The whole batch is one stream entry: one XADD, whatever its size.
  cache::Args args = {"XADD",
                      core::kScanStream,
                      "MAXLEN",
                      "~",
                      absl::StrCat(options_.stream_max_len),
                      "*",
                      core::kScanEventsField,
                      std::move(packed),
                      core::kScanBatchField,
                      batch_id};
  if (!attempts.empty()) {
    args.push_back(core::kScanAttemptsField);
    args.push_back(attempts);
  }
  return redis_->Command(args).status();
}

void ScanRecorder::Ship(Batch batch) {
  M().batch.Observe(static_cast<double>(batch.events));
  std::string packed(batch.map, batch.used);
  Unmap(batch);
  if (!RedisDown()) {
    // Recorded before the XADD: should the gateway die after Redis took
    // the batch but before its file is gone, the replay says when to look.
    WriteAll(batch.fd, absl::StrCat("#tried ", NowMs(), "\n"));
    absl::Status s = Append(batch.id, std::move(packed), "");
    if (s.ok()) {
      M().recorded.Inc(batch.events);
      close(batch.fd);
      unlink(PathOf(batch.id).c_str());
      absl::MutexLock lock(&mu_);
      log_bytes_ -= static_cast<int64_t>(batch.used);
      return;
    }
    spdlog::warn("scans: Redis did not take a batch, kept in the scan log: {}", s.message());
    redis_retry_at_ = absl::Now() + kRedisRetry;
  }
  KeepForReplay(batch);
}

void ScanRecorder::KeepForReplay(Batch& batch) {
  if (batch.fd >= 0) {
    if (fdatasync(batch.fd) != 0) {
      spdlog::error("scans: cannot sync the scan log {}", options_.spool_path);
    }
    close(batch.fd);
    batch.fd = -1;
  }
  // The file holds (at least) the batch's tries; the bytes counted are the
  // scans'.
  waiting_.push_back(
      {PathOf(batch.id), static_cast<int64_t>(batch.events), static_cast<int64_t>(batch.used)});
  M().spooled.Inc(batch.events);
  absl::MutexLock lock(&mu_);
  waiting_events_ += static_cast<int64_t>(batch.events);
}

void ScanRecorder::Replay() {
  // Each replay leaves a mark in its file, and the rollup looks near each
  // mark: while Redis does not even answer, no mark (one a second through a
  // long outage would make a replay's check as long).
  if (redis_ == nullptr || !redis_->Command({"PING"}).ok()) {
    redis_retry_at_ = absl::Now() + kRedisRetry;
    return;
  }
  size_t replayed_files = 0;
  int64_t replayed_events = 0;
  while (!waiting_.empty() && replayed_files < kReplayFilesPerRound) {
    const Waiting w = waiting_.front();
    const std::string id = fs::path(w.path).stem().string();
    std::vector<LoggedBatch> batches = ReadLogFile(w.path, id);
    if (!batches.empty()) {
      // Recorded before the first XADD: should this replay be cut short,
      // the next one knows to look for what it appended.
      const std::string now_ms = NowMs();
      if (!AppendSynced(w.path, absl::StrCat("#replay ", now_ms, "\n"))) {
        spdlog::error("scans: cannot write the scan log {}; replay postponed", w.path);
        redis_retry_at_ = absl::Now() + kRedisRetry;
        break;
      }
      absl::Status s;
      for (LoggedBatch& b : batches) {
        b.attempts.push_back(now_ms);
        s = Append(b.id, std::move(b.packed), absl::StrJoin(b.attempts, ","));
        if (!s.ok()) break;
        M().recorded.Inc(b.events);
      }
      if (!s.ok()) {
        redis_retry_at_ = absl::Now() + kRedisRetry;
        break;
      }
    }
    // Appended: the file can go. Should this process die right here, its
    // batches are appended again on restart, with this replay's time among
    // their attempts, and the rollup counts each batch once.
    unlink(w.path.c_str());
    waiting_.pop_front();
    ++replayed_files;
    replayed_events += w.events;
    absl::MutexLock lock(&mu_);
    log_bytes_ -= w.bytes;
    waiting_events_ -= w.events;
  }
  if (replayed_files > 0) {
    spdlog::info("scans: replayed {} scans from the scan log into the stream", replayed_events);
  }
}

}  // namespace qrcloud::gateway
