// MySQL access for qrcloud services: a pool of MySQL Connector/C++
// connections, prepared statements only, and a transaction helper.
//
// Every statement is prepared and its parameters bound: SQL text never
// contains caller data. Failures come back as absl::Status:
//   duplicate key            → ALREADY_EXISTS
//   deadlock / lock timeout  → ABORTED (Transaction() retries these)
//   server gone / no server  → UNAVAILABLE (the connection is replaced)
//   anything else            → INTERNAL
#ifndef QRCLOUD_LIBS_STORE_MYSQL_H_
#define QRCLOUD_LIBS_STORE_MYSQL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sql {
class Connection;
class PreparedStatement;
class Statement;
}  // namespace sql

namespace qrcloud::store {

struct MysqlOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user = "root";
  std::string password;
  std::string database;
  // Create `database` if it does not exist (needs the privilege).
  bool create_database = true;
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(2);
  // A statement that takes longer fails (UNAVAILABLE) instead of hanging.
  absl::Duration read_timeout = absl::Seconds(10);
  // A pooled connection idle for longer is pinged before use, so one that
  // died with a server restart is replaced instead of failing a call.
  absl::Duration validate_after_idle = absl::Seconds(1);
};

// A statement parameter. absl::Time binds as DATETIME(6) in UTC.
using Value = std::variant<std::nullptr_t, int64_t, std::string, bool, absl::Time, double>;
using Params = std::vector<Value>;

// One row of a result; values are copied out of the driver.
class Row {
 public:
  Row(std::shared_ptr<const std::map<std::string, int, std::less<>>> columns,
      std::vector<std::optional<std::string>> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  bool IsNull(absl::string_view column) const;
  // "" for NULL.
  const std::string& String(absl::string_view column) const;
  // 0 for NULL.
  int64_t Int(absl::string_view column) const;
  bool Bool(absl::string_view column) const { return Int(column) != 0; }
  // 0 for NULL.
  double Double(absl::string_view column) const;
  // absl::InfinitePast() for NULL.
  absl::Time Time(absl::string_view column) const;

 private:
  const std::optional<std::string>& At(absl::string_view column) const;

  std::shared_ptr<const std::map<std::string, int, std::less<>>> columns_;
  std::vector<std::optional<std::string>> values_;
};

// A live connection, held by one thread between Acquire and release.
class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql, const Params& params = {});
  // The first row, or NOT_FOUND.
  absl::StatusOr<Row> QueryOne(absl::string_view sql, const Params& params = {});
  // Returns the number of rows matched (CLIENT_FOUND_ROWS), changed or not.
  absl::StatusOr<int64_t> Execute(absl::string_view sql, const Params& params = {});
  // For DDL and session settings that cannot be prepared (migrations only).
  absl::Status ExecuteUnprepared(absl::string_view sql);

  bool broken() const { return broken_; }

 private:
  friend class MysqlPool;
  explicit Connection(std::unique_ptr<sql::Connection> conn);
  absl::StatusOr<sql::PreparedStatement*> Prepare(absl::string_view sql);
  absl::Status Translate(const std::exception& e, absl::string_view sql);

  std::unique_ptr<sql::Connection> conn_;
  std::map<std::string, std::unique_ptr<sql::PreparedStatement>, std::less<>> statements_;
  std::unique_ptr<sql::Statement> plain_;  // for ExecuteUnprepared, made once
  // Column name → index of each prepared query's results, made on its first
  // run and shared by the rows of every later one.
  std::map<const sql::PreparedStatement*,
           std::shared_ptr<const std::map<std::string, int, std::less<>>>>
      columns_;
  bool broken_ = false;
  absl::Time last_used_;
};

class MysqlPool {
 public:
  // Connects once to check the server and create the database. Fails with
  // UNAVAILABLE if the server cannot be reached.
  static absl::StatusOr<std::unique_ptr<MysqlPool>> Create(MysqlOptions options);
  ~MysqlPool();

  // A connection returned to the pool when the lease is destroyed.
  class Lease {
   public:
    Lease(MysqlPool* pool, std::unique_ptr<Connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = default;
    ~Lease();
    Connection* operator->() { return conn_.get(); }
    Connection& operator*() { return *conn_; }

   private:
    MysqlPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Waits up to `timeout` for a free connection (RESOURCE_EXHAUSTED after),
  // connecting or reconnecting as needed (UNAVAILABLE if the server is down).
  absl::StatusOr<Lease> Acquire(absl::Duration timeout = absl::Seconds(5));

  // Runs `fn` in a transaction: COMMIT if it returns OK, ROLLBACK otherwise.
  // Deadlocks and lock timeouts (ABORTED) are retried up to 3 times, so `fn`
  // must be safe to run again (it sees none of its earlier attempt's writes).
  absl::Status Transaction(const std::function<absl::Status(Connection&)>& fn);

  // A round trip to the server: OK or UNAVAILABLE.
  absl::Status Ping();

  const MysqlOptions& options() const { return options_; }

 private:
  explicit MysqlPool(MysqlOptions options) : options_(std::move(options)) {}
  absl::StatusOr<std::unique_ptr<Connection>> Connect(bool with_database);
  void Release(std::unique_ptr<Connection> conn);

  MysqlOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + leased
};

// DATETIME(6) text for `t` in UTC, and back.
std::string ToSqlTime(absl::Time t);
absl::Time FromSqlTime(absl::string_view text);

}  // namespace qrcloud::store

#endif  // QRCLOUD_LIBS_STORE_MYSQL_H_
