#include "tests/support/world.h"

#include <catch2/catch.hpp>

#include "tests/support/test_env.h"

namespace qrcloud::testing {

StackWorld::StackWorld(const StackOptions& options) {
  auto s = Stack::Start(options);
  INFO((s.ok() ? "" : std::string(s.status().message())));
  REQUIRE(s.ok());
  stack = *std::move(s);
  auto o = Env().redis;
  o.db = stack->redis_db();
  redis = *cache::RedisPool::Create(o);
}

Flow& StackWorld::flow() {
  if (!flow_) flow_ = std::make_unique<Flow>(*stack);
  return *flow_;
}

CodeWorld::CodeWorld(const StackOptions& options)
    : StackWorld(options),
      merchant(flow().QualifiedMerchant(&merchant_id)),
      code(flow().RedirectCode(*merchant)),
      target("/s/" + code.At("slug")) {}

}  // namespace qrcloud::testing
