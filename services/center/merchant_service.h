// MerchantService: the gRPC adapter of MerchantLogic.
#ifndef QRCLOUD_SERVICES_CENTER_MERCHANT_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_MERCHANT_SERVICE_H_

#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/merchant.grpc.pb.h"
#include "services/center/merchant_logic.h"

namespace qrcloud::center {

class MerchantServiceImpl : public v1::MerchantService::CallbackService {
 public:
  MerchantServiceImpl(MerchantLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.MerchantService", deps) {}

  grpc::ServerUnaryReactor* GetMerchant(grpc::CallbackServerContext* ctx,
                                        const v1::GetMerchantRequest* req,
                                        v1::Merchant* resp) override {
    return dispatcher_.Unary(ctx, "GetMerchant", req, resp, logic_, &MerchantLogic::Get);
  }
  grpc::ServerUnaryReactor* UpdateMerchant(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateMerchantRequest* req,
                                           v1::Merchant* resp) override {
    return dispatcher_.Unary(ctx, "UpdateMerchant", req, resp, logic_, &MerchantLogic::Update);
  }
  grpc::ServerUnaryReactor* SubmitQualification(grpc::CallbackServerContext* ctx,
                                                const v1::SubmitQualificationRequest* req,
                                                v1::SubmitQualificationResponse* resp) override {
    return dispatcher_.Unary(ctx, "SubmitQualification", req, resp, logic_,
                             &MerchantLogic::SubmitQualification);
  }
  grpc::ServerUnaryReactor* SetLocation(grpc::CallbackServerContext* ctx,
                                        const v1::SetLocationRequest* req,
                                        v1::SetLocationResponse* resp) override {
    return dispatcher_.Unary(ctx, "SetLocation", req, resp, logic_, &MerchantLogic::SetLocation);
  }
  grpc::ServerUnaryReactor* ListMerchants(grpc::CallbackServerContext* ctx,
                                          const v1::ListMerchantsRequest* req,
                                          v1::ListMerchantsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListMerchants", req, resp, logic_, &MerchantLogic::List);
  }
  grpc::ServerUnaryReactor* SetBusinessSwitches(grpc::CallbackServerContext* ctx,
                                                const v1::SetBusinessSwitchesRequest* req,
                                                v1::Merchant* resp) override {
    return dispatcher_.Unary(ctx, "SetBusinessSwitches", req, resp, logic_,
                             &MerchantLogic::SetBusinessSwitches);
  }
  grpc::ServerUnaryReactor* GetMerchantStats(grpc::CallbackServerContext* ctx,
                                             const v1::GetMerchantStatsRequest* req,
                                             v1::GetMerchantStatsResponse* resp) override {
    return dispatcher_.Unary(ctx, "GetMerchantStats", req, resp, logic_, &MerchantLogic::Stats);
  }
  grpc::ServerUnaryReactor* RecordQualificationDecision(grpc::CallbackServerContext* ctx,
                                                        const v1::AuditDecision* req,
                                                        v1::Merchant* resp) override {
    return dispatcher_.Unary(ctx, "RecordQualificationDecision", req, resp, logic_,
                             &MerchantLogic::RecordQualificationDecision);
  }
  grpc::ServerUnaryReactor* RecordLandingDecision(grpc::CallbackServerContext* ctx,
                                                  const v1::AuditDecision* req,
                                                  v1::Merchant* resp) override {
    return dispatcher_.Unary(ctx, "RecordLandingDecision", req, resp, logic_,
                             &MerchantLogic::RecordLandingDecision);
  }
  grpc::ServerUnaryReactor* RecordProfileDecision(grpc::CallbackServerContext* ctx,
                                                  const v1::AuditDecision* req,
                                                  v1::Merchant* resp) override {
    return dispatcher_.Unary(ctx, "RecordProfileDecision", req, resp, logic_,
                             &MerchantLogic::RecordProfileDecision);
  }

 private:
  MerchantLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_MERCHANT_SERVICE_H_
