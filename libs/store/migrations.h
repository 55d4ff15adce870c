// Versioned, checksummed schema migrations, applied at service start.
//
// Each service keeps its migrations as numbered files (migrations/0001_x.sql,
// ...), compiled into the binary. Migrate() applies those not yet applied, in
// order, and records each with the SHA-256 of its text. A migration whose text
// changed after it was applied is an error, never silently run again: write a
// new migration instead.
#ifndef QRCLOUD_LIBS_STORE_MIGRATIONS_H_
#define QRCLOUD_LIBS_STORE_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/store/mysql.h"

namespace qrcloud::store {

struct Migration {
  int version;       // from the file name: 0001_accounts.sql → 1
  std::string name;  // the file name
  std::string sql;   // statements separated by ';' at the end of a line
};

// Applies pending migrations. Concurrent starters of the same service wait on
// a MySQL named lock, so each migration runs once.
//
// `component` names a set of migrations with versions of its own: "" for the
// service's own, another name for a set the kit shares between services (the
// outbox's), so shared versions never meet the service's.
absl::Status Migrate(MysqlPool& pool, absl::string_view service,
                     const std::vector<Migration>& migrations, absl::string_view component = "");

// Splits migration text into statements: at ';' ending a line, skipping
// blank lines and lines that start with "--".
std::vector<std::string> SplitStatements(absl::string_view sql);

}  // namespace qrcloud::store

#endif  // QRCLOUD_LIBS_STORE_MIGRATIONS_H_
