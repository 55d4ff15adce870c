// The partner service's stores in MySQL: partners, placements,
// placement_scans, order_attributions and placement_days
// (migrations/0001_partner.sql). Nothing else touches these tables.
#ifndef QRCLOUD_SERVICES_PARTNER_MYSQL_PARTNER_STORE_H_
#define QRCLOUD_SERVICES_PARTNER_MYSQL_PARTNER_STORE_H_

#include "services/partner/partner_store.h"

namespace qrcloud::partner {

class MysqlPartnerStore final : public PartnerStore {
 public:
  absl::StatusOr<std::optional<v1::Partner>> Get(store::Tx& tx, absl::string_view id) override;
  absl::StatusOr<std::optional<v1::Partner>> ByPlatformCode(store::Tx& tx,
                                                            absl::string_view code) override;
  absl::Status Put(store::Tx& tx, const v1::Partner& partner) override;
  absl::StatusOr<std::vector<v1::Partner>> List(store::Tx& tx, v1::Partner::State state,
                                                absl::string_view before, int limit) override;
};

class MysqlPlacementStore final : public PlacementStore {
 public:
  absl::StatusOr<std::optional<v1::Placement>> Get(store::Tx& tx, absl::string_view id) override;
  absl::StatusOr<std::optional<v1::Placement>> Find(store::Tx& tx, absl::string_view partner_id,
                                                    absl::string_view code_id) override;
  absl::Status Insert(store::Tx& tx, const v1::Placement& placement) override;
  absl::StatusOr<std::vector<v1::Placement>> OfPartner(store::Tx& tx, absl::string_view partner_id,
                                                       absl::string_view before,
                                                       int limit) override;
};

class MysqlTrafficStore final : public TrafficStore {
 public:
  absl::StatusOr<bool> Record(store::Tx& tx, const ScanRecord& scan) override;
  absl::StatusOr<core::WindowHistory> History(store::Tx& tx, absl::string_view placement_id,
                                              const core::ScanEvent& event) override;
  absl::StatusOr<std::vector<ValidScan>> ValidScansOf(store::Tx& tx, absl::string_view account,
                                                      absl::string_view device,
                                                      absl::string_view merchant_id,
                                                      absl::Time from, absl::Time to,
                                                      int limit) override;
  absl::Status PutOrderDevice(store::Tx& tx, absl::string_view order_id,
                              absl::string_view device) override;
  absl::StatusOr<std::string> OrderDevice(store::Tx& tx, absl::string_view order_id) override;
  absl::StatusOr<std::optional<AttributionRecord>> Attribution(store::Tx& tx,
                                                               absl::string_view order_id) override;
  absl::Status PutAttribution(store::Tx& tx, const AttributionRecord& record) override;
  absl::Status Add(store::Tx& tx, const DayCounts& counts) override;
  absl::StatusOr<std::vector<DayCounts>> Days(store::Tx& tx, absl::string_view partner_id,
                                              absl::string_view from_day,
                                              absl::string_view to_day) override;
};

}  // namespace qrcloud::partner

#endif  // QRCLOUD_SERVICES_PARTNER_MYSQL_PARTNER_STORE_H_
