// The scan log without Redis: a scan is answered as soon as it is in the
// log, kept there while nothing takes it, and found again by the next
// gateway; without a log a scan waits for Redis and is refused if Redis
// cannot take it.
#include "gateway/scan_recorder.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "libs/core/ids.h"

namespace qrcloud::gateway {
namespace {

namespace fs = std::filesystem;

std::string TempDir() {
  std::string pattern = (fs::temp_directory_path() / "qrcloud-scanlog-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

core::ScanEvent Scan(int i) {
  core::ScanEvent e;
  e.event_id = core::NewId();
  e.code_id = "code-1";
  e.slug = "abc";
  e.time_ms = 1767225600000 + i;
  e.device = absl::StrCat("device-", i);
  return e;
}

// Lines of the files of the log, "#" lines apart.
int ScansIn(const std::string& dir) {
  int scans = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".scans") continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line[0] != '#' && line[0] != '\0') ++scans;
    }
  }
  return scans;
}

// Lines of the files of the log that mark a replay begun.
int ReplayMarksIn(const std::string& dir) {
  int marks = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) marks += line.rfind("#replay ", 0) == 0;
  }
  return marks;
}

TEST_CASE("A scan is answered once in the log, and the next gateway finds what Redis never took") {
  const std::string root = TempDir();
  const std::string dir = root + "/log";
  {
    auto recorder = ScanRecorder::Open(nullptr, {.spool_path = dir});
    REQUIRE(recorder->has_log());
    for (int i = 0; i < 10; ++i) {
      bool answered = false;
      recorder->Record(Scan(i), [&](absl::Status s) {
        CHECK(s.ok());
        answered = true;
      });
      CHECK(answered);  // at once, on this thread: no wait for Redis
    }
    // No Redis: the batch stays in the log, waiting.
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (recorder->waiting() < 10 && absl::Now() < deadline)
      absl::SleepFor(absl::Milliseconds(5));
    CHECK(recorder->waiting() == 10);
  }
  CHECK(fs::status(dir).permissions() == fs::perms::owner_all);
  CHECK(ScansIn(dir) == 10);
  auto next = ScanRecorder::Open(nullptr, {.spool_path = dir});
  CHECK(next->waiting() == 10);
  next.reset();  // its last round tried a replay
  // Without a Redis that answers, a replay leaves no mark: through a long
  // outage a mark a second would make the rollup's check of the batch long.
  CHECK(ReplayMarksIn(dir) == 0);
  CHECK(ScansIn(dir) == 10);
  fs::remove_all(root);
}

TEST_CASE("A line half copied when the gateway died is not read as a scan") {
  const std::string root = TempDir();
  const std::string dir = root + "/log";
  fs::create_directories(dir);
  const std::string whole = Scan(1).ToLine();
  const std::string half = Scan(2).ToLine().substr(0, 90);  // eid, code, slug, time: parseable
  REQUIRE(core::ScanEvent::FromLine(half).has_value());
  {
    std::ofstream file(dir + "/" + core::NewId() + ".scans", std::ios::binary);
    file << whole << half << std::string(4096, '\0');
  }
  auto recorder = ScanRecorder::Open(nullptr, {.spool_path = dir});
  CHECK(recorder->waiting() == 1);
  recorder.reset();
  CHECK(ScansIn(dir) == 1);
  fs::remove_all(root);
}

TEST_CASE("Without a log a scan waits for Redis, and is refused when Redis cannot take it") {
  const std::string root = TempDir();
  const std::string file = root + "/not-a-directory";
  std::ofstream(file) << "x";
  // A directory cannot be made under a file.
  auto recorder = ScanRecorder::Open(nullptr, {.spool_path = file + "/log"});
  CHECK_FALSE(recorder->has_log());
  absl::Notification answered;
  absl::Status status;
  recorder->Record(Scan(1), [&](absl::Status s) {
    status = s;
    answered.Notify();
  });
  REQUIRE(answered.WaitForNotificationWithTimeout(absl::Seconds(10)));
  CHECK(absl::IsUnavailable(status));
  recorder.reset();
  fs::remove_all(root);
}

}  // namespace
}  // namespace qrcloud::gateway
