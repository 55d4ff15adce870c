// One test case's running platform: the stack it started, a Redis client on
// the stack's database, and, once asked for, a Flow (the administrator, and
// merchants approved as the audit service would approve them). End-to-end
// tests derive their own World from it.
#ifndef QRCLOUD_TESTS_SUPPORT_WORLD_H_
#define QRCLOUD_TESTS_SUPPORT_WORLD_H_

#include <memory>
#include <string>

#include "libs/cache/redis.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"

namespace qrcloud::testing {

struct StackWorld {
  std::unique_ptr<Stack> stack;
  std::unique_ptr<cache::RedisPool> redis;

  // Starts the stack; the test fails, with the logs' tail, if it does not.
  explicit StackWorld(const StackOptions& options = {});

  Api NewApi() const { return Api("127.0.0.1", stack->gateway_port()); }
  Flow& flow();

 private:
  std::unique_ptr<Flow> flow_;
};

// A stack with a merchant whose qualification is approved (codes that leave
// the platform need one), signed in, and a code of theirs that leads to
// example.com: where the scan path's tests start.
struct CodeWorld : StackWorld {
  explicit CodeWorld(const StackOptions& options = {});

  std::string merchant_id;
  std::unique_ptr<Api> merchant;
  ApiResponse code;    // the POST /v1/codes answer
  std::string target;  // "/s/<slug>"
};

}  // namespace qrcloud::testing

#endif  // QRCLOUD_TESTS_SUPPORT_WORLD_H_
