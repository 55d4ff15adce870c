#include "tests/support/test_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace qrcloud::testing {

const TestEnv& Env() {
  static const TestEnv* env = [] {
    const char* dir = std::getenv("QRCLOUD_TEST_ENV_DIR");
    if (dir == nullptr) {
      std::fprintf(stderr,
                   "QRCLOUD_TEST_ENV_DIR is not set: run this test through ctest, whose `deps` "
                   "fixture starts MariaDB and Redis (tools/deps)\n");
      std::abort();
    }
    std::ifstream in(absl::StrCat(dir, "/env"));
    if (!in) {
      std::fprintf(stderr, "%s/env is missing: the deps fixture did not start\n", dir);
      std::abort();
    }
    std::map<std::string, std::string> vars;
    for (std::string line; std::getline(in, line);) {
      auto eq = line.find('=');
      if (eq != std::string::npos) vars[line.substr(0, eq)] = line.substr(eq + 1);
    }
    auto* e = new TestEnv;
    e->dir = dir;
    e->mysql.host = vars["QRCLOUD_MYSQL_HOST"];
    (void)absl::SimpleAtoi(vars["QRCLOUD_MYSQL_PORT"], &e->mysql.port);
    e->mysql.user = vars["QRCLOUD_MYSQL_USER"];
    e->mysql.password = vars["QRCLOUD_MYSQL_PASSWORD"];
    e->redis.host = vars["QRCLOUD_REDIS_HOST"];
    (void)absl::SimpleAtoi(vars["QRCLOUD_REDIS_PORT"], &e->redis.port);
    // Spread test processes over Redis databases 1..63 (0 is tools/up's).
    e->redis.db = 1 + static_cast<int>(getpid() % 63);
    return e;
  }();
  return *env;
}

std::string UniqueName(absl::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, "_", getpid(), "_", counter.fetch_add(1));
}

store::MysqlOptions FreshDatabase(absl::string_view prefix) {
  store::MysqlOptions o = Env().mysql;
  o.database = UniqueName(absl::StrCat("t_", prefix));
  return o;
}

bool WaitFor(const std::function<bool()>& condition, absl::Duration deadline,
             absl::Duration interval) {
  const absl::Time end = absl::Now() + deadline;
  while (true) {
    if (condition()) return true;
    if (absl::Now() >= end) return false;
    absl::SleepFor(interval);
  }
}

std::string DepsScript() { return absl::StrCat(QRCLOUD_SOURCE_DIR, "/tools/deps"); }

}  // namespace qrcloud::testing
