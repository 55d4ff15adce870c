// Nothing acknowledged is lost: the gateway is killed with SIGKILL while
// scans pour in, and every scan whose 302 reached the client is in the
// stream once the gateway is back (from its scan log); once the rollup
// catches up the statistics match.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/cache/redis.h"
#include "libs/core/ids.h"
#include "libs/core/scan_event.h"
#include "libs/http/client.h"
#include "libs/store/mysql.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"
#include "tests/support/world.h"

namespace qrcloud::testing {
namespace {

TEST_CASE("kill -9 of the gateway under load loses no delivered scan") {
  CodeWorld w;
  Stack& s = *w.stack;
  Flow& flow = w.flow();
  Api& api = *w.merchant;
  const ApiResponse& code = w.code;
  const std::string& target = w.target;

  // Eight clients scan as fast as they can, keeping the id of every 302 they get.
  absl::Mutex mu;
  std::set<std::string> delivered;
  std::atomic<bool> stop{false};
  std::atomic<int> total{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      http::Client client("127.0.0.1", static_cast<uint16_t>(s.gateway_port()));
      const http::HeaderList headers = {{"user-agent", absl::StrCat("Mozilla/5.0 client-", i)}};
      while (!stop.load()) {
        auto r = client.Send("GET", target, headers);
        if (!r.ok()) return;  // the gateway is gone
        if (r->status != 302) continue;
        const std::string id(r->Header("x-scan-id"));
        absl::MutexLock lock(&mu);
        delivered.insert(id);
        total.fetch_add(1);
      }
    });
  }
  REQUIRE(WaitFor([&] { return total.load() >= 1500; }, absl::Seconds(60)));
  s.gateway()->Kill();  // SIGKILL, mid-stream
  stop.store(true);
  for (auto& t : clients) t.join();

  // The scans answered but not yet shipped are in the gateway's scan log:
  // the gateway started again ships them.
  REQUIRE(s.RestartGateway().ok());
  std::map<std::string, int> recorded;
  const auto all_recorded = [&] {
    recorded = flow.ScansInStream();
    return std::all_of(delivered.begin(), delivered.end(),
                       [&](const std::string& id) { return recorded.count(id) == 1; });
  };
  REQUIRE(delivered.size() >= 1500);
  CHECK(WaitFor(all_recorded, absl::Seconds(30)));
  INFO("delivered " << delivered.size() << ", recorded " << recorded.size());
  for (const std::string& id : delivered) {
    REQUIRE(recorded.count(id) == 1);
  }

  // The center's rollup counts every recorded scan once.
  Api after("127.0.0.1", s.gateway_port());
  after.set_token(api.token());
  const std::string expected = absl::StrCat(recorded.size());
  CHECK(WaitFor(
      [&] { return after.Get("/v1/codes/" + code.At("id") + "/stats").At("scans") == expected; },
      absl::Seconds(30)));
  CHECK(after.Get("/v1/codes/" + code.At("id") + "/stats").At("uniqueScans") == "8");
}

// A gateway's spool replays a batch whose XADD had reached Redis though its
// answer was lost: the rollup finds the batch near the recorded try and does
// not count it again; a batch that never reached the stream is counted. And
// the rollup keeps no row per scan: once caught up, nothing is left.
TEST_CASE("Batches replayed from a spool count once, and the rollup's state drains") {
  CodeWorld w;
  Flow& flow = w.flow();
  Api& api = *w.merchant;
  const ApiResponse& code = w.code;
  auto scan = [&](int i) {
    core::ScanEvent ev;
    ev.event_id = core::NewId();
    ev.code_id = code.At("id");
    ev.slug = code.At("slug");
    ev.time_ms = absl::ToUnixMillis(absl::Now());
    ev.client = core::ClientClass::kBrowser;
    ev.device = absl::StrCat("device-", i);
    return ev;
  };
  const std::string tried = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const std::string original = core::PackScanEvents({scan(1), scan(2)});
  const std::string lost = core::PackScanEvents({scan(3)});
  cache::RedisPool& redis = flow.redis();
  // The batch that reached the stream (answer lost), its replay, and the
  // replay of a batch that never reached it.
  REQUIRE(redis
              .Command({"XADD", core::kScanStream, "*", core::kScanEventsField, original,
                        core::kScanBatchField, "batch-a"})
              .ok());
  REQUIRE(redis
              .Command({"XADD", core::kScanStream, "*", core::kScanEventsField, original,
                        core::kScanBatchField, "batch-a", core::kScanAttemptsField, tried})
              .ok());
  REQUIRE(redis
              .Command({"XADD", core::kScanStream, "*", core::kScanEventsField, lost,
                        core::kScanBatchField, "batch-b", core::kScanAttemptsField, tried})
              .ok());
  const std::string stats = "/v1/codes/" + code.At("id") + "/stats";
  REQUIRE(WaitFor([&] { return api.Get(stats).At("scans") == "3"; }, absl::Seconds(30)));
  // A later scan shows the rollup went past the replays without counting them.
  REQUIRE(redis
              .Command({"XADD", core::kScanStream, "*", core::kScanEventsField,
                        core::PackScanEvents({scan(4)}), core::kScanBatchField, "batch-c"})
              .ok());
  REQUIRE(WaitFor([&] { return api.Get(stats).At("scans") == "4"; }, absl::Seconds(30)));
  CHECK(api.Get(stats).At("uniqueScans") == "4");

  store::MysqlOptions o = Env().mysql;
  o.database = w.stack->database();
  auto mysql = store::MysqlPool::Create(o);
  REQUIRE(mysql.ok());
  auto rows = [&] {
    auto conn = (*mysql)->Acquire();
    REQUIRE(conn.ok());
    auto row = (*conn)->QueryOne("SELECT COUNT(*) AS n FROM scan_rollup_entries");
    REQUIRE(row.ok());
    return row->Int("n");
  };
  CHECK(WaitFor([&] { return rows() == 0; }, absl::Seconds(10)));
}

// The stream is bounded by what its consumers still need: an entry every
// consumer group has read and acknowledged goes (here with no extra history
// kept), one a group has not read stays.
TEST_CASE("The scans stream keeps what a consumer group still needs and trims the rest") {
  CodeWorld w({.gateway_flags = {"--scan_stream_history=0s"}});
  Stack& s = *w.stack;
  Flow& flow = w.flow();
  Api& api = *w.merchant;
  const ApiResponse& code = w.code;
  const std::string& target = w.target;
  cache::RedisPool& redis = flow.redis();
  // A consumer of its own, beside the center's rollup, that reads when told.
  REQUIRE(redis.Command({"XGROUP", "CREATE", core::kScanStream, "laggard", "$", "MKSTREAM"}).ok());
  http::Client client("127.0.0.1", static_cast<uint16_t>(s.gateway_port()));
  auto scan = [&](int n) {
    std::set<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto r = client.Send("GET", target, {{"user-agent", "Mozilla/5.0 (iPhone) Mobile"}});
      REQUIRE(r.ok());
      REQUIRE(r->status == 302);
      ids.insert(std::string(r->Header("x-scan-id")));
    }
    return ids;
  };
  auto in_stream = [&] {
    std::set<std::string> ids;
    for (const auto& [id, times] : flow.ScansInStream()) ids.insert(id);
    return ids;
  };
  auto read = [&] {
    auto reply = redis.Command({"XREADGROUP", "GROUP", "laggard", "c1", "COUNT", "1000", "STREAMS",
                                core::kScanStream, ">"});
    REQUIRE(reply.ok());
    std::vector<std::string> entry_ids;
    if (reply->is_nil()) return entry_ids;
    for (const auto& e : cache::ParseEntries((*reply)[0][1])) entry_ids.push_back(e.id);
    return entry_ids;
  };
  auto contains_all = [](const std::set<std::string>& all, const std::set<std::string>& some) {
    return std::includes(all.begin(), all.end(), some.begin(), some.end());
  };

  const std::set<std::string> first = scan(10);
  REQUIRE(WaitFor([&] { return contains_all(in_stream(), first); }, absl::Seconds(10)));
  std::vector<std::string> read_first = read();  // read, not yet acknowledged
  REQUIRE_FALSE(read_first.empty());
  const std::set<std::string> second = scan(10);  // not read by the laggard
  REQUIRE(WaitFor([&] { return contains_all(in_stream(), second); }, absl::Seconds(10)));
  REQUIRE(
      WaitFor([&] { return api.Get("/v1/codes/" + code.At("id") + "/stats").At("scans") == "20"; },
              absl::Seconds(30)));
  // The first scans stay while the laggard has not acknowledged them.
  CHECK(contains_all(in_stream(), first));
  cache::Args ack = {"XACK", core::kScanStream, "laggard"};
  ack.insert(ack.end(), read_first.begin(), read_first.end());
  // Acknowledged (after the second scans are in): the trim that takes the
  // first scans away runs after it, and must leave the second ones.
  REQUIRE(redis.Command(ack).ok());
  std::set<std::string> left;
  CHECK(WaitFor(
      [&] {
        left = in_stream();
        return std::none_of(first.begin(), first.end(),
                            [&](const std::string& id) { return left.count(id) > 0; });
      },
      absl::Seconds(20)));
  CHECK(contains_all(left, second));
}

}  // namespace
}  // namespace qrcloud::testing
