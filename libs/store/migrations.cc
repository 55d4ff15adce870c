#include "libs/store/migrations.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/core/encoding.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace qrcloud::store {

std::vector<std::string> SplitStatements(absl::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(trimmed, ";")) {
      current.erase(current.find_last_of(';'));
      out.push_back(std::string(absl::StripAsciiWhitespace(current)));
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    out.push_back(std::string(absl::StripAsciiWhitespace(current)));
  }
  return out;
}

namespace {

// The table that records applied migrations, keyed by (component, version).
// A database made before components existed gets the column ("" for the
// service's own migrations, which is what its rows were).
absl::Status EnsureMigrationTable(Connection& conn) {
  QRCLOUD_RETURN_IF_ERROR(
      conn.ExecuteUnprepared("CREATE TABLE IF NOT EXISTS schema_migrations ("
                             " component VARCHAR(64) NOT NULL DEFAULT '',"
                             " version INT NOT NULL,"
                             " name VARCHAR(255) NOT NULL,"
                             " checksum CHAR(64) NOT NULL,"
                             " applied_at DATETIME(6) NOT NULL,"
                             " PRIMARY KEY (component, version)"
                             ") ENGINE=InnoDB"));
  QRCLOUD_ASSIGN_OR_RETURN(
      Row has, conn.QueryOne("SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE "
                             "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations' AND "
                             "COLUMN_NAME = 'component'"));
  if (has.Int("n") > 0) return absl::OkStatus();
  return conn.ExecuteUnprepared(
      "ALTER TABLE schema_migrations ADD COLUMN component VARCHAR(64) NOT NULL DEFAULT '' FIRST, "
      "DROP PRIMARY KEY, ADD PRIMARY KEY (component, version)");
}

}  // namespace

absl::Status Migrate(MysqlPool& pool, absl::string_view service,
                     const std::vector<Migration>& migrations, absl::string_view component) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  Connection& conn = **lease;

  const std::string lock_name = absl::StrCat("qrcloud_migrate_", service);
  QRCLOUD_ASSIGN_OR_RETURN(Row got, conn.QueryOne("SELECT GET_LOCK(?, 60) AS got", {lock_name}));
  if (got.Int("got") != 1) {
    return absl::UnavailableError(
        absl::StrCat("another ", service, " instance holds the migration lock"));
  }
  struct Unlock {
    Connection& conn;
    std::string name;
    ~Unlock() { (void)conn.Query("SELECT RELEASE_LOCK(?)", {name}); }
  } unlock{conn, lock_name};

  QRCLOUD_RETURN_IF_ERROR(EnsureMigrationTable(conn));
  QRCLOUD_ASSIGN_OR_RETURN(
      auto applied_rows,
      conn.Query("SELECT version, name, checksum FROM schema_migrations WHERE component = ?",
                 {std::string(component)}));
  std::map<int, Row> applied;
  for (auto& r : applied_rows) applied.emplace(static_cast<int>(r.Int("version")), std::move(r));

  std::vector<const Migration*> ordered;
  for (const auto& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i]->version == ordered[i - 1]->version) {
      return absl::FailedPreconditionError(
          absl::StrCat("two migrations share version ", ordered[i]->version, ": ",
                       ordered[i - 1]->name, " and ", ordered[i]->name));
    }
  }

  for (const Migration* m : ordered) {
    const std::string checksum = core::Sha256Hex(m->sql);
    auto it = applied.find(m->version);
    if (it != applied.end()) {
      if (it->second.String("checksum") != checksum) {
        return absl::FailedPreconditionError(absl::StrCat(
            service, " migration ", m->name, " was changed after it was applied (applied checksum ",
            it->second.String("checksum"), ", now ", checksum,
            "); restore it and add a new migration instead"));
      }
      continue;
    }
    spdlog::info("{}: applying migration {}", std::string(service), m->name);
    for (const std::string& statement : SplitStatements(m->sql)) {
      absl::Status s = conn.ExecuteUnprepared(statement);
      if (!s.ok()) {
        return absl::Status(s.code(),
                            absl::StrCat("migration ", m->name, " failed: ", s.message()));
      }
    }
    QRCLOUD_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO schema_migrations (component, version, name, checksum, applied_at) "
                "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))",
                {std::string(component), static_cast<int64_t>(m->version), m->name, checksum})
            .status());
  }
  for (const auto& [version, row] : applied) {
    const bool known = std::any_of(migrations.begin(), migrations.end(),
                                   [v = version](const Migration& m) { return m.version == v; });
    if (!known) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database has migration ", row.String("name"), " that this ", service,
          " binary does not know; is an older binary running against a newer schema?"));
    }
  }
  return absl::OkStatus();
}

}  // namespace qrcloud::store
