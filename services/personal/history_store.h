// Where signed-in people's scans are kept: MySQL in the service
// (mysql_history_store.h), memory in the unit tests.
#ifndef QRCLOUD_SERVICES_PERSONAL_HISTORY_STORE_H_
#define QRCLOUD_SERVICES_PERSONAL_HISTORY_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/store/tx.h"

namespace qrcloud::personal {

struct HistoryRow {
  std::string event_id;  // the scan's id, made by the gateway: kept once
  std::string account_id;
  std::string code_id;
  std::string campaign_id;
  absl::Time scan_time;
};

class HistoryStore {
 public:
  virtual ~HistoryStore() = default;
  // Adds the rows not kept yet (by event id); a scan delivered twice is kept once.
  virtual absl::Status Add(store::Tx& tx, const std::vector<HistoryRow>& rows) = 0;
  // The owner's scans, newest first, below (time, event id) `before` if given.
  virtual absl::StatusOr<std::vector<HistoryRow>> List(absl::string_view account_id,
                                                       const HistoryRow* before, int limit) = 0;
  // Forgets scans older than `cutoff`, at most `limit`; how many.
  virtual absl::StatusOr<int64_t> Prune(absl::Time cutoff, int limit) = 0;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_HISTORY_STORE_H_
