// A rush on limited stock: 2,000 buyers, 200 at a time, for 100 units, one
// each. Exactly 100 orders, everyone else a clear sold-out answer, no 5xx,
// nobody with two; then the same with MariaDB restarted mid-rush. Runs alone:
// it stops the shared MariaDB.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/auth/session_store.h"
#include "libs/core/ids.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr int kBuyers = 2000;
constexpr int kConcurrent = 200;
constexpr int kStock = 100;

struct Tally {
  absl::Mutex mu;
  std::map<int, int> statuses;  // HTTP status → count
  std::set<std::string> order_ids;
  std::string sold_out_message;
};

// Sessions for `n` people, minted with the center's own session store (the
// 2,000 sign-ups themselves are not what this test is about).
std::vector<std::string> Buyers(Flow& flow, int n) {
  auth::SessionStore sessions(flow.redis(), core::Clock::Real(), absl::Hours(1));
  std::vector<std::string> tokens;
  for (int i = 0; i < n; ++i) {
    auth::Principal p;
    p.account_id = core::NewId();
    p.kind = "PERSON";
    p.Grant(auth::Role::kPerson);
    tokens.push_back(sessions.Create(p)->token);
  }
  return tokens;
}

// Every buyer tries once to order one unit; an answer of 503 (a database
// outage) is retried with the same request id until another answer comes.
void Rush(Stack& stack, const std::string& campaign_id, const std::vector<std::string>& tokens,
          Tally& tally, const std::function<void(int)>& on_progress) {
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kConcurrent; ++t) {
    threads.emplace_back([&] {
      Api api("127.0.0.1", stack.gateway_port());
      for (int i = next.fetch_add(1); i < static_cast<int>(tokens.size()); i = next.fetch_add(1)) {
        api.set_token(tokens[i]);
        const std::string body =
            absl::StrCat(R"({"requestId":")", core::NewId(), R"(","quantity":1})");
        ApiResponse r;
        const absl::Time give_up = absl::Now() + absl::Seconds(90);
        do {
          r = api.Post("/v1/campaigns/" + campaign_id + "/orders", body);
          if (r.status == 503 || r.status == -1) absl::SleepFor(absl::Milliseconds(100));
        } while ((r.status == 503 || r.status == -1) && absl::Now() < give_up);
        absl::MutexLock lock(&tally.mu);
        ++tally.statuses[r.status];
        if (r.status == 200) tally.order_ids.insert(r.At("order.id"));
        if (r.status == 400) tally.sold_out_message = r.At("message");
        on_progress(done.fetch_add(1) + 1);
      }
    });
  }
  for (auto& t : threads) t.join();
}

int64_t CountOrders(Api& merchant, const std::string& merchant_id,
                    std::set<std::string>* accounts) {
  int64_t n = 0;
  std::string token;
  do {
    ApiResponse page =
        merchant.Get(absl::StrCat("/v1/merchants/", merchant_id, "/orders?page.pageSize=200",
                                  token.empty() ? "" : "&page.pageToken=" + token));
    REQUIRE(page.status == 200);
    for (int i = 0;; ++i) {
      const std::string account = page.At(absl::StrCat("orders.", i, ".accountId"));
      if (account.empty()) break;
      ++n;
      if (accounts) accounts->insert(account);
    }
    token = page.At("page.nextPageToken");
  } while (!token.empty());
  return n;
}

TEST_CASE("A rush for limited stock sells exactly the stock, even across a MariaDB restart") {
  auto stack = Stack::Start({.center_flags = {"--workers=64", "--mysql_pool_size=32"},
                             .gateway_flags = {"--rate_limit_per_address=0",
                                               "--rate_limit_per_token=0", "--io_threads=8"}});
  INFO((stack.ok() ? "" : std::string(stack.status().message())));
  REQUIRE(stack.ok());
  Flow flow(**stack);
  std::string mid;
  auto merchant = flow.QualifiedMerchant(&mid);
  const bool restart = GENERATE(false, true);
  INFO((restart ? "with a MariaDB restart" : "steady"));
  const std::string id =
      flow.PublishCampaign(
              *merchant, mid,
              absl::StrCat(
                  R"({"title":"限量 100 份 / 100 only","mode":"ORDER","price":{"currency":"CNY","minor":"100"},"stock":")",
                  kStock, R"(","perPersonLimit":1})"))
          .At("id");
  const std::vector<std::string> buyers = Buyers(flow, kBuyers);

  Tally tally;
  std::atomic<bool> restarted{false};
  std::atomic<int> restart_exit{0};
  std::thread restarter;
  Rush(**stack, id, buyers, tally, [&](int done) {
    if (restart && done == 300 && !restarted.exchange(true)) {
      // Mid-rush: MariaDB goes down and comes back while orders keep coming.
      const std::string deps = absl::StrCat(DepsScript(), " stop-mysql ", Env().dir, " && ",
                                            DepsScript(), " start-mysql ", Env().dir);
      restarter = std::thread([deps, &restart_exit] { restart_exit = std::system(deps.c_str()); });
    }
  });
  if (restarter.joinable()) {
    // The rush can end (sold out is answered from the Redis gate) before
    // MariaDB is back: wait for the restart, then for the merchant's order
    // list, which only MySQL answers, to recover on its own.
    restarter.join();
    REQUIRE(restart_exit == 0);
    REQUIRE(WaitFor(
        [&] {
          return merchant->Get("/v1/merchants/" + mid + "/orders?page.pageSize=1").status == 200;
        },
        absl::Seconds(60)));
  }

  std::string summary;
  for (const auto& [status, n] : tally.statuses) absl::StrAppend(&summary, status, ":", n, " ");
  INFO("answers " << summary);
  CHECK(tally.statuses[200] == kStock);
  CHECK(tally.statuses[400] == kBuyers - kStock);
  for (const auto& [status, n] : tally.statuses) CHECK((status == 200 || status == 400));
  CHECK(tally.sold_out_message.find("sold out") != std::string::npos);

  std::set<std::string> accounts;
  CHECK(CountOrders(*merchant, mid, &accounts) == kStock);
  CHECK(accounts.size() == static_cast<size_t>(kStock));  // nobody has two
  // Protobuf JSON leaves zero values out: no stockLeft is 0 left.
  const std::string left = merchant->Get("/v1/campaigns/" + id).At("stockLeft");
  CHECK((left.empty() || left == "0"));
  // The gate agrees with MySQL (at once, or after the reconciler's next pass).
  CHECK(WaitFor(
      [&] {
        auto gate = flow.redis().Command({"GET", "qrcloud:gate:" + id});
        return gate.ok() && gate->str() == "0";
      },
      absl::Seconds(15)));
}

}  // namespace
}  // namespace qrcloud::testing
