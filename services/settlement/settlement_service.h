// SettlementService: the gRPC adapter of SettlementLogic, one line a method.
#ifndef QRCLOUD_SERVICES_SETTLEMENT_SETTLEMENT_SERVICE_H_
#define QRCLOUD_SERVICES_SETTLEMENT_SETTLEMENT_SERVICE_H_

#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/settlement.grpc.pb.h"
#include "services/settlement/settlement_logic.h"

namespace qrcloud::settlement {

class SettlementServiceImpl : public v1::SettlementService::CallbackService {
 public:
  SettlementServiceImpl(SettlementLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.SettlementService", deps) {}

  grpc::ServerUnaryReactor* ListStatements(grpc::CallbackServerContext* ctx,
                                           const v1::ListStatementsRequest* req,
                                           v1::ListStatementsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListStatements", req, resp, logic_,
                             &SettlementLogic::ListStatements);
  }
  grpc::ServerUnaryReactor* GetStatement(grpc::CallbackServerContext* ctx,
                                         const v1::GetStatementRequest* req,
                                         v1::Statement* resp) override {
    return dispatcher_.Unary(ctx, "GetStatement", req, resp, logic_,
                             &SettlementLogic::GetStatement);
  }
  grpc::ServerUnaryReactor* ExportStatement(grpc::CallbackServerContext* ctx,
                                            const v1::GetStatementRequest* req,
                                            google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "ExportStatement", req, resp, logic_,
                             &SettlementLogic::ExportStatement);
  }
  grpc::ServerUnaryReactor* CreatePayout(grpc::CallbackServerContext* ctx,
                                         const v1::CreatePayoutRequest* req,
                                         v1::Payout* resp) override {
    return dispatcher_.Unary(ctx, "CreatePayout", req, resp, logic_,
                             &SettlementLogic::CreatePayout);
  }
  grpc::ServerUnaryReactor* GetLedgerAccount(grpc::CallbackServerContext* ctx,
                                             const v1::GetLedgerAccountRequest* req,
                                             v1::LedgerAccount* resp) override {
    return dispatcher_.Unary(ctx, "GetLedgerAccount", req, resp, logic_,
                             &SettlementLogic::GetLedgerAccount);
  }
  grpc::ServerUnaryReactor* CheckLedger(grpc::CallbackServerContext* ctx,
                                        const v1::CheckLedgerRequest* req,
                                        v1::CheckLedgerResponse* resp) override {
    return dispatcher_.Unary(ctx, "CheckLedger", req, resp, logic_, &SettlementLogic::CheckLedger);
  }
  grpc::ServerUnaryReactor* ListParkedEvents(grpc::CallbackServerContext* ctx,
                                             const v1::ListParkedEventsRequest* req,
                                             v1::ListParkedEventsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListParkedEvents", req, resp, logic_,
                             &SettlementLogic::ListParkedEvents);
  }
  grpc::ServerUnaryReactor* SetMerchantPlan(grpc::CallbackServerContext* ctx,
                                            const v1::SetMerchantPlanRequest* req,
                                            v1::MerchantPlan* resp) override {
    return dispatcher_.Unary(ctx, "SetMerchantPlan", req, resp, logic_,
                             &SettlementLogic::SetMerchantPlan);
  }

 private:
  SettlementLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::settlement

#endif  // QRCLOUD_SERVICES_SETTLEMENT_SETTLEMENT_SERVICE_H_
