// The Redis gate in front of limited stock. Under a rush it turns the excess
// away with one Lua call, so only about as many buyers as there is stock
// reach MySQL. MySQL stays the authority — its conditional update in the
// order's transaction is what makes overselling impossible — and the gate is
// reconciled to it: set from MySQL when first used, corrected whenever the
// two are seen to disagree, and re-set by a background pass.
#ifndef QRCLOUD_SERVICES_CENTER_STOCK_GATE_H_
#define QRCLOUD_SERVICES_CENTER_STOCK_GATE_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/cache/redis.h"
#include "libs/ordering/stock_gate.h"
#include "libs/store/mysql.h"

namespace qrcloud::center {

class StockGate : public ordering::StockGate {
 public:
  // How many units MySQL says are left; the authority the gate follows.
  using StockLoader = std::function<absl::StatusOr<int64_t>(const std::string& campaign_id)>;

  StockGate(cache::RedisPool& redis, StockLoader stock_left)
      : redis_(redis), stock_left_(std::move(stock_left)) {}
  // The loader that reads campaigns.stock_left.
  static StockLoader FromMysql(store::MysqlPool& mysql);

  // Takes `quantity` from the gate. On a gate Redis cannot answer for, the
  // caller goes on to MySQL (UNAVAILABLE is returned, never kSoldOut).
  absl::StatusOr<Verdict> Take(const std::string& campaign_id, int64_t quantity) override;
  // Gives back what an order did not use (it failed, or was cancelled).
  void Give(const std::string& campaign_id, int64_t quantity) override;
  // Sets the gate to MySQL's count.
  absl::Status Reconcile(const std::string& campaign_id) override;
  // The gate's current value, or nullopt if it has none.
  absl::StatusOr<std::optional<int64_t>> Peek(const std::string& campaign_id);

  // Re-sets every gate from MySQL (the center runs it every few seconds).
  absl::Status ReconcileAll();

 private:
  cache::RedisPool& redis_;
  StockLoader stock_left_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_STOCK_GATE_H_
