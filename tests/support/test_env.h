// What integration tests need to reach the throwaway MariaDB and Redis that
// the `deps` CTest fixture starts (tools/deps), and small helpers for tests
// that wait on conditions.
#ifndef QRCLOUD_TESTS_SUPPORT_TEST_ENV_H_
#define QRCLOUD_TESTS_SUPPORT_TEST_ENV_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/cache/redis.h"
#include "libs/store/mysql.h"

namespace qrcloud::testing {

struct TestEnv {
  std::string dir;  // the fixture's directory (tools/deps state)
  store::MysqlOptions mysql;
  cache::RedisOptions redis;
};

// Reads $QRCLOUD_TEST_ENV_DIR/env. Aborts the test binary with a clear
// message when the fixture is not running.
const TestEnv& Env();

// A Redis database number (1..63) no other running test process holds,
// emptied for the caller. Held until the process ends.
int ExclusiveRedisDb();

// A name no other test process uses: "<prefix>_<pid>_<n>".
std::string UniqueName(absl::string_view prefix);

// A valid unified social credit code no other call returns: for merchants
// that must not share a licence (the audit sends a shared one to a person).
std::string UniqueLicense();

// MySQL options for a fresh database private to this call.
store::MysqlOptions FreshDatabase(absl::string_view prefix);

// Polls `condition` until it holds or `deadline` passes; true if it held.
bool WaitFor(const std::function<bool()>& condition, absl::Duration deadline,
             absl::Duration interval = absl::Milliseconds(20));

// The repository's tools/deps script, for outage drills.
std::string DepsScript();

}  // namespace qrcloud::testing

#endif  // QRCLOUD_TESTS_SUPPORT_TEST_ENV_H_
