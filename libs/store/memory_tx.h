// The in-memory counterpart of MySQL for unit tests of business logic: a
// MemoryDb is one "database" whose tables are the in-memory stores of a
// test. A unit runs under the db's lock; each table registered a snapshot,
// so a unit that fails leaves no trace, as a rolled-back transaction. Events
// appended by committed units are kept for the test to read.
//
//   store::MemoryDb db;
//   ordering::MemoryOrderStore orders(db);  // registers its tables
//   OrderBook book(db, orders, ...);        // the db is the TxRunner
#ifndef QRCLOUD_LIBS_STORE_MEMORY_TX_H_
#define QRCLOUD_LIBS_STORE_MEMORY_TX_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "libs/store/tx.h"

namespace qrcloud::store {

class MemoryTx final : public Tx {
 public:
  absl::StatusOr<std::string> AppendEvent(const OutboxEvent& event) override;
  const std::vector<std::pair<std::string, OutboxEvent>>& events() const { return events_; }

 private:
  std::vector<std::pair<std::string, OutboxEvent>> events_;
};

class MemoryDb final : public TxRunner {
 public:
  // A table's snapshot: called under the lock at the start of a unit, it
  // returns what puts the table back as it was.
  using Snapshot = std::function<std::function<void()>()>;
  void Register(Snapshot snapshot);

  absl::Status Run(const std::function<absl::Status(Tx&)>& work) override;

  // A single step outside any unit (a read, or a store's own atomic step):
  // runs under the lock, with a Tx that is committed as it goes.
  absl::Status Step(const std::function<absl::Status(Tx&)>& work) { return Run(work); }

  // Events of committed units, oldest first: (event id, event).
  std::vector<std::pair<std::string, OutboxEvent>> events();
  // How many units have committed (for tests that count round trips).
  int committed();

 private:
  absl::Mutex mu_;
  std::vector<Snapshot> tables_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<std::string, OutboxEvent>> events_ ABSL_GUARDED_BY(mu_);
  int committed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace qrcloud::store

#endif  // QRCLOUD_LIBS_STORE_MEMORY_TX_H_
