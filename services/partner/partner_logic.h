// The partner service's API logic: registration and approval, placements
// and their images and embed snippets, stats and statements. It takes its
// stores, the center's code directory and a clock; every change of a
// partner and its partner.updated event (libs/core/partner_events.h) commit
// in one unit. The traffic (scans, orders) is traffic_logic.h; the rules
// themselves are partner_rules.h.
#ifndef QRCLOUD_SERVICES_PARTNER_PARTNER_LOGIC_H_
#define QRCLOUD_SERVICES_PARTNER_PARTNER_LOGIC_H_

#include <string>

#include "google/api/httpbody.pb.h"
#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/partner.pb.h"
#include "services/partner/partner_store.h"

namespace qrcloud::partner {

class PartnerLogic {
 public:
  PartnerLogic(store::TxRunner& runner, PartnerStore& partners, PlacementStore& placements,
               TrafficStore& traffic, CodeDirectory& codes, const core::Clock& clock)
      : runner_(runner),
        partners_(partners),
        placements_(placements),
        traffic_(traffic),
        codes_(codes),
        clock_(clock) {}

  // The partner's own account.
  absl::Status Register(const rpc::CallContext& call, const v1::RegisterPartnerRequest& req,
                        v1::Partner& resp);
  // Administrators.
  absl::Status Approve(const rpc::CallContext& call, const v1::ApprovePartnerRequest& req,
                       v1::Partner& resp);
  absl::Status Suspend(const rpc::CallContext& call, const v1::SuspendPartnerRequest& req,
                       v1::Partner& resp);
  absl::Status List(const rpc::CallContext& call, const v1::ListPartnersRequest& req,
                    v1::ListPartnersResponse& resp);
  // The partner itself or an administrator.
  absl::Status Get(const rpc::CallContext& call, const v1::GetPartnerRequest& req,
                   v1::Partner& resp);
  absl::Status CreatePlacement(const rpc::CallContext& call, const v1::CreatePlacementRequest& req,
                               v1::Placement& resp);
  absl::Status GetPlacement(const rpc::CallContext& call, const v1::GetPlacementRequest& req,
                            v1::Placement& resp);
  absl::Status ListPlacements(const rpc::CallContext& call, const v1::ListPlacementsRequest& req,
                              v1::ListPlacementsResponse& resp);
  absl::Status GetEmbed(const rpc::CallContext& call, const v1::GetEmbedRequest& req,
                        v1::Embed& resp);
  absl::Status GetImage(const rpc::CallContext& call, const v1::GetPlacementImageRequest& req,
                        google::api::HttpBody& resp);
  absl::Status Stats(const rpc::CallContext& call, const v1::GetPartnerStatsRequest& req,
                     v1::PartnerStats& resp);
  absl::Status Statements(const rpc::CallContext& call, const v1::ListPartnerStatementsRequest& req,
                          v1::ListPartnerStatementsResponse& resp);

 private:
  // The partner `id` names, read for a change in `tx`, or NOT_FOUND.
  absl::StatusOr<v1::Partner> Load(store::Tx& tx, absl::string_view id);
  // Writes `partner` and its partner.updated event.
  absl::Status Save(store::Tx& tx, v1::Partner& partner);
  // The caller's partner `id` ("me" resolved), checked for access.
  absl::StatusOr<std::string> Readable(const rpc::CallContext& call, absl::string_view id);
  // The placement `id` of the partner, checked for the caller, or NOT_FOUND.
  absl::StatusOr<v1::Placement> LoadPlacement(const rpc::CallContext& call,
                                              absl::string_view partner_id, absl::string_view id);
  // The code a new placement puts on the partner's channels, with its
  // title: the code itself, or a published campaign's code.
  absl::StatusOr<std::pair<v1::Code, std::string>> CodeToPlace(
      const v1::CreatePlacementRequest& req);
  // The partner's days of `period`.
  absl::StatusOr<std::vector<DayCounts>> DaysOf(absl::string_view partner_id, const Period& period);

  store::TxRunner& runner_;
  PartnerStore& partners_;
  PlacementStore& placements_;
  TrafficStore& traffic_;
  CodeDirectory& codes_;
  const core::Clock& clock_;
};

}  // namespace qrcloud::partner

#endif  // QRCLOUD_SERVICES_PARTNER_PARTNER_LOGIC_H_
