#include "libs/store/tx.h"

#include <cstdlib>
#include <typeinfo>

#include "libs/core/log.h"

namespace qrcloud::store {

absl::StatusOr<std::string> MysqlTx::AppendEvent(const OutboxEvent& event) {
  appended_ = true;
  return AppendToOutbox(conn_, event);
}

Connection& ConnectionOf(Tx& tx) {
  auto* mysql = dynamic_cast<MysqlTx*>(&tx);
  if (mysql == nullptr) {
    spdlog::critical("a MySQL store was given a {} unit of work", typeid(tx).name());
    std::abort();
  }
  return mysql->conn();
}

absl::Status MysqlTxRunner::Run(const std::function<absl::Status(Tx&)>& work) {
  bool appended = false;
  absl::Status s = pool_.Transaction([&](Connection& conn) {
    MysqlTx tx(conn);
    absl::Status done = work(tx);
    appended = tx.appended();
    return done;
  });
  if (s.ok() && appended && relay_ != nullptr) relay_->Nudge();
  return s;
}

}  // namespace qrcloud::store
