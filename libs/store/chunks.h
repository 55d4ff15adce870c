// Many rows in few round trips: multi-row INSERTs and IN-list SELECTs cut
// into chunks of a few fixed sizes, so that a batch of a thousand rows is a
// handful of statements and the pool prepares only a few shapes of each.
//
//   QRCLOUD_RETURN_IF_ERROR(store::ExecuteInChunks<Row>(conn, rows,
//       [](size_t n) { return absl::StrCat("INSERT INTO t (a, b) VALUES ", store::Rows(n, 2)); },
//       [](const Row& r, store::Params& p) { store::Add(p, {r.a, r.b}); }));
#ifndef QRCLOUD_LIBS_STORE_CHUNKS_H_
#define QRCLOUD_LIBS_STORE_CHUNKS_H_

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/status.h"
#include "libs/store/mysql.h"

namespace qrcloud::store {

// Rows per statement for `left` rows still to go: 500, 100, 20, 5 or 1.
inline size_t ChunkSize(size_t left) {
  for (size_t n : {500, 100, 20, 5}) {
    if (left >= n) return n;
  }
  return 1;
}

// "(?, ?), (?, ?)" for n rows of `columns` values.
inline std::string Rows(size_t n, size_t columns) {
  std::vector<std::string> marks(columns, "?");
  const std::string row = absl::StrCat("(", absl::StrJoin(marks, ", "), ")");
  std::vector<std::string> rows(n, row);
  return absl::StrJoin(rows, ", ");
}

// "?, ?, ?" for an IN list of n.
inline std::string Marks(size_t n) {
  std::vector<std::string> marks(n, "?");
  return absl::StrJoin(marks, ", ");
}

inline void Add(Params& params, std::initializer_list<Value> values) {
  params.insert(params.end(), values.begin(), values.end());
}

// Writes `all` with multi-row statements: `sql(n)` for n rows, each row's
// values added by `values`.
template <typename T>
absl::Status ExecuteInChunks(Connection& conn, const std::vector<T>& all,
                             const std::function<std::string(size_t n)>& sql,
                             const std::function<void(const T&, Params&)>& values) {
  for (size_t at = 0; at < all.size();) {
    const size_t n = ChunkSize(all.size() - at);
    Params params;
    for (size_t i = at; i < at + n; ++i) values(all[i], params);
    QRCLOUD_RETURN_IF_ERROR(conn.Execute(sql(n), params).status());
    at += n;
  }
  return absl::OkStatus();
}

// Reads the rows of `sql(n)` for `keys`, n of them at a time in its IN list
// (`before` are bound ahead of the keys).
inline absl::Status QueryInChunks(Connection& conn, const std::vector<std::string>& keys,
                                  const std::function<std::string(size_t n)>& sql,
                                  const std::function<void(const Row&)>& row,
                                  const Params& before = {}) {
  for (size_t at = 0; at < keys.size();) {
    const size_t n = ChunkSize(keys.size() - at);
    Params params = before;
    params.insert(params.end(), keys.begin() + at, keys.begin() + at + n);
    QRCLOUD_ASSIGN_OR_RETURN(auto rows, conn.Query(sql(n), params));
    for (const auto& r : rows) row(r);
    at += n;
  }
  return absl::OkStatus();
}

}  // namespace qrcloud::store

#endif  // QRCLOUD_LIBS_STORE_CHUNKS_H_
