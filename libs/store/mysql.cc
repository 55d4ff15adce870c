#include "libs/store/mysql.h"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"
#include "libs/core/status.h"

namespace qrcloud::store {
namespace {

// Client and server error numbers that mean the connection is unusable.
bool IsConnectionError(int code) {
  switch (code) {
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
      return true;
    default:
      return false;
  }
}

sql::mysql::MySQL_Driver* Driver() {
  // get_mysql_driver_instance() is not safe to call concurrently the first time.
  static sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
  return driver;
}

core::Counter& ReconnectCounter() {
  static core::Counter& c = core::MetricsRegistry::Global().GetCounter(
      "mysql_reconnects_total", "MySQL connections replaced after a failure or idle check.");
  return c;
}

core::Gauge& OpenGauge() {
  static core::Gauge& g = core::MetricsRegistry::Global().GetGauge(
      "mysql_pool_open_connections", "MySQL connections open (idle and leased).");
  return g;
}

}  // namespace

std::string ToSqlTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

absl::Time FromSqlTime(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, absl::UTCTimeZone(), &t, &err)) return t;
  return absl::InfinitePast();
}

// Row ------------------------------------------------------------------------

const std::optional<std::string>& Row::At(absl::string_view column) const {
  auto it = columns_->find(column);
  // Asking for a column the query did not select is a programming error.
  assert(it != columns_->end());
  return values_[it->second];
}

bool Row::IsNull(absl::string_view column) const { return !At(column).has_value(); }

const std::string& Row::String(absl::string_view column) const {
  static const std::string* empty = new std::string;
  const auto& v = At(column);
  return v ? *v : *empty;
}

int64_t Row::Int(absl::string_view column) const {
  const auto& v = At(column);
  if (!v || v->empty()) return 0;
  return std::strtoll(v->c_str(), nullptr, 10);
}

double Row::Double(absl::string_view column) const {
  const auto& v = At(column);
  if (!v || v->empty()) return 0;
  return std::strtod(v->c_str(), nullptr);
}

absl::Time Row::Time(absl::string_view column) const {
  const auto& v = At(column);
  return v ? FromSqlTime(*v) : absl::InfinitePast();
}

// Connection -----------------------------------------------------------------

Connection::Connection(std::unique_ptr<sql::Connection> conn)
    : conn_(std::move(conn)), last_used_(absl::Now()) {}

Connection::~Connection() {
  columns_.clear();
  statements_.clear();  // statements before their connection
  plain_.reset();
  conn_.reset();
}

absl::Status Connection::Translate(const std::exception& e, absl::string_view sql) {
  const auto* se = dynamic_cast<const sql::SQLException*>(&e);
  const int code = se ? se->getErrorCode() : 0;
  if (code == 1062) return absl::AlreadyExistsError(e.what());
  if (code == 1213 || code == 1205) return absl::AbortedError(absl::StrCat("MySQL: ", e.what()));
  // SIGNAL SQLSTATE '45000' from a trigger: a rule of the data refused the
  // statement; the message says which.
  if (code == 1644) return absl::FailedPreconditionError(e.what());
  if (IsConnectionError(code) || (se && se->getSQLState().substr(0, 2) == "08")) {
    broken_ = true;
    return absl::UnavailableError(absl::StrCat("database unavailable: ", e.what()));
  }
  spdlog::error("MySQL error {} on \"{}\": {}", code, std::string(sql), e.what());
  return absl::InternalError(absl::StrCat("MySQL error ", code, ": ", e.what()));
}

absl::StatusOr<sql::PreparedStatement*> Connection::Prepare(absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second.get();
  try {
    std::unique_ptr<sql::PreparedStatement> ps(conn_->prepareStatement(std::string(sql)));
    auto* raw = ps.get();
    statements_.emplace(std::string(sql), std::move(ps));
    return raw;
  } catch (const std::exception& e) {
    return Translate(e, sql);
  }
}

namespace {

void Bind(sql::PreparedStatement* ps, const Params& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const unsigned int idx = static_cast<unsigned int>(i + 1);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            ps->setNull(idx, 0);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            ps->setInt64(idx, v);
          } else if constexpr (std::is_same_v<T, std::string>) {
            ps->setString(idx, sql::SQLString(v.data(), v.size()));
          } else if constexpr (std::is_same_v<T, bool>) {
            ps->setBoolean(idx, v);
          } else if constexpr (std::is_same_v<T, absl::Time>) {
            ps->setString(idx, ToSqlTime(v));
          } else if constexpr (std::is_same_v<T, double>) {
            ps->setDouble(idx, v);
          }
        },
        params[i]);
  }
}

}  // namespace

absl::StatusOr<std::vector<Row>> Connection::Query(absl::string_view sql, const Params& params) {
  auto ps = Prepare(sql);
  if (!ps.ok()) return ps.status();
  last_used_ = absl::Now();
  try {
    Bind(*ps, params);
    std::unique_ptr<sql::ResultSet> rs((*ps)->executeQuery());
    sql::ResultSetMetaData* meta = rs->getMetaData();
    const unsigned int n = meta->getColumnCount();
    auto& columns = columns_[*ps];
    if (columns == nullptr || columns->size() != n) {
      auto made = std::make_shared<std::map<std::string, int, std::less<>>>();
      for (unsigned int i = 1; i <= n; ++i) (*made)[meta->getColumnLabel(i).asStdString()] = i - 1;
      columns = std::move(made);
    }
    std::vector<Row> rows;
    rows.reserve(rs->rowsCount());
    while (rs->next()) {
      std::vector<std::optional<std::string>> values(n);
      for (unsigned int i = 1; i <= n; ++i) {
        if (!rs->isNull(i)) values[i - 1] = rs->getString(i).asStdString();
      }
      rows.emplace_back(columns, std::move(values));
    }
    return rows;
  } catch (const std::exception& e) {
    return Translate(e, sql);
  }
}

absl::StatusOr<Row> Connection::QueryOne(absl::string_view sql, const Params& params) {
  auto rows = Query(sql, params);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError("no row");
  return std::move(rows->front());
}

absl::StatusOr<int64_t> Connection::Execute(absl::string_view sql, const Params& params) {
  auto ps = Prepare(sql);
  if (!ps.ok()) return ps.status();
  last_used_ = absl::Now();
  try {
    Bind(*ps, params);
    return static_cast<int64_t>((*ps)->executeUpdate());
  } catch (const std::exception& e) {
    return Translate(e, sql);
  }
}

absl::Status Connection::ExecuteUnprepared(absl::string_view sql) {
  last_used_ = absl::Now();
  try {
    if (!plain_) plain_.reset(conn_->createStatement());
    plain_->execute(std::string(sql));
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return Translate(e, sql);
  }
}

// MysqlPool ------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<MysqlPool>> MysqlPool::Create(MysqlOptions options) {
  std::unique_ptr<MysqlPool> pool(new MysqlPool(std::move(options)));
  const MysqlOptions& o = pool->options_;
  if (o.create_database && !o.database.empty()) {
    auto admin = pool->Connect(/*with_database=*/false);
    if (!admin.ok()) return admin.status();
    absl::Status s =
        (*admin)->ExecuteUnprepared(absl::StrCat("CREATE DATABASE IF NOT EXISTS `", o.database,
                                                 "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"));
    if (!s.ok()) return s;
  }
  auto first = pool->Connect(/*with_database=*/true);
  if (!first.ok()) return first.status();
  absl::MutexLock lock(&pool->mu_);
  pool->idle_.push_back(*std::move(first));
  pool->open_ = 1;
  OpenGauge().Add(1);
  return pool;
}

MysqlPool::~MysqlPool() {
  absl::MutexLock lock(&mu_);
  // Every lease must be returned before the pool goes: a lease outliving its
  // pool is a programming error.
  assert(open_ == static_cast<int>(idle_.size()));
  OpenGauge().Add(-static_cast<int64_t>(idle_.size()));
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<Connection>> MysqlPool::Connect(bool with_database) {
  const auto seconds = [](absl::Duration d) {
    return static_cast<int>(std::max<int64_t>(1, absl::ToInt64Seconds(d)));
  };
  sql::ConnectOptionsMap opts;
  opts["hostName"] = sql::SQLString(absl::StrCat("tcp://", options_.host, ":", options_.port));
  opts["userName"] = sql::SQLString(options_.user);
  opts["password"] = sql::SQLString(options_.password);
  if (with_database && !options_.database.empty())
    opts["schema"] = sql::SQLString(options_.database);
  opts["OPT_CONNECT_TIMEOUT"] = seconds(options_.connect_timeout);
  opts["OPT_READ_TIMEOUT"] = seconds(options_.read_timeout);
  opts["OPT_WRITE_TIMEOUT"] = seconds(options_.read_timeout);
  opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  opts["OPT_RECONNECT"] = false;  // a silent reconnect would lose session state
  // Execute() returns rows matched, not rows changed: an UPDATE that sets a
  // row to what it already holds still reports that the row exists.
  opts["CLIENT_FOUND_ROWS"] = true;
  try {
    std::unique_ptr<sql::Connection> raw(Driver()->connect(opts));
    std::unique_ptr<Connection> conn(new Connection(std::move(raw)));
    for (const char* setup : {"SET time_zone = '+00:00'",
                              "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
                              "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
                              "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"}) {
      if (absl::Status s = conn->ExecuteUnprepared(setup); !s.ok()) return s;
    }
    return conn;
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot connect to MySQL at ", options_.host, ":",
                                               options_.port, ": ", e.what()));
  }
}

absl::StatusOr<MysqlPool::Lease> MysqlPool::Acquire(absl::Duration timeout) {
  std::unique_ptr<Connection> conn;
  bool may_open = false;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.pool_size;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), timeout)) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "all ", options_.pool_size, " database connections are busy; try again shortly"));
    }
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
      OpenGauge().Add(1);
      may_open = true;
    }
  }
  // Outside the lock: pinging or connecting takes a round trip.
  if (conn && !conn->broken_ && absl::Now() - conn->last_used_ > options_.validate_after_idle) {
    bool valid = false;
    try {
      valid = conn->conn_->isValid();
    } catch (const std::exception&) {
    }
    if (!valid) conn->broken_ = true;
  }
  if (may_open || conn->broken_) {
    if (conn) ReconnectCounter().Inc();
    auto fresh = Connect(/*with_database=*/true);
    if (!fresh.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      OpenGauge().Add(-1);
      return fresh.status();
    }
    conn = *std::move(fresh);
  }
  return Lease(this, std::move(conn));
}

void MysqlPool::Release(std::unique_ptr<Connection> conn) {
  absl::MutexLock lock(&mu_);
  if (conn->broken_) {
    --open_;  // dropped; the next Acquire opens a fresh one
    OpenGauge().Add(-1);
    return;
  }
  idle_.push_back(std::move(conn));
}

MysqlPool::Lease::~Lease() {
  if (conn_) pool_->Release(std::move(conn_));
}

absl::Status MysqlPool::Transaction(const std::function<absl::Status(Connection&)>& fn) {
  absl::Status last;
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto lease = Acquire();
    if (!lease.ok()) return lease.status();
    Connection& conn = **lease;
    QRCLOUD_RETURN_IF_ERROR(conn.ExecuteUnprepared("START TRANSACTION"));
    last = fn(conn);
    if (last.ok()) last = conn.ExecuteUnprepared("COMMIT");
    if (last.ok()) return last;
    if (!conn.broken_) {
      // A failed ROLLBACK leaves the connection in an unknown state: drop it.
      if (!conn.ExecuteUnprepared("ROLLBACK").ok()) conn.broken_ = true;
    }
    if (last.code() != absl::StatusCode::kAborted) return last;
  }
  return last;
}

absl::Status MysqlPool::Ping() {
  auto lease = Acquire(absl::Seconds(1));
  if (!lease.ok()) return lease.status();
  auto rows = (*lease)->Query("SELECT 1");
  return rows.ok() ? absl::OkStatus() : rows.status();
}

}  // namespace qrcloud::store
