// Scan history: the scans a person made while signed in (their app sent its
// session with the scan), from the gateway's `scans` stream, newest first,
// kept for a retention period and then forgotten.
#ifndef QRCLOUD_SERVICES_PERSONAL_HISTORY_LOGIC_H_
#define QRCLOUD_SERVICES_PERSONAL_HISTORY_LOGIC_H_

#include <vector>

#include "libs/core/clock.h"
#include "libs/core/scan_event.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/personal.pb.h"
#include "services/personal/history_store.h"
#include "services/personal/wallet_store.h"

namespace qrcloud::personal {

class HistoryLogic {
 public:
  HistoryLogic(store::TxRunner& runner, HistoryStore& history, WalletStore& facts,
               CampaignSource& center, const core::Clock& clock,
               absl::Duration retention = absl::Hours(24 * 90))
      : runner_(runner),
        history_(history),
        facts_(facts),
        center_(center),
        clock_(clock),
        retention_(retention) {}

  // Keeps the scans of `events` that name a person (each once).
  absl::Status OnScans(const std::vector<core::ScanEvent>& events);
  absl::Status List(const rpc::CallContext& call, const v1::ListHistoryRequest& req,
                    v1::ListHistoryResponse& resp);
  // Forgets what is older than the retention; how many were forgotten.
  absl::StatusOr<int64_t> Prune(int limit = 1000);

 private:
  std::string Title(const std::string& campaign_id);

  store::TxRunner& runner_;
  HistoryStore& history_;
  WalletStore& facts_;
  CampaignSource& center_;
  const core::Clock& clock_;
  const absl::Duration retention_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_HISTORY_LOGIC_H_
