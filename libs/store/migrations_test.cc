#include "libs/store/migrations.h"

#include <catch2/catch.hpp>

#include "libs/core/encoding.h"
#include "libs/store/outbox.h"
#include "tests/support/test_env.h"

namespace qrcloud::store {
namespace {

TEST_CASE("SplitStatements splits at line-ending semicolons and skips comments") {
  auto parts = SplitStatements(
      "-- a comment\nCREATE TABLE a (\n  x INT -- inline\n);\n\nINSERT INTO a VALUES (1);\nSELECT "
      "1");
  REQUIRE(parts.size() == 3);
  CHECK(parts[0] == "CREATE TABLE a (\n  x INT -- inline\n)");
  CHECK(parts[1] == "INSERT INTO a VALUES (1)");
  CHECK(parts[2] == "SELECT 1");
}

TEST_CASE("Migrations apply once, in order, and refuse a changed history") {
  auto pool = MysqlPool::Create(testing::FreshDatabase("migrate"));
  REQUIRE(pool.ok());
  std::vector<Migration> v1 = {
      {2, "0002_more.sql", "INSERT INTO t VALUES (2);"},
      {1, "0001_init.sql", "CREATE TABLE t (x INT PRIMARY KEY);\nINSERT INTO t VALUES (1);"},
  };
  REQUIRE(Migrate(**pool, "svc", v1).ok());
  // Running again changes nothing (a second INSERT of 1 or 2 would fail).
  REQUIRE(Migrate(**pool, "svc", v1).ok());

  auto count = [&] {
    auto c = (*pool)->Acquire();
    return (*c)->QueryOne("SELECT COUNT(*) AS n FROM t")->Int("n");
  };
  CHECK(count() == 2);

  auto v2 = v1;
  v2.push_back({3, "0003_third.sql", "INSERT INTO t VALUES (3);"});
  REQUIRE(Migrate(**pool, "svc", v2).ok());
  CHECK(count() == 3);

  SECTION("a changed applied migration is an error, not a re-run") {
    auto changed = v2;
    changed[1].sql = "CREATE TABLE t (x INT PRIMARY KEY, y INT);";
    absl::Status s = Migrate(**pool, "svc", changed);
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(s.message().find("0001_init.sql was changed") != std::string::npos);
    CHECK(count() == 3);
  }
  SECTION("an applied migration the binary does not know is an error") {
    absl::Status s = Migrate(**pool, "svc", v1);
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(s.message().find("0003_third.sql") != std::string::npos);
  }
  SECTION("a failing migration is reported by name and not recorded") {
    auto bad = v2;
    bad.push_back({4, "0004_bad.sql", "INSERT INTO nowhere VALUES (1);"});
    absl::Status s = Migrate(**pool, "svc", bad);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find("0004_bad.sql") != std::string::npos);
    auto c = (*pool)->Acquire();
    CHECK((*c)->QueryOne("SELECT COUNT(*) AS n FROM schema_migrations")->Int("n") == 3);
  }
}

TEST_CASE("A shared component keeps versions of its own beside the service's") {
  auto pool = MysqlPool::Create(testing::FreshDatabase("migrate_parts"));
  REQUIRE(pool.ok());
  std::vector<Migration> own = {{1, "0001_own.sql", "CREATE TABLE own_t (x INT PRIMARY KEY);"}};
  REQUIRE(Migrate(**pool, "svc", own).ok());
  // The shared outbox, also version 1, in its own component.
  REQUIRE(Migrate(**pool, "svc", outbox::Migrations(), "outbox").ok());
  REQUIRE(Migrate(**pool, "svc", outbox::Migrations(), "outbox").ok());
  // Neither set takes the other's version 1 for its own.
  REQUIRE(Migrate(**pool, "svc", own).ok());
  auto c = (*pool)->Acquire();
  CHECK((*c)->QueryOne("SELECT COUNT(*) AS n FROM schema_migrations")->Int("n") == 2);
  CHECK((*c)->Execute("INSERT INTO outbox (event_id, stream, type, data, created_at) VALUES "
                      "('01h00000000000000000000000', 's', 't', '{}', UTC_TIMESTAMP(6))")
            .ok());
}

TEST_CASE("A migration table from before components gains the column and keeps its rows") {
  auto pool = MysqlPool::Create(testing::FreshDatabase("migrate_old"));
  REQUIRE(pool.ok());
  {
    auto c = (*pool)->Acquire();
    REQUIRE((*c)->ExecuteUnprepared("CREATE TABLE schema_migrations (version INT NOT NULL PRIMARY "
                                    "KEY, name VARCHAR(255) NOT NULL, checksum CHAR(64) NOT NULL, "
                                    "applied_at DATETIME(6) NOT NULL)")
                .ok());
  }
  std::vector<Migration> own = {{1, "0001_own.sql", "CREATE TABLE own_t (x INT PRIMARY KEY);"}};
  {
    auto c = (*pool)->Acquire();
    REQUIRE((*c)->ExecuteUnprepared("CREATE TABLE own_t (x INT PRIMARY KEY)").ok());
    REQUIRE((*c)->Execute("INSERT INTO schema_migrations VALUES (1, '0001_own.sql', ?, "
                          "UTC_TIMESTAMP(6))",
                          {core::Sha256Hex(own[0].sql)})
                .ok());
  }
  // The old row counts as the service's own: nothing is applied twice.
  REQUIRE(Migrate(**pool, "svc", own).ok());
  REQUIRE(Migrate(**pool, "svc", outbox::Migrations(), "outbox").ok());
  auto c = (*pool)->Acquire();
  CHECK((*c)->QueryOne("SELECT COUNT(*) AS n FROM schema_migrations WHERE component = ''")
            ->Int("n") == 1);
}

}  // namespace
}  // namespace qrcloud::store
