// The partner service's traffic: scans of its placements from the gateway's
// `scans` stream, and orders from the center's `orders` stream. Each scan
// event id is recorded once (the stream may deliver a scan twice); a valid
// scan (partner_rules.h, IsValidScan) publishes partner.scan_valid; an
// order is attributed once, when first seen, and its redemption and refund
// publish partner.order_attributed and partner.order_unattributed, each in
// the unit that records it (libs/core/partner_events.h).
#ifndef QRCLOUD_SERVICES_PARTNER_TRAFFIC_LOGIC_H_
#define QRCLOUD_SERVICES_PARTNER_TRAFFIC_LOGIC_H_

#include <string>
#include <vector>

#include "libs/core/scan_event.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/order.pb.h"
#include "services/partner/partner_store.h"

namespace qrcloud::partner {

// Whether a packed batch of scans (core::PackScanEvents) may hold a scan
// with a platform code: a cheap look, so most batches are never unpacked.
bool CarriesPlatformCode(absl::string_view packed);

class TrafficLogic {
 public:
  TrafficLogic(store::TxRunner& runner, PartnerStore& partners, PlacementStore& placements,
               TrafficStore& traffic)
      : runner_(runner), partners_(partners), placements_(placements), traffic_(traffic) {}

  // A batch of the gateway's scans (one stream entry). Scans without a
  // platform code, or whose code and platform code name no placement, are
  // not this service's.
  absl::Status OnScans(const std::vector<core::ScanEvent>& events);
  // An event of the `orders` stream: order.placed, order.redeemed,
  // order.cancelled, order.refunded.
  absl::Status OnOrder(const std::string& type, const v1::Order& order);

 private:
  absl::Status OnScan(const core::ScanEvent& event);
  // The order's attribution, decided now if it was not before. Not `final`
  // (the order was just placed), an order that goes to nobody is not
  // recorded, so a later event of it looks again.
  absl::StatusOr<AttributionRecord> Decide(store::Tx& tx, const v1::Order& order, bool final);

  store::TxRunner& runner_;
  PartnerStore& partners_;
  PlacementStore& placements_;
  TrafficStore& traffic_;
};

}  // namespace qrcloud::partner

#endif  // QRCLOUD_SERVICES_PARTNER_TRAFFIC_LOGIC_H_
