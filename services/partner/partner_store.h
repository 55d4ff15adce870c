// Where the partner service keeps partners, placements and their traffic,
// as its logic sees it: MySQL in the service (mysql_partner_store.h). And
// what it asks the center (center_codes.h): codes, campaigns, images.
#ifndef QRCLOUD_SERVICES_PARTNER_PARTNER_STORE_H_
#define QRCLOUD_SERVICES_PARTNER_PARTNER_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/api/httpbody.pb.h"
#include "libs/core/scan_counting.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/code.pb.h"
#include "qrcloud/v1/partner.pb.h"
#include "services/partner/partner_rules.h"

namespace qrcloud::partner {

class PartnerStore {
 public:
  virtual ~PartnerStore() = default;
  // The partner, locked for the rest of the unit.
  virtual absl::StatusOr<std::optional<v1::Partner>> Get(store::Tx& tx, absl::string_view id) = 0;
  virtual absl::StatusOr<std::optional<v1::Partner>> ByPlatformCode(store::Tx& tx,
                                                                    absl::string_view code) = 0;
  // Inserts or replaces; ALREADY_EXISTS when another partner has its
  // platform code.
  virtual absl::Status Put(store::Tx& tx, const v1::Partner& partner) = 0;
  // Newest first, ids below `before` ("" from the newest), at most `limit`;
  // STATE_UNSPECIFIED: any state.
  virtual absl::StatusOr<std::vector<v1::Partner>> List(store::Tx& tx, v1::Partner::State state,
                                                        absl::string_view before, int limit) = 0;
};

class PlacementStore {
 public:
  virtual ~PlacementStore() = default;
  virtual absl::StatusOr<std::optional<v1::Placement>> Get(store::Tx& tx, absl::string_view id) = 0;
  // The partner's placement of a code, locked for the rest of the unit.
  virtual absl::StatusOr<std::optional<v1::Placement>> Find(store::Tx& tx,
                                                            absl::string_view partner_id,
                                                            absl::string_view code_id) = 0;
  // ALREADY_EXISTS when the partner has placed the code already.
  virtual absl::Status Insert(store::Tx& tx, const v1::Placement& placement) = 0;
  // Newest first, ids below `before` ("" from the newest).
  virtual absl::StatusOr<std::vector<v1::Placement>> OfPartner(store::Tx& tx,
                                                               absl::string_view partner_id,
                                                               absl::string_view before,
                                                               int limit) = 0;
};

// A scan of a placement, as recorded (every one, valid or not).
struct ScanRecord {
  core::ScanEvent event;
  std::string partner_id;
  std::string placement_id;
  std::string merchant_id;
  bool valid = false;
};

// An order's attribution, decided once.
struct AttributionRecord {
  enum class State { kNone, kPlaced, kRedeemed, kRefunded, kCancelled };
  std::string order_id;
  State state = State::kNone;
  // Empty for kNone (the order was looked at and goes to nobody).
  v1::PartnerOrderAttribution attribution;
};

// A placement's figures for a day (UTC), added to as events come.
struct DayCounts {
  std::string placement_id;
  std::string partner_id;
  std::string day;  // YYYY-MM-DD
  int64_t scans = 0;
  int64_t valid_scans = 0;
  int64_t orders = 0;
  int64_t revenue_minor = 0;
  int64_t earned_minor = 0;
  std::string currency;
};

class TrafficStore {
 public:
  virtual ~TrafficStore() = default;
  // Records the scan; false, changing nothing, when its event id is
  // recorded already.
  virtual absl::StatusOr<bool> Record(store::Tx& tx, const ScanRecord& scan) = 0;
  // What the placement saw of the scan's device and address among valid
  // scans in (time - window, time].
  virtual absl::StatusOr<core::WindowHistory> History(store::Tx& tx, absl::string_view placement_id,
                                                      const core::ScanEvent& event) = 0;
  // The valid scans at `merchant_id` in [from, to] made by `account` or on
  // `device` (either may be "": not asked), latest first, at most `limit`.
  virtual absl::StatusOr<std::vector<ValidScan>> ValidScansOf(
      store::Tx& tx, absl::string_view account, absl::string_view device,
      absl::string_view merchant_id, absl::Time from, absl::Time to, int limit) = 0;
  // The device an order was placed from (its order.placed event), kept for
  // the order's later events, which do not carry it.
  virtual absl::Status PutOrderDevice(store::Tx& tx, absl::string_view order_id,
                                      absl::string_view device) = 0;
  virtual absl::StatusOr<std::string> OrderDevice(store::Tx& tx, absl::string_view order_id) = 0;
  // The order's attribution, locked, if it was decided.
  virtual absl::StatusOr<std::optional<AttributionRecord>> Attribution(
      store::Tx& tx, absl::string_view order_id) = 0;
  virtual absl::Status PutAttribution(store::Tx& tx, const AttributionRecord& record) = 0;
  // Adds `counts` to the placement's day.
  virtual absl::Status Add(store::Tx& tx, const DayCounts& counts) = 0;
  // The partner's days in [from_day, to_day), by day then placement.
  virtual absl::StatusOr<std::vector<DayCounts>> Days(store::Tx& tx, absl::string_view partner_id,
                                                      absl::string_view from_day,
                                                      absl::string_view to_day) = 0;
};

// What the partner service asks the center (over gRPC as its service
// account with role auditor, center_codes.h).
class CodeDirectory {
 public:
  virtual ~CodeDirectory() = default;
  // NOT_FOUND if there is no such code or campaign (or it is not public).
  virtual absl::StatusOr<v1::Code> GetCode(absl::string_view code_id) = 0;
  virtual absl::StatusOr<v1::Campaign> GetCampaign(absl::string_view campaign_id) = 0;
  // The code's image (CodeService.GetCodeImage), its link carrying
  // `request.platform_code`.
  virtual absl::StatusOr<google::api::HttpBody> Image(const v1::GetCodeImageRequest& request) = 0;
};

}  // namespace qrcloud::partner

#endif  // QRCLOUD_SERVICES_PARTNER_PARTNER_STORE_H_
