#include "tests/support/test_env.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/core/credit_code.h"

namespace qrcloud::testing {

namespace {

// The fixture's settings as tools/deps wrote them (Redis database 0).
const TestEnv& LoadEnv() {
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
    return e;
  }();
  return *env;
}

}  // namespace

const TestEnv& Env() {
  static const TestEnv* env = [] {
    auto* e = new TestEnv(LoadEnv());
    e->redis.db = ExclusiveRedisDb();
    return e;
  }();
  return *env;
}

int ExclusiveRedisDb() {
  // A lock file per database in the fixture's directory: whoever holds the
  // lock owns the database. The descriptors stay open until the process ends.
  static absl::Mutex mu(absl::kConstInit);
  absl::MutexLock lock(&mu);
  for (int db = 1; db < 64; ++db) {
    const std::string path = absl::StrCat(LoadEnv().dir, "/redis-db-", db, ".lock");
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      close(fd);
      continue;
    }
    cache::RedisOptions o = LoadEnv().redis;
    o.db = db;
    auto redis = cache::RedisPool::Create(o);
    if (!redis.ok() || !(*redis)->Command({"FLUSHDB"}).ok()) {
      std::fprintf(stderr, "cannot empty Redis database %d\n", db);
      std::abort();
    }
    return db;
  }
  std::fprintf(stderr, "all 63 Redis test databases are in use\n");
  std::abort();
}

std::string UniqueName(absl::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, "_", getpid(), "_", counter.fetch_add(1));
}

std::string UniqueLicense() {
  static std::atomic<int> counter{0};
  // 9135 0100 (Fuzhou), then nine digits from the process and a counter.
  const std::string first17 =
      absl::StrFormat("91350100%05d%04d", getpid() % 100000, counter.fetch_add(1) % 10000);
  return first17 + *core::CreditCodeCheckCharacter(first17);
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
