#include "libs/store/sqlite_tx.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <typeinfo>
#include <variant>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace qrcloud::store {
namespace {

// The outbox's meaning is the MySQL table's (libs/store/migrations/
// 0001_outbox.sql); its DDL is SQLite's own.
const std::vector<Migration>& OutboxMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "0001_outbox", R"sql(
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  stream TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL,
  published_at TEXT NULL
);
CREATE INDEX outbox_pending ON outbox (published_at, id);
)sql"},
  };
  return kMigrations;
}

constexpr char kSchemaVersion[] = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  component TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (component, version)
);
)sql";

}  // namespace

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
}

absl::Status SqliteConnection::Error(int rc, absl::string_view sql) {
  const std::string message = absl::StrCat(sqlite3_errmsg(db_), " (in: ", sql, ")");
  const int extended = sqlite3_extended_errcode(db_);
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return absl::AlreadyExistsError(message);
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return absl::FailedPreconditionError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::AbortedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<sqlite3_stmt*> SqliteConnection::Prepare(absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  statements_.emplace(std::string(sql), stmt);
  return stmt;
}

absl::Status SqliteConnection::Bind(sqlite3_stmt* stmt, const Params& params,
                                    absl::string_view sql) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int idx = static_cast<int>(i) + 1;
    const int rc = std::visit(
        [&](const auto& v) -> int {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            return sqlite3_bind_null(stmt, idx);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            return sqlite3_bind_int64(stmt, idx, v);
          } else if constexpr (std::is_same_v<T, bool>) {
            return sqlite3_bind_int(stmt, idx, v ? 1 : 0);
          } else if constexpr (std::is_same_v<T, double>) {
            return sqlite3_bind_double(stmt, idx, v);
          } else if constexpr (std::is_same_v<T, absl::Time>) {
            const std::string text = ToSqlTime(v);
            return sqlite3_bind_text(stmt, idx, text.data(), static_cast<int>(text.size()),
                                     SQLITE_TRANSIENT);
          } else {
            return sqlite3_bind_text(stmt, idx, v.data(), static_cast<int>(v.size()),
                                     SQLITE_TRANSIENT);
          }
        },
        params[i]);
    if (rc != SQLITE_OK) return Error(rc, sql);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Row>> SqliteConnection::Query(absl::string_view sql,
                                                         const Params& params) {
  QRCLOUD_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  // A statement is left reset and unbound whatever happens, ready for reuse.
  struct Reset {
    sqlite3_stmt* stmt;
    ~Reset() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  } reset{stmt};
  QRCLOUD_RETURN_IF_ERROR(Bind(stmt, params, sql));
  auto columns = std::make_shared<std::map<std::string, int, std::less<>>>();
  const int n = sqlite3_column_count(stmt);
  for (int i = 0; i < n; ++i) (*columns)[sqlite3_column_name(stmt, i)] = i;
  std::vector<Row> rows;
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error(rc, sql);
    std::vector<std::optional<std::string>> values(n);
    for (int i = 0; i < n; ++i) {
      if (sqlite3_column_type(stmt, i) == SQLITE_NULL) continue;
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      values[i] = std::string(text, sqlite3_column_bytes(stmt, i));
    }
    rows.emplace_back(columns, std::move(values));
  }
  return rows;
}

absl::StatusOr<Row> SqliteConnection::QueryOne(absl::string_view sql, const Params& params) {
  QRCLOUD_ASSIGN_OR_RETURN(auto rows, Query(sql, params));
  if (rows.empty()) return absl::NotFoundError("no row");
  return std::move(rows.front());
}

absl::StatusOr<int64_t> SqliteConnection::Execute(absl::string_view sql, const Params& params) {
  QRCLOUD_RETURN_IF_ERROR(Query(sql, params).status());
  return sqlite3_changes64(db_);
}

absl::Status SqliteConnection::ExecuteScript(absl::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? absl::OkStatus() : Error(rc, sql);
}

absl::StatusOr<std::string> SqliteTx::AppendEvent(const OutboxEvent& event) {
  std::string id = core::NewId();
  QRCLOUD_RETURN_IF_ERROR(
      conn_
          .Execute("INSERT INTO outbox (event_id, stream, type, data, created_at) "
                   "VALUES (?, ?, ?, ?, ?)",
                   {id, event.stream, event.type, event.data, absl::Now()})
          .status());
  return id;
}

SqliteConnection& SqliteConnectionOf(Tx& tx) {
  auto* sqlite = dynamic_cast<SqliteTx*>(&tx);
  if (sqlite == nullptr) {
    spdlog::critical("a SQLite store was given a {} unit of work", typeid(tx).name());
    std::abort();
  }
  return sqlite->conn();
}

namespace {

absl::StatusOr<sqlite3*> OpenHandle(const std::string& path, const SqliteOptions& options) {
  sqlite3* handle = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(
        absl::StrCat("cannot open the SQLite database ", path, ": ", sqlite3_errstr(rc)));
    sqlite3_close_v2(handle);
    return s;
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  return handle;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path,
                                                         SqliteOptions options) {
  QRCLOUD_ASSIGN_OR_RETURN(sqlite3 * handle, OpenHandle(path, options));
  auto reading = OpenHandle(path, options);
  if (!reading.ok()) {
    sqlite3_close_v2(handle);
    return reading.status();
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(handle, *reading));
  QRCLOUD_RETURN_IF_ERROR(db->Setup(path));
  return db;
}

absl::Status SqliteDb::Setup(const std::string& path) {
  QRCLOUD_RETURN_IF_ERROR([&]() -> absl::Status {
    absl::MutexLock lock(&mu_);
    SqliteConnection& conn = conn_;
    QRCLOUD_ASSIGN_OR_RETURN(Row mode, conn.QueryOne("PRAGMA journal_mode=WAL"));
    if (mode.String("journal_mode") != "wal") {
      return absl::FailedPreconditionError(
          absl::StrCat("the SQLite database ", path, " cannot use WAL (journal mode ",
                       mode.String("journal_mode"), "): give the path of a file on a local disk"));
    }
    return conn.ExecuteScript("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  }());
  {
    absl::MutexLock lock(&read_mu_);
    QRCLOUD_RETURN_IF_ERROR(read_conn_.ExecuteScript(
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"));
  }
  return Migrate("outbox", OutboxMigrations());
}

SqliteDb::~SqliteDb() {
  // close_v2: the connections' cached statements are finalized after this,
  // when conn_ and read_conn_ are destroyed; the handles close then.
  sqlite3_close_v2(db_);
  sqlite3_close_v2(read_db_);
}

absl::Status SqliteDb::Unit(const std::function<absl::Status(SqliteConnection&)>& work) {
  absl::MutexLock lock(&mu_);
  QRCLOUD_RETURN_IF_ERROR(conn_.Execute("BEGIN IMMEDIATE").status());
  absl::Status s = work(conn_);
  if (s.ok()) s = conn_.Execute("COMMIT").status();
  // After a failed COMMIT the transaction may still be open: roll it back
  // too, so the connection is never left inside one.
  if (!s.ok() && !sqlite3_get_autocommit(db_)) (void)conn_.Execute("ROLLBACK");
  return s;
}

absl::Status SqliteDb::Run(const std::function<absl::Status(Tx&)>& work) {
  Asked asked{&work};
  {
    absl::MutexLock q(&queue_mu_);
    queue_.push_back(&asked);
    // Run by a leader, or lead: whoever finds no leader takes the queue.
    const auto ran_or_free = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
      return asked.done || !leader_;
    };
    queue_mu_.Await(absl::Condition(&ran_or_free));
    if (asked.done) return asked.result;
    leader_ = true;
  }
  while (true) {
    std::vector<Asked*> group;
    {
      absl::MutexLock q(&queue_mu_);
      if (asked.done || queue_.empty()) {
        leader_ = false;  // a waiting caller leads the next group
        break;
      }
      const size_t n = std::min(queue_.size(), kMaxGroup);
      group.assign(queue_.begin(), queue_.begin() + n);
      queue_.erase(queue_.begin(), queue_.begin() + n);
    }
    CommitGroup(group);
    absl::MutexLock q(&queue_mu_);
    for (Asked* a : group) a->done = true;
  }
  return asked.result;
}

void SqliteDb::CommitGroup(const std::vector<Asked*>& group) {
  absl::MutexLock lock(&mu_);
  absl::Status begun = conn_.Execute("BEGIN IMMEDIATE").status();
  if (!begun.ok()) {
    for (Asked* a : group) a->result = begun;
    return;
  }
  bool any = false;
  for (Asked* a : group) {
    absl::Status s = conn_.Execute("SAVEPOINT unit").status();
    if (s.ok()) {
      SqliteTx tx(conn_);
      s = (*a->work)(tx);
    }
    // Its own changes undone on an error; the others' kept.
    if (!s.ok()) (void)conn_.Execute("ROLLBACK TO unit");
    const absl::Status released = conn_.Execute("RELEASE unit").status();
    if (s.ok()) s = released;
    a->result = s;
    any = any || s.ok();
  }
  absl::Status committed = conn_.Execute(any ? "COMMIT" : "ROLLBACK").status();
  if (!committed.ok()) {
    // After a failed COMMIT the transaction may still be open: roll it back
    // too, so the connection is never left inside one. Nothing was kept.
    if (!sqlite3_get_autocommit(db_)) (void)conn_.Execute("ROLLBACK");
    for (Asked* a : group) {
      if (a->result.ok()) a->result = committed;
    }
  }
}

absl::Status SqliteDb::Read(const std::function<absl::Status(SqliteConnection&)>& read) {
  absl::MutexLock lock(&read_mu_);
  return read(read_conn_);
}

absl::Status SqliteDb::Migrate(absl::string_view component,
                               const std::vector<Migration>& migrations) {
  std::vector<const Migration*> ordered;
  for (const Migration& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (const Migration* m : ordered) {
    const absl::Status applied = Unit([&](SqliteConnection& conn) -> absl::Status {
      QRCLOUD_RETURN_IF_ERROR(conn.ExecuteScript(kSchemaVersion));
      auto row =
          conn.QueryOne("SELECT name FROM schema_version WHERE component = ? AND version = ?",
                        {std::string(component), static_cast<int64_t>(m->version)});
      if (row.ok()) return absl::OkStatus();
      if (row.status().code() != absl::StatusCode::kNotFound) return row.status();
      QRCLOUD_RETURN_IF_ERROR(conn.ExecuteScript(m->sql));
      return conn
          .Execute(
              "INSERT INTO schema_version (component, version, name, applied_at) "
              "VALUES (?, ?, ?, ?)",
              {std::string(component), static_cast<int64_t>(m->version), m->name, absl::Now()})
          .status();
    });
    if (!applied.ok()) return applied;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<std::string, OutboxEvent>>> SqliteDb::PendingEvents(
    int limit) {
  std::vector<std::pair<std::string, OutboxEvent>> out;
  QRCLOUD_RETURN_IF_ERROR(Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(auto rows,
                             conn.Query("SELECT event_id, stream, type, data FROM outbox "
                                        "WHERE published_at IS NULL ORDER BY id LIMIT ?",
                                        {static_cast<int64_t>(limit)}));
    for (const Row& r : rows) {
      out.push_back(
          {r.String("event_id"), {r.String("stream"), r.String("type"), r.String("data")}});
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace qrcloud::store
