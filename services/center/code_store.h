// Where the center keeps codes and their batches, and the copy of each
// code's resolution that the gateway's scan path reads, as the logic sees
// them: MySQL and Redis in the service (mysql_code_store.h,
// redis_slug_cache.h), memory in unit tests.
#ifndef QRCLOUD_SERVICES_CENTER_CODE_STORE_H_
#define QRCLOUD_SERVICES_CENTER_CODE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/code.pb.h"

namespace qrcloud::center {

struct CodeRow {
  v1::Code code;
  std::string target_kind;  // URL, PAYLOAD, CAMPAIGN, MERCHANT
};

// A batch of codes made together (table codes), as numbered.
struct CodeBatch {
  std::string id;
  std::string owner_account_id;
  std::string merchant_id;
  int32_t count = 0;
  int32_t first_number = 1;
  std::string caption;
  absl::Time created;
  // The request that made it, if it gave a request id; unique per owner.
  std::string request_id;
  std::string request_hash;
};

// The short link of a slug: <public_url>/s/<slug>.
std::string ShortUrl(absl::string_view public_url, absl::string_view slug);

// What /s/{slug} reveals of a code, and nothing more.
v1::ResolveSlugResponse ResolutionOf(const CodeRow& row);

class CodeStore {
 public:
  virtual ~CodeStore() = default;

  // ALREADY_EXISTS for a slug another code has.
  virtual absl::Status Insert(store::Tx& tx, const CodeRow& row) = 0;
  // ALREADY_EXISTS when the owner already made a batch with its request id.
  virtual absl::Status InsertBatch(store::Tx& tx, const CodeBatch& batch,
                                   const std::vector<CodeRow>& rows) = 0;
  // The owner's batch made with `request_id`, or nullopt.
  virtual absl::StatusOr<std::optional<CodeBatch>> BatchByRequest(absl::string_view owner,
                                                                  absl::string_view request_id) = 0;
  // NOT_FOUND naming the id.
  virtual absl::StatusOr<CodeRow> Get(absl::string_view id) = 0;
  virtual absl::StatusOr<CodeRow> Get(store::Tx& tx, absl::string_view id, bool for_update) = 0;
  virtual absl::StatusOr<CodeRow> GetBySlug(absl::string_view slug) = 0;
  // An owner's codes in id order after `after_id`, optionally of one campaign
  // or one batch.
  virtual absl::StatusOr<std::vector<CodeRow>> List(absl::string_view owner,
                                                    absl::string_view campaign_id,
                                                    absl::string_view batch_id,
                                                    absl::string_view after_id, int limit) = 0;
  // Writes back the state, label and end time.
  virtual absl::Status Update(store::Tx& tx, const CodeRow& row) = 0;
  // Scans per hour and platform, as the scan rollup counted them.
  virtual absl::StatusOr<v1::CodeStats> Stats(absl::string_view code_id) = 0;
};

// The resolutions the scan path reads before it asks the center.
class SlugCache {
 public:
  virtual ~SlugCache() = default;
  // New codes: their resolutions, in one round trip.
  virtual absl::Status Put(const std::vector<CodeRow>& rows) = 0;
  // A changed code: its resolution, and word to every gateway to drop the
  // copy it holds.
  virtual absl::Status Changed(const CodeRow& row) = 0;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_CODE_STORE_H_
