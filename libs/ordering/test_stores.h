// For tests only: the order rules' stores behind one face, so the same test
// cases run on memory and on SQLite (Catch2's TEMPLATE_TEST_CASE over
// MemoryStores and SqliteStores). Each gives `runner()`, `orders`,
// `events()` (committed outbox events, oldest first), `StockLeft` and
// `RedemptionCount`.
#ifndef QRCLOUD_LIBS_ORDERING_TEST_STORES_H_
#define QRCLOUD_LIBS_ORDERING_TEST_STORES_H_

#include <stdlib.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "libs/ordering/memory_order_store.h"
#include "libs/ordering/sqlite_order_store.h"
#include "libs/store/memory_tx.h"
#include "libs/store/sqlite_tx.h"

namespace qrcloud::ordering::testing {

// A fresh directory under the system's temp directory, removed with it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "qrcloud-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct MemoryStores {
  store::MemoryDb db;
  MemoryOrderStore orders{db};

  store::TxRunner& runner() { return db; }
  std::vector<std::pair<std::string, store::OutboxEvent>> events() { return db.events(); }
  int64_t StockLeft(const std::string& offer_id) { return orders.StockLeft(offer_id); }
  int RedemptionCount(const std::string& order_id) { return orders.RedemptionCount(order_id); }
};

struct SqliteStores {
  TempDir dir;
  std::unique_ptr<store::SqliteDb> db = Must(store::SqliteDb::Open(dir.File("node.db")));
  std::unique_ptr<SqliteOrderStore> owned = Must(SqliteOrderStore::Open(*db));
  SqliteOrderStore& orders = *owned;

  store::TxRunner& runner() { return *db; }
  std::vector<std::pair<std::string, store::OutboxEvent>> events() {
    return Must(db->PendingEvents(/*limit=*/1000000));
  }
  int64_t StockLeft(const std::string& offer_id) { return Must(orders.StockLeft(offer_id)); }
  int RedemptionCount(const std::string& order_id) {
    return Must(orders.RedemptionCount(order_id));
  }

  template <typename T>
  static T Must(absl::StatusOr<T> v) {
    INFO(v.status());
    REQUIRE(v.ok());
    return *std::move(v);
  }
};

}  // namespace qrcloud::ordering::testing

#endif  // QRCLOUD_LIBS_ORDERING_TEST_STORES_H_
