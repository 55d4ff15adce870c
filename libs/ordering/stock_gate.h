// A gate in front of limited stock that turns a rush away cheaply (the
// center's is in Redis). The store stays the authority: a gate may let
// through more than is left (the store refuses the excess), never fewer
// than it should once reconciled.
#ifndef QRCLOUD_LIBS_ORDERING_STOCK_GATE_H_
#define QRCLOUD_LIBS_ORDERING_STOCK_GATE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace qrcloud::ordering {

class StockGate {
 public:
  enum class Verdict { kTaken, kSoldOut };
  virtual ~StockGate() = default;
  // Takes `quantity`. An error means the gate cannot answer: the caller goes
  // on to the store.
  virtual absl::StatusOr<Verdict> Take(const std::string& offer_id, int64_t quantity) = 0;
  // Gives back what an order did not use.
  virtual void Give(const std::string& offer_id, int64_t quantity) = 0;
  // Sets the gate to the store's count (after they were seen to disagree).
  virtual absl::Status Reconcile(const std::string& offer_id) = 0;
};

}  // namespace qrcloud::ordering

#endif  // QRCLOUD_LIBS_ORDERING_STOCK_GATE_H_
