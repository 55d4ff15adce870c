// A unit of work on one SQLite database file, for a process that keeps its
// data on its own disk (a landing node): what the stores do through one
// SqliteTx commits together, with the events appended in it, or not at all.
//
// Durability: the file is opened in WAL mode with synchronous=FULL, so a
// committed unit survives a crash of the process or of the machine; foreign
// keys are enforced; a busy timeout waits for another process holding the
// write lock instead of failing at once.
//
// Threads: two connections, each guarded by its mutex. Units (Run) run one
// after another on the writing one, so a unit never meets a conflict of its
// own process; reads outside any unit (Read) run on the other, read-only
// (query_only), one at a time, beside the units: WAL lets a reader see the
// last committed state while a writer works, so an order's checks do not
// wait for another's commit. That is enough for a shop's node, whose units
// are a few statements each; it is not a server's pool.
//
// Group commit: what makes a unit slow is its COMMIT, which waits for the
// disk (synchronous=FULL). Units asked for while another is committing are
// run together, in the order asked, in one transaction: each in a SAVEPOINT
// of its own (an error rolls back that unit alone and is its caller's
// answer), then one COMMIT for all. Every caller returns only after the
// COMMIT that holds its unit, so durability is as before; 32 phones ordering
// at once wait for one disk flush, not 32 in a row.
//
// Statements are prepared once per connection and cached by their text;
// values are always bound, never written into SQL text. Failures come back
// as absl::Status:
//   a unique or primary key violated   → ALREADY_EXISTS
//   another constraint (CHECK, FK)     → FAILED_PRECONDITION
//   the database busy past the timeout → ABORTED
//   anything else                      → INTERNAL
//
// The outbox (table `outbox`, made by Open): the same meaning as the MySQL
// outbox (libs/store/outbox.h): one row per event, appended in the unit of
// the change it describes, unsent until a sender marks it. No sender is
// built yet: PendingEvents reads what one would send.
//
//   QRCLOUD_ASSIGN_OR_RETURN(auto db, store::SqliteDb::Open(path));
//   QRCLOUD_RETURN_IF_ERROR(db->Run([&](store::Tx& tx) -> absl::Status {
//     store::SqliteConnection& conn = store::SqliteConnectionOf(tx);
//     ...
//   }));
#ifndef QRCLOUD_LIBS_STORE_SQLITE_TX_H_
#define QRCLOUD_LIBS_STORE_SQLITE_TX_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/store/migrations.h"
#include "libs/store/mysql.h"
#include "libs/store/outbox.h"
#include "libs/store/tx.h"

struct sqlite3;
struct sqlite3_stmt;

namespace qrcloud::store {

// The one connection of a SqliteDb. Parameters are store::Value (as for
// MySQL); absl::Time binds as UTC text with microseconds (ToSqlTime), which
// sorts as time does. Rows are store::Row: every column is read as text.
class SqliteConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql, const Params& params = {});
  // The first row, or NOT_FOUND.
  absl::StatusOr<Row> QueryOne(absl::string_view sql, const Params& params = {});
  // Returns the number of rows the statement changed.
  absl::StatusOr<int64_t> Execute(absl::string_view sql, const Params& params = {});
  // Statements without parameters, several at once: migrations only.
  absl::Status ExecuteScript(absl::string_view sql);

 private:
  absl::StatusOr<sqlite3_stmt*> Prepare(absl::string_view sql);
  absl::Status Bind(sqlite3_stmt* stmt, const Params& params, absl::string_view sql);
  absl::Status Error(int rc, absl::string_view sql);

  sqlite3* db_;  // owned by the SqliteDb
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

// A unit of work in progress on a SqliteDb.
class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(SqliteConnection& conn) : conn_(conn) {}
  SqliteConnection& conn() { return conn_; }
  // Inserts into `outbox` in this unit; the event id is minted here, once.
  absl::StatusOr<std::string> AppendEvent(const OutboxEvent& event) override;

 private:
  SqliteConnection& conn_;
};

// The connection of a SQLite Tx. A SQLite store handed another kind of Tx
// is a wiring bug: it aborts, naming it.
SqliteConnection& SqliteConnectionOf(Tx& tx);

struct SqliteOptions {
  // How long a unit waits for another process's write lock (ABORTED after).
  absl::Duration busy_timeout = absl::Seconds(5);
};

class SqliteDb final : public TxRunner {
 public:
  // Opens (creating if needed) the database file at `path`, sets WAL mode,
  // synchronous=FULL, foreign keys and the busy timeout, and applies the
  // outbox's migrations. FAILED_PRECONDITION if the file cannot be put in
  // WAL mode (":memory:", say): a node's data lives in a file.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path,
                                                        SqliteOptions options = {});
  ~SqliteDb() override;

  // `work` in a unit: committed if it returned OK, rolled back otherwise
  // (with group commit, see above: its own SAVEPOINT in a transaction begun
  // with BEGIN IMMEDIATE). Runs `work` once, perhaps on another caller's
  // thread; returns once it is committed or rolled back.
  absl::Status Run(const std::function<absl::Status(Tx&)>& work) override;

  // A read outside any unit, on the reading connection (it sees what is
  // committed; it cannot write). `read` must not call Run or Read.
  absl::Status Read(const std::function<absl::Status(SqliteConnection&)>& read);

  // Applies the migrations of `component` not yet applied, in version order,
  // each in its own unit with its row in `schema_version` (component,
  // version, name, applied_at). Each store calls it for its own tables.
  absl::Status Migrate(absl::string_view component, const std::vector<Migration>& migrations);

  // Outbox events not yet sent, oldest first: (event id, event).
  absl::StatusOr<std::vector<std::pair<std::string, OutboxEvent>>> PendingEvents(int limit = 200);

 private:
  // A unit asked for and its answer.
  struct Asked {
    const std::function<absl::Status(Tx&)>* work;
    absl::Status result;
    bool done = false;
  };
  // At most this many units share a transaction.
  static constexpr size_t kMaxGroup = 256;

  SqliteDb(sqlite3* db, sqlite3* read_db)
      : db_(db), conn_(db), read_db_(read_db), read_conn_(read_db) {}
  absl::Status Unit(const std::function<absl::Status(SqliteConnection&)>& work);
  // WAL, synchronous=FULL and foreign keys on the writing connection,
  // query_only on the reading one, and the outbox's tables.
  absl::Status Setup(const std::string& path);
  // Runs `group` in one transaction and sets each one's result.
  void CommitGroup(const std::vector<Asked*>& group);

  sqlite3* db_;
  absl::Mutex mu_;
  SqliteConnection conn_ ABSL_GUARDED_BY(mu_);
  sqlite3* read_db_;
  absl::Mutex read_mu_;
  SqliteConnection read_conn_ ABSL_GUARDED_BY(read_mu_);
  // The units waiting for a transaction, and whether a caller is running
  // the current one (the leader, who takes the waiting next).
  absl::Mutex queue_mu_;
  std::vector<Asked*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leader_ ABSL_GUARDED_BY(queue_mu_) = false;
};

}  // namespace qrcloud::store

#endif  // QRCLOUD_LIBS_STORE_SQLITE_TX_H_
