// MerchantService: the merchant's profile, qualification (licence), location
// and business switches.
#ifndef QRCLOUD_SERVICES_CENTER_MERCHANT_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_MERCHANT_SERVICE_H_

#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "libs/store/outbox.h"
#include "qrcloud/v1/merchant.grpc.pb.h"
#include "services/center/merchant_store.h"

namespace qrcloud::center {

class MerchantLogic {
 public:
  MerchantLogic(MerchantStore& merchants, store::OutboxRelay* relay, const core::Clock& clock,
                cache::RedisPool* redis = nullptr)
      : merchants_(merchants), relay_(relay), clock_(clock), redis_(redis) {}

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

 private:
  struct Decided;
  absl::Status RecordDecision(const rpc::CallContext& call, const v1::AuditDecision& req,
                              const Decided& d, v1::Merchant& resp);

  MerchantStore& merchants_;
  store::OutboxRelay* relay_;
  const core::Clock& clock_;
  cache::RedisPool* redis_;
};

class MerchantServiceImpl : public v1::MerchantService::CallbackService {
 public:
  MerchantServiceImpl(MerchantLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.MerchantService", deps) {}

  grpc::ServerUnaryReactor* GetMerchant(grpc::CallbackServerContext* ctx,
                                        const v1::GetMerchantRequest* req,
                                        v1::Merchant* resp) override;
  grpc::ServerUnaryReactor* UpdateMerchant(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateMerchantRequest* req,
                                           v1::Merchant* resp) override;
  grpc::ServerUnaryReactor* SubmitQualification(grpc::CallbackServerContext* ctx,
                                                const v1::SubmitQualificationRequest* req,
                                                v1::SubmitQualificationResponse* resp) override;
  grpc::ServerUnaryReactor* SetLocation(grpc::CallbackServerContext* ctx,
                                        const v1::SetLocationRequest* req,
                                        v1::SetLocationResponse* resp) override;
  grpc::ServerUnaryReactor* ListMerchants(grpc::CallbackServerContext* ctx,
                                          const v1::ListMerchantsRequest* req,
                                          v1::ListMerchantsResponse* resp) override;
  grpc::ServerUnaryReactor* SetBusinessSwitches(grpc::CallbackServerContext* ctx,
                                                const v1::SetBusinessSwitchesRequest* req,
                                                v1::Merchant* resp) override;
  grpc::ServerUnaryReactor* GetMerchantStats(grpc::CallbackServerContext* ctx,
                                             const v1::GetMerchantStatsRequest* req,
                                             v1::GetMerchantStatsResponse* resp) override;
  grpc::ServerUnaryReactor* RecordQualificationDecision(grpc::CallbackServerContext* ctx,
                                                        const v1::AuditDecision* req,
                                                        v1::Merchant* resp) override;
  grpc::ServerUnaryReactor* RecordLandingDecision(grpc::CallbackServerContext* ctx,
                                                  const v1::AuditDecision* req,
                                                  v1::Merchant* resp) override;

 private:
  MerchantLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MERCHANT_SERVICE_H_
