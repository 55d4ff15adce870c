// The kit's event handlers (events.h): what is acknowledged and what comes
// again. A malformed entry can never succeed and is acknowledged; a
// function's error leaves its entries to be delivered again.
#include "libs/service/events.h"

#include <catch2/catch.hpp>

#include "qrcloud/v1/order.pb.h"
#include "tests/support/test_env.h"

namespace qrcloud::service {
namespace {

cache::StreamEntry Entry(const std::string& id, const std::string& type, const std::string& data) {
  return {id, {{"type", type}, {"data", data}}};
}

std::unique_ptr<cache::RedisPool> Redis() {
  auto redis = cache::RedisPool::Create(testing::Env().redis);
  REQUIRE(redis.ok());
  return *std::move(redis);
}

TEST_CASE("A batch handler gets the well-formed events in order and acknowledges the whole batch") {
  auto redis = Redis();
  std::vector<std::string> seen;
  auto handler =
      BatchEventHandler<v1::Order>("orders", [&](const std::vector<Event<v1::Order>>& events) {
        for (const auto& e : events) seen.push_back(e.type + ":" + e.data.id());
        return absl::OkStatus();
      });
  const std::vector<cache::StreamEntry> batch = {
      Entry("1-0", "order.placed", R"({"id":"a","quantity":1})"),
      Entry("2-0", "order.placed", "not json"),  // can never succeed: acknowledged
      Entry("3-0", "order.redeemed", R"({"id":"b","newerField":true})")};
  const cache::Handled handled = handler(batch, *redis);
  CHECK(handled.status.ok());
  CHECK(handled.done == 3);
  CHECK(seen == std::vector<std::string>{"order.placed:a", "order.redeemed:b"});
}

TEST_CASE("A batch handler's error leaves every entry of the batch to come again") {
  auto redis = Redis();
  auto handler = BatchEventHandler<v1::Order>("orders", [](const std::vector<Event<v1::Order>>&) {
    return absl::UnavailableError("the database is away");
  });
  const cache::Handled handled = handler({Entry("1-0", "order.placed", R"({"id":"a"})"),
                                          Entry("2-0", "order.placed", R"({"id":"b"})")},
                                         *redis);
  CHECK(handled.status.code() == absl::StatusCode::kUnavailable);
  CHECK(handled.done == 0);
}

TEST_CASE("The one-event handler stops at the first error, after what it finished") {
  auto redis = Redis();
  std::vector<std::string> seen;
  auto handler = EventHandler<v1::Order>("orders", [&](const std::string&, const v1::Order& o) {
    if (o.id() == "bad") return absl::UnavailableError("later");
    seen.push_back(o.id());
    return absl::OkStatus();
  });
  const cache::Handled handled =
      handler({Entry("1-0", "t", R"({"id":"a"})"), Entry("2-0", "t", "{{"),
               Entry("3-0", "t", R"({"id":"bad"})"), Entry("4-0", "t", R"({"id":"c"})")},
              *redis);
  CHECK(handled.done == 2);  // a, and the malformed one acknowledged
  CHECK_FALSE(handled.status.ok());
  CHECK(seen == std::vector<std::string>{"a"});

  v1::Order parsed;
  CHECK(ParseEvent("orders", Entry("5-0", "t", R"({"id":"x","total":{"minor":"5"}})"), parsed));
  CHECK(parsed.total().minor() == 5);
  CHECK_FALSE(ParseEvent("orders", Entry("6-0", "t", "[]"), parsed));
}

}  // namespace
}  // namespace qrcloud::service
