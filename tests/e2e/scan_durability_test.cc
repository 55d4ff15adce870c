// Nothing acknowledged is lost: the gateway is killed with SIGKILL while
// scans pour in, and every scan whose 302 reached the client is in the
// stream afterwards; once the rollup catches up the statistics match.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/cache/redis.h"
#include "libs/core/scan_event.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

TEST_CASE("kill -9 of the gateway under load loses no delivered scan") {
  auto stack = Stack::Start();
  INFO((stack.ok() ? "" : std::string(stack.status().message())));
  REQUIRE(stack.ok());
  Stack& s = **stack;
  // A qualified merchant: codes that leave the platform need one.
  Flow flow(s);
  std::string merchant_id;
  Api api = std::move(*flow.QualifiedMerchant(&merchant_id));
  ApiResponse code = api.Post("/v1/codes", R"({"targetUrl":"https://example.com/"})");
  REQUIRE(code.status == 200);
  const std::string target = absl::StrCat("/s/", code.At("slug"));

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

  auto o = Env().redis;
  o.db = s.redis_db();
  auto redis = cache::RedisPool::Create(o);
  REQUIRE(redis.ok());
  auto entries = (*redis)->Command({"XRANGE", core::kScanStream, "-", "+"});
  REQUIRE(entries.ok());
  std::set<std::string> recorded;
  for (const auto& e : cache::ParseEntries(*entries)) {
    for (const auto& ev : core::UnpackScanEvents(e.Field(core::kScanEventsField)))
      recorded.insert(ev.event_id);
  }
  INFO("delivered " << delivered.size() << ", recorded " << recorded.size());
  REQUIRE(delivered.size() >= 1500);
  for (const std::string& id : delivered) {
    REQUIRE(recorded.count(id) == 1);
  }

  // The center's rollup counts every recorded scan once.
  REQUIRE(s.RestartGateway().ok());
  Api after("127.0.0.1", s.gateway_port());
  after.set_token(api.token());
  const std::string expected = absl::StrCat(recorded.size());
  CHECK(WaitFor(
      [&] { return after.Get("/v1/codes/" + code.At("id") + "/stats").At("scans") == expected; },
      absl::Seconds(30)));
  CHECK(after.Get("/v1/codes/" + code.At("id") + "/stats").At("uniqueScans") == "8");
}

}  // namespace
}  // namespace qrcloud::testing
