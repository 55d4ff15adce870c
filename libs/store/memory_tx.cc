#include "libs/store/memory_tx.h"

#include "libs/core/ids.h"

namespace qrcloud::store {

absl::StatusOr<std::string> MemoryTx::AppendEvent(const OutboxEvent& event) {
  std::string id = core::NewId();
  events_.emplace_back(id, event);
  return id;
}

void MemoryDb::Register(Snapshot snapshot) {
  absl::MutexLock lock(&mu_);
  tables_.push_back(std::move(snapshot));
}

absl::Status MemoryDb::Run(const std::function<absl::Status(Tx&)>& work) {
  absl::MutexLock lock(&mu_);
  std::vector<std::function<void()>> restore;
  restore.reserve(tables_.size());
  for (const Snapshot& table : tables_) restore.push_back(table());
  MemoryTx tx;
  absl::Status s = work(tx);
  if (!s.ok()) {
    for (auto& put_back : restore) put_back();
    return s;
  }
  events_.insert(events_.end(), tx.events().begin(), tx.events().end());
  ++committed_;
  return s;
}

std::vector<std::pair<std::string, OutboxEvent>> MemoryDb::events() {
  absl::MutexLock lock(&mu_);
  return events_;
}

int MemoryDb::committed() {
  absl::MutexLock lock(&mu_);
  return committed_;
}

}  // namespace qrcloud::store
