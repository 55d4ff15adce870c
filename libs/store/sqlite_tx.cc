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

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path,
                                                         SqliteOptions options) {
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
  std::unique_ptr<SqliteDb> db(new SqliteDb(handle));
  QRCLOUD_RETURN_IF_ERROR(db->Read([&](SqliteConnection& conn) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(Row mode, conn.QueryOne("PRAGMA journal_mode=WAL"));
    if (mode.String("journal_mode") != "wal") {
      return absl::FailedPreconditionError(
          absl::StrCat("the SQLite database ", path, " cannot use WAL (journal mode ",
                       mode.String("journal_mode"), "): give the path of a file on a local disk"));
    }
    return conn.ExecuteScript("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  }));
  QRCLOUD_RETURN_IF_ERROR(db->Migrate("outbox", OutboxMigrations()));
  return db;
}

SqliteDb::~SqliteDb() {
  // close_v2: the connection's cached statements are finalized after this,
  // when conn_ is destroyed; the handle closes then.
  sqlite3_close_v2(db_);
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
  return Unit([&](SqliteConnection& conn) {
    SqliteTx tx(conn);
    return work(tx);
  });
}

absl::Status SqliteDb::Read(const std::function<absl::Status(SqliteConnection&)>& read) {
  absl::MutexLock lock(&mu_);
  return read(conn_);
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
