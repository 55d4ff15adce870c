// The `partners` stream: what the partner service publishes (through its
// outbox, in the transaction of the change) for settlement to pay partners
// on. The type names here are the stream's schema; docs/partners.md
// describes the payloads.
#ifndef QRCLOUD_LIBS_CORE_PARTNER_EVENTS_H_
#define QRCLOUD_LIBS_CORE_PARTNER_EVENTS_H_

namespace qrcloud::core {

inline constexpr char kPartnerStream[] = "partners";

// data: the v1.Partner as it is after the change (state, platform_code,
// terms: cpc, cps_bps, holding_days, min_payout), on every change:
// registered, approved (with its terms), suspended.
inline constexpr char kPartnerUpdated[] = "partner.updated";

// data: a v1.PartnerScanValid (scan_event_id, partner_id, placement_id,
// code_id, merchant_id, scan_time, cpc): one per valid scan, once per scan
// event id; cpc is the partner's price at the time (may be zero).
inline constexpr char kPartnerScanValid[] = "partner.scan_valid";

// data: a v1.PartnerOrderAttribution (order_id, partner_id, placement_id,
// merchant_id, scan_event_id, order_total, cps, cps_bps, order_time, time):
// an attributed order was redeemed; once per order.
inline constexpr char kPartnerOrderAttributed[] = "partner.order_attributed";
// data: the same v1.PartnerOrderAttribution, time the refund's: the order
// was refunded after it was redeemed; reverse cps. Once per order, and only
// after its partner.order_attributed.
inline constexpr char kPartnerOrderUnattributed[] = "partner.order_unattributed";

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_PARTNER_EVENTS_H_
