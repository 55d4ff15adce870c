// The merchant's profile, qualification (the business licence), location,
// business switches and statistics, and the audit's decisions on its
// requests (the center's merchant data module, patent claim 1).
#ifndef QRCLOUD_SERVICES_CENTER_MERCHANT_LOGIC_H_
#define QRCLOUD_SERVICES_CENTER_MERCHANT_LOGIC_H_

#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/tx.h"
#include "qrcloud/v1/merchant.pb.h"
#include "services/center/merchant_stats.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

// Told when what the public sees of a merchant beside its campaigns (its
// name, its location) changes: inside the unit that changes it, and once
// that unit has committed. Search follows it (campaign_search.h).
class MerchantFollower {
 public:
  virtual ~MerchantFollower() = default;
  virtual absl::Status PublicFaceChanged(store::Tx& tx, const v1::Merchant& merchant) = 0;
  virtual void Committed() = 0;
};

class MerchantLogic {
 public:
  MerchantLogic(store::TxRunner& runner, MerchantStore& merchants, MerchantStats& stats,
                const core::Clock& clock)
      : runner_(runner), merchants_(merchants), stats_(stats), clock_(clock) {}

  // Set once by the center's wiring; null: nobody follows.
  void set_follower(MerchantFollower* follower) { follower_ = follower; }

  absl::Status Get(const rpc::CallContext& call, const v1::GetMerchantRequest& req,
                   v1::Merchant& resp);
  absl::Status Update(const rpc::CallContext& call, const v1::UpdateMerchantRequest& req,
                      v1::Merchant& resp);
  absl::Status SubmitQualification(const rpc::CallContext& call,
                                   const v1::SubmitQualificationRequest& req,
                                   v1::SubmitQualificationResponse& resp);
  absl::Status SetLocation(const rpc::CallContext& call, const v1::SetLocationRequest& req,
                           v1::SetLocationResponse& resp);
  absl::Status List(const rpc::CallContext& call, const v1::ListMerchantsRequest& req,
                    v1::ListMerchantsResponse& resp);
  absl::Status SetBusinessSwitches(const rpc::CallContext& call,
                                   const v1::SetBusinessSwitchesRequest& req, v1::Merchant& resp);
  absl::Status Stats(const rpc::CallContext& call, const v1::GetMerchantStatsRequest& req,
                     v1::GetMerchantStatsResponse& resp);
  // The audit service's verdict on the pending qualification.
  absl::Status RecordQualificationDecision(const rpc::CallContext& call,
                                           const v1::AuditDecision& req, v1::Merchant& resp);
  // The audit service's verdict on the pending request for landing business.
  absl::Status RecordLandingDecision(const rpc::CallContext& call, const v1::AuditDecision& req,
                                     v1::Merchant& resp);
  absl::Status RecordProfileDecision(const rpc::CallContext& call, const v1::AuditDecision& req,
                                     v1::Merchant& resp);

 private:
  // One of a merchant's requests that the audit decides: its qualification,
  // its request for landing business.
  struct Pending {
    absl::string_view what;  // for the error
    bool (*waiting)(const MerchantRecord&);
    const std::string* (*submission)(const MerchantRecord&);
    void (*decide)(MerchantRecord&, const v1::AuditDecision&, absl::Time now);
  };
  absl::Status RecordDecision(const rpc::CallContext& call, const v1::AuditDecision& req,
                              const Pending& pending, v1::Merchant& resp);
  // Loads the merchant for change, runs `change`, saves, and answers with
  // what was saved: one unit of work.
  absl::Status Change(absl::string_view id,
                      const std::function<absl::Status(store::Tx&, MerchantRecord&)>& change,
                      v1::Merchant& resp);
  // Sends the merchant's current profile to audit as `type`; returns the
  // submission id its decision must answer.
  absl::StatusOr<std::string> SendToAudit(store::Tx& tx, const v1::Merchant& m,
                                          absl::string_view type);
  // Turns landing business on (through audit) or off (at once).
  absl::StatusOr<bool> SwitchLanding(store::Tx& tx, MerchantRecord& rec, bool on);

  store::TxRunner& runner_;
  MerchantStore& merchants_;
  MerchantStats& stats_;
  const core::Clock& clock_;
  MerchantFollower* follower_ = nullptr;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MERCHANT_LOGIC_H_
