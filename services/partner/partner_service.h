// PartnerService: the gRPC adapter of PartnerLogic, one line per method.
#ifndef QRCLOUD_SERVICES_PARTNER_PARTNER_SERVICE_H_
#define QRCLOUD_SERVICES_PARTNER_PARTNER_SERVICE_H_

#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/partner.grpc.pb.h"
#include "services/partner/partner_logic.h"

namespace qrcloud::partner {

class PartnerServiceImpl : public v1::PartnerService::CallbackService {
 public:
  PartnerServiceImpl(PartnerLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.PartnerService", deps) {}
  grpc::ServerUnaryReactor* RegisterPartner(grpc::CallbackServerContext* ctx,
                                            const v1::RegisterPartnerRequest* req,
                                            v1::Partner* resp) override {
    return dispatcher_.Unary(ctx, "RegisterPartner", req, resp, logic_, &PartnerLogic::Register);
  }
  grpc::ServerUnaryReactor* ApprovePartner(grpc::CallbackServerContext* ctx,
                                           const v1::ApprovePartnerRequest* req,
                                           v1::Partner* resp) override {
    return dispatcher_.Unary(ctx, "ApprovePartner", req, resp, logic_, &PartnerLogic::Approve);
  }
  grpc::ServerUnaryReactor* SuspendPartner(grpc::CallbackServerContext* ctx,
                                           const v1::SuspendPartnerRequest* req,
                                           v1::Partner* resp) override {
    return dispatcher_.Unary(ctx, "SuspendPartner", req, resp, logic_, &PartnerLogic::Suspend);
  }
  grpc::ServerUnaryReactor* GetPartner(grpc::CallbackServerContext* ctx,
                                       const v1::GetPartnerRequest* req,
                                       v1::Partner* resp) override {
    return dispatcher_.Unary(ctx, "GetPartner", req, resp, logic_, &PartnerLogic::Get);
  }
  grpc::ServerUnaryReactor* ListPartners(grpc::CallbackServerContext* ctx,
                                         const v1::ListPartnersRequest* req,
                                         v1::ListPartnersResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListPartners", req, resp, logic_, &PartnerLogic::List);
  }
  grpc::ServerUnaryReactor* CreatePlacement(grpc::CallbackServerContext* ctx,
                                            const v1::CreatePlacementRequest* req,
                                            v1::Placement* resp) override {
    return dispatcher_.Unary(ctx, "CreatePlacement", req, resp, logic_,
                             &PartnerLogic::CreatePlacement);
  }
  grpc::ServerUnaryReactor* GetPlacement(grpc::CallbackServerContext* ctx,
                                         const v1::GetPlacementRequest* req,
                                         v1::Placement* resp) override {
    return dispatcher_.Unary(ctx, "GetPlacement", req, resp, logic_, &PartnerLogic::GetPlacement);
  }
  grpc::ServerUnaryReactor* ListPlacements(grpc::CallbackServerContext* ctx,
                                           const v1::ListPlacementsRequest* req,
                                           v1::ListPlacementsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListPlacements", req, resp, logic_,
                             &PartnerLogic::ListPlacements);
  }
  grpc::ServerUnaryReactor* GetEmbed(grpc::CallbackServerContext* ctx,
                                     const v1::GetEmbedRequest* req, v1::Embed* resp) override {
    return dispatcher_.Unary(ctx, "GetEmbed", req, resp, logic_, &PartnerLogic::GetEmbed);
  }
  grpc::ServerUnaryReactor* GetPlacementImage(grpc::CallbackServerContext* ctx,
                                              const v1::GetPlacementImageRequest* req,
                                              google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "GetPlacementImage", req, resp, logic_, &PartnerLogic::GetImage);
  }
  grpc::ServerUnaryReactor* GetPartnerStats(grpc::CallbackServerContext* ctx,
                                            const v1::GetPartnerStatsRequest* req,
                                            v1::PartnerStats* resp) override {
    return dispatcher_.Unary(ctx, "GetPartnerStats", req, resp, logic_, &PartnerLogic::Stats);
  }
  grpc::ServerUnaryReactor* ListPartnerStatements(
      grpc::CallbackServerContext* ctx, const v1::ListPartnerStatementsRequest* req,
      v1::ListPartnerStatementsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListPartnerStatements", req, resp, logic_,
                             &PartnerLogic::Statements);
  }

 private:
  PartnerLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::partner

#endif  // QRCLOUD_SERVICES_PARTNER_PARTNER_SERVICE_H_
