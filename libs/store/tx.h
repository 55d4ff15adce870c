// A unit of work, as business logic sees storage. What the stores do through
// one Tx commits together, with the events appended in it, or not at all.
// Logic holds a TxRunner and hands the Tx to the stores it calls; each store
// implementation knows its own kind of Tx: a MySQL store takes the
// connection of a MysqlTx (ConnectionOf), an in-memory store works under the
// MemoryDb's lock (libs/store/memory_tx.h). So the same logic runs on MySQL
// in a service and on memory in a unit test.
//
//   QRCLOUD_RETURN_IF_ERROR(runner.Run([&](store::Tx& tx) -> absl::Status {
//     QRCLOUD_ASSIGN_OR_RETURN(Order order, orders.Get(tx, id, /*for_update=*/true));
//     ...
//     return orders.MarkCancelled(tx, order, now);
//   }));
#ifndef QRCLOUD_LIBS_STORE_TX_H_
#define QRCLOUD_LIBS_STORE_TX_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/store/mysql.h"
#include "libs/store/outbox.h"

namespace qrcloud::store {

class Tx {
 public:
  virtual ~Tx() = default;
  // Appends an event to the outbox in this unit; returns its event id.
  virtual absl::StatusOr<std::string> AppendEvent(const OutboxEvent& event) = 0;
};

class TxRunner {
 public:
  virtual ~TxRunner() = default;
  // Runs `work` as one unit: committed if it returns OK, rolled back
  // otherwise. A conflict (ABORTED) may run `work` again, so it must do
  // nothing outside the Tx that cannot be done twice.
  virtual absl::Status Run(const std::function<absl::Status(Tx&)>& work) = 0;
};

// A MySQL transaction.
class MysqlTx final : public Tx {
 public:
  explicit MysqlTx(Connection& conn) : conn_(conn) {}
  Connection& conn() { return conn_; }
  absl::StatusOr<std::string> AppendEvent(const OutboxEvent& event) override;
  bool appended() const { return appended_; }

 private:
  Connection& conn_;
  bool appended_ = false;
};

// The connection of a MySQL Tx. A MySQL store handed another kind of Tx is
// a wiring bug: it aborts, naming it.
Connection& ConnectionOf(Tx& tx);

// Runs units as MySQL transactions (MysqlPool::Transaction) and nudges the
// outbox relay after a unit that appended events committed.
class MysqlTxRunner final : public TxRunner {
 public:
  MysqlTxRunner(MysqlPool& pool, OutboxRelay* relay) : pool_(pool), relay_(relay) {}
  absl::Status Run(const std::function<absl::Status(Tx&)>& work) override;

 private:
  MysqlPool& pool_;
  OutboxRelay* relay_;
};

}  // namespace qrcloud::store

#endif  // QRCLOUD_LIBS_STORE_TX_H_
