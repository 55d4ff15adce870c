#include "services/partner/traffic_logic.h"

#include <google/protobuf/util/json_util.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "libs/core/partner_events.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/ordering/order_book.h"
#include "services/partner/partner_rules.h"

namespace qrcloud::partner {
namespace {

// How many of a buyer's valid scans at a merchant attribution looks at: the
// latest decides, the rest only guard against ties and suspended partners.
constexpr int kCandidates = 20;

absl::Status Publish(store::Tx& tx, const char* type, const google::protobuf::Message& data) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(data, &json).ok()) {
    return absl::InternalError(absl::StrCat("cannot write ", type, " as JSON"));
  }
  return tx.AppendEvent({core::kPartnerStream, type, std::move(json)}).status();
}

DayCounts DayOfPlacement(const std::string& placement_id, const std::string& partner_id,
                         absl::Time t) {
  DayCounts d;
  d.placement_id = placement_id;
  d.partner_id = partner_id;
  d.day = DayOf(t);
  return d;
}

}  // namespace

bool CarriesPlatformCode(absl::string_view packed) {
  // Every line has its "\tp=" field; an empty one is followed by a tab.
  for (size_t at = packed.find("\tp="); at != absl::string_view::npos;
       at = packed.find("\tp=", at + 1)) {
    const size_t value = at + 3;
    if (value < packed.size() && packed[value] != '\t' && packed[value] != '\n') return true;
  }
  return false;
}

absl::Status TrafficLogic::OnScans(const std::vector<core::ScanEvent>& events) {
  for (const core::ScanEvent& e : events) {
    if (e.platform_code.empty()) continue;
    QRCLOUD_RETURN_IF_ERROR(OnScan(e));
  }
  return absl::OkStatus();
}

absl::Status TrafficLogic::OnScan(const core::ScanEvent& event) {
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Partner> partner,
                             partners_.ByPlatformCode(tx, event.platform_code));
    if (!partner) return absl::OkStatus();
    // Locks the placement: its scans are decided one after another, so two
    // replicas never both find a device unseen.
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Placement> placement,
                             placements_.Find(tx, partner->id(), event.code_id));
    if (!placement) return absl::OkStatus();
    QRCLOUD_ASSIGN_OR_RETURN(core::WindowHistory history,
                             traffic_.History(tx, placement->id(), event));
    ScanRecord scan{event, partner->id(), placement->id(), placement->merchant_id(),
                    IsValidScan(event, partner->state(), history)};
    QRCLOUD_ASSIGN_OR_RETURN(const bool recorded, traffic_.Record(tx, scan));
    if (!recorded) return absl::OkStatus();  // delivered before
    const absl::Time time = absl::FromUnixMillis(event.time_ms);
    DayCounts day = DayOfPlacement(placement->id(), partner->id(), time);
    day.scans = 1;
    day.currency = partner->terms().cpc().currency();
    if (scan.valid) {
      day.valid_scans = 1;
      day.earned_minor = partner->terms().cpc().minor();
      v1::PartnerScanValid valid;
      valid.set_scan_event_id(event.event_id);
      valid.set_partner_id(partner->id());
      valid.set_placement_id(placement->id());
      valid.set_code_id(event.code_id);
      valid.set_merchant_id(placement->merchant_id());
      core::ToProto(time, valid.mutable_scan_time());
      *valid.mutable_cpc() = partner->terms().cpc();
      QRCLOUD_RETURN_IF_ERROR(Publish(tx, core::kPartnerScanValid, valid));
    }
    return traffic_.Add(tx, day);
  });
}

absl::StatusOr<AttributionRecord> TrafficLogic::Decide(store::Tx& tx, const v1::Order& order,
                                                       bool final) {
  QRCLOUD_ASSIGN_OR_RETURN(std::optional<AttributionRecord> decided,
                           traffic_.Attribution(tx, order.id()));
  if (decided) return *decided;
  AttributionRecord record;
  record.order_id = order.id();
  record.state = AttributionRecord::State::kNone;
  // The phone it was placed from: in the order.placed event, kept for the
  // later events, which do not carry it.
  std::string device = order.buyer_device();
  if (device.size() > 64 || order.id().size() > 32) device.clear();  // not the gateway's
  if (!device.empty()) {
    QRCLOUD_RETURN_IF_ERROR(traffic_.PutOrderDevice(tx, order.id(), device));
  } else {
    QRCLOUD_ASSIGN_OR_RETURN(device, traffic_.OrderDevice(tx, order.id()));
  }
  std::vector<ValidScan> candidates;
  if (!order.account_id().empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(
        candidates,
        traffic_.ValidScansOf(tx, order.account_id(), device, order.merchant_id(),
                              AttributionFrom(order), AttributionTo(order), kCandidates));
  }
  std::map<std::string, v1::Partner> partners;
  for (const ValidScan& s : candidates) {
    if (partners.count(s.partner_id)) continue;
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Partner> p, partners_.Get(tx, s.partner_id));
    if (p) partners[s.partner_id] = *p;
  }
  const std::optional<ValidScan> chosen =
      Attribute(order, device, candidates, [&](const std::string& id) {
        auto it = partners.find(id);
        return it != partners.end() && it->second.state() == v1::Partner::APPROVED;
      });
  if (chosen) {
    const v1::Partner& partner = partners.at(chosen->partner_id);
    record.state = AttributionRecord::State::kPlaced;
    v1::PartnerOrderAttribution& a = record.attribution;
    a.set_order_id(order.id());
    a.set_partner_id(chosen->partner_id);
    a.set_placement_id(chosen->placement_id);
    a.set_merchant_id(order.merchant_id());
    a.set_scan_event_id(chosen->event_id);
    *a.mutable_order_total() = order.total();
    a.set_cps_bps(partner.terms().cps_bps());
    QRCLOUD_ASSIGN_OR_RETURN(core::Money cps, CpsOf(order.total(), a.cps_bps()));
    a.mutable_cps()->set_currency(cps.currency());
    a.mutable_cps()->set_minor(cps.minor());
    *a.mutable_order_time() = order.create_time();
    DayCounts day = DayOfPlacement(a.placement_id(), a.partner_id(), AttributionTo(order));
    day.orders = 1;
    day.currency = order.total().currency();
    QRCLOUD_RETURN_IF_ERROR(traffic_.Add(tx, day));
  }
  // An order placed before its buyer's scan reached this service (the two
  // streams are read apart) is looked at again when it changes; the answer
  // "nobody" is kept only then.
  if (chosen || final) QRCLOUD_RETURN_IF_ERROR(traffic_.PutAttribution(tx, record));
  return record;
}

absl::Status TrafficLogic::OnOrder(const std::string& type, const v1::Order& order) {
  if (order.id().empty()) return absl::OkStatus();
  const bool redeemed = type == ordering::kOrderRedeemed;
  const bool refunded = type == ordering::kOrderRefunded;
  const bool cancelled = type == ordering::kOrderCancelled;
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(AttributionRecord record,
                             Decide(tx, order, /*final=*/type != ordering::kOrderPlaced));
    using State = AttributionRecord::State;
    if (record.state == State::kNone) return absl::OkStatus();
    v1::PartnerOrderAttribution a = record.attribution;
    const v1::PartnerOrderAttribution& kept = record.attribution;
    if (redeemed && record.state == State::kPlaced) {
      record.state = State::kRedeemed;
      *a.mutable_time() = order.redeem_time();
      QRCLOUD_RETURN_IF_ERROR(Publish(tx, core::kPartnerOrderAttributed, a));
      DayCounts day =
          DayOfPlacement(kept.placement_id(), kept.partner_id(), core::FromProto(a.time()));
      day.currency = kept.order_total().currency();
      day.revenue_minor = kept.order_total().minor();
      day.earned_minor = kept.cps().minor();
      QRCLOUD_RETURN_IF_ERROR(traffic_.Add(tx, day));
    } else if (refunded && record.state == State::kRedeemed) {
      record.state = State::kRefunded;
      *a.mutable_time() = order.refund_time();
      QRCLOUD_RETURN_IF_ERROR(Publish(tx, core::kPartnerOrderUnattributed, a));
      DayCounts day =
          DayOfPlacement(kept.placement_id(), kept.partner_id(), core::FromProto(a.time()));
      day.currency = kept.order_total().currency();
      day.revenue_minor = -kept.order_total().minor();
      day.earned_minor = -kept.cps().minor();
      QRCLOUD_RETURN_IF_ERROR(traffic_.Add(tx, day));
    } else if (cancelled && record.state == State::kPlaced) {
      record.state = State::kCancelled;
    } else {
      return absl::OkStatus();  // nothing changes (a repeat, or placed twice)
    }
    return traffic_.PutAttribution(tx, record);
  });
}

}  // namespace qrcloud::partner
