#include "libs/store/mysql.h"

#include <catch2/catch.hpp>

#include <thread>

#include "tests/support/test_env.h"

namespace qrcloud::store {
namespace {

std::unique_ptr<MysqlPool> NewPool(int size = 4) {
  MysqlOptions o = testing::FreshDatabase("mysql");
  o.pool_size = size;
  auto pool = MysqlPool::Create(o);
  REQUIRE(pool.ok());
  auto lease = (*pool)->Acquire();
  REQUIRE(lease.ok());
  REQUIRE((*lease)
              ->ExecuteUnprepared(
                  "CREATE TABLE things (id VARCHAR(32) PRIMARY KEY, n BIGINT, name TEXT, "
                  "flag BOOLEAN, at DATETIME(6) NULL)")
              .ok());
  return *std::move(pool);
}

TEST_CASE("Prepared statements bind and return every value type") {
  auto pool = NewPool();
  auto conn = pool->Acquire();
  REQUIRE(conn.ok());
  const absl::Time at = absl::FromUnixMicros(1767225600123456);
  auto n = (*conn)->Execute(
      "INSERT INTO things VALUES (?, ?, ?, ?, ?)",
      {std::string("a"), int64_t{-42}, std::string("名字 'quoted' \"x\""), true, at});
  REQUIRE(n.ok());
  CHECK(*n == 1);
  REQUIRE((*conn)
              ->Execute("INSERT INTO things VALUES (?, ?, ?, ?, ?)",
                        {std::string("b"), nullptr, nullptr, false, nullptr})
              .ok());
  auto row = (*conn)->QueryOne("SELECT * FROM things WHERE id = ?", {std::string("a")});
  REQUIRE(row.ok());
  CHECK(row->Int("n") == -42);
  CHECK(row->String("name") == "名字 'quoted' \"x\"");
  CHECK(row->Bool("flag"));
  CHECK(row->Time("at") == at);
  auto nulls = (*conn)->QueryOne("SELECT * FROM things WHERE id = ?", {std::string("b")});
  REQUIRE(nulls.ok());
  CHECK(nulls->IsNull("n"));
  CHECK(nulls->IsNull("at"));
  CHECK_FALSE(nulls->Bool("flag"));
  CHECK(
      (*conn)->QueryOne("SELECT * FROM things WHERE id = ?", {std::string("zz")}).status().code() ==
      absl::StatusCode::kNotFound);
}

TEST_CASE("Input never becomes SQL") {
  auto pool = NewPool();
  auto conn = pool->Acquire();
  REQUIRE(conn.ok());
  const std::string evil = "x'); DROP TABLE things; --";
  REQUIRE((*conn)
              ->Execute("INSERT INTO things (id, name) VALUES (?, ?)", {std::string("e"), evil})
              .ok());
  auto row = (*conn)->QueryOne("SELECT name FROM things WHERE id = ?", {std::string("e")});
  REQUIRE(row.ok());
  CHECK(row->String("name") == evil);
}

TEST_CASE("A duplicate key is ALREADY_EXISTS") {
  auto pool = NewPool();
  auto conn = pool->Acquire();
  REQUIRE(conn.ok());
  REQUIRE((*conn)->Execute("INSERT INTO things (id) VALUES (?)", {std::string("dup")}).ok());
  auto again = (*conn)->Execute("INSERT INTO things (id) VALUES (?)", {std::string("dup")});
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
}

TEST_CASE("Transactions commit on OK and roll back on error") {
  auto pool = NewPool();
  REQUIRE(pool->Transaction([](Connection& c) {
                return c.Execute("INSERT INTO things (id) VALUES ('kept')").status();
              })
              .ok());
  absl::Status failed = pool->Transaction([](Connection& c) -> absl::Status {
    if (auto s = c.Execute("INSERT INTO things (id) VALUES ('gone')"); !s.ok()) return s.status();
    return absl::FailedPreconditionError("changed my mind");
  });
  CHECK(failed.code() == absl::StatusCode::kFailedPrecondition);
  auto conn = pool->Acquire();
  REQUIRE(conn.ok());
  auto rows = (*conn)->Query("SELECT id FROM things ORDER BY id");
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].String("id") == "kept");
}

TEST_CASE("The pool hands out at most pool_size connections and waits for a free one") {
  auto pool = NewPool(2);
  auto a = pool->Acquire();
  auto b = pool->Acquire();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(pool->Acquire(absl::Milliseconds(50)).status().code() ==
        absl::StatusCode::kResourceExhausted);
  std::thread releaser([lease = std::move(*a)]() mutable {
    absl::SleepFor(absl::Milliseconds(50));
    auto gone = std::move(lease);
  });
  CHECK(pool->Acquire(absl::Seconds(5)).ok());
  releaser.join();
}

TEST_CASE("Concurrent conditional updates never oversell") {
  auto pool = NewPool(8);
  {
    auto c = pool->Acquire();
    REQUIRE(c.ok());
    REQUIRE((*c)->Execute("INSERT INTO things (id, n) VALUES ('stock', 50)").ok());
  }
  std::atomic<int> sold{0};
  std::vector<std::thread> buyers;
  for (int t = 0; t < 8; ++t) {
    buyers.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        absl::Status s = pool->Transaction([&](Connection& c) -> absl::Status {
          auto n = c.Execute("UPDATE things SET n = n - 1 WHERE id = 'stock' AND n > 0");
          if (!n.ok()) return n.status();
          if (*n == 1) sold.fetch_add(1);
          return absl::OkStatus();
        });
        REQUIRE(s.ok());
      }
    });
  }
  for (auto& b : buyers) b.join();
  CHECK(sold.load() == 50);
  auto c = pool->Acquire();
  REQUIRE(c.ok());
  CHECK((*c)->QueryOne("SELECT n FROM things WHERE id = 'stock'")->Int("n") == 0);
}

TEST_CASE("A pool for an unreachable server fails with UNAVAILABLE") {
  MysqlOptions o = testing::Env().mysql;
  o.port = 1;  // nothing listens there
  o.database = "";
  auto pool = MysqlPool::Create(o);
  CHECK(pool.status().code() == absl::StatusCode::kUnavailable);
  CHECK(pool.status().message().find("127.0.0.1:1") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::store
