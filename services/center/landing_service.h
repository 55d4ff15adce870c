// LandingAdminService: the gRPC adapter of LandingLogic.
#ifndef QRCLOUD_SERVICES_CENTER_LANDING_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_LANDING_SERVICE_H_

#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/landing_admin.grpc.pb.h"
#include "services/center/landing_logic.h"

namespace qrcloud::center {

class LandingServiceImpl : public v1::LandingAdminService::CallbackService {
 public:
  LandingServiceImpl(LandingLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.LandingAdminService", deps) {
    // landing_nodes.request_id is unique per merchant: a retry answers the
    // same node with a new key (the key is never kept, in Redis or anywhere).
    dispatcher_.KeepsOwnIdempotency("RegisterNode");
    // landing_center_orders is unique on (node, request id).
    dispatcher_.KeepsOwnIdempotency("PlaceTableOrder");
  }

  grpc::ServerUnaryReactor* RegisterNode(grpc::CallbackServerContext* ctx,
                                         const v1::RegisterNodeRequest* req,
                                         v1::RegisterNodeResponse* resp) override {
    return dispatcher_.Unary(ctx, "RegisterNode", req, resp, logic_, &LandingLogic::RegisterNode);
  }
  grpc::ServerUnaryReactor* ListNodes(grpc::CallbackServerContext* ctx,
                                      const v1::ListNodesRequest* req,
                                      v1::ListNodesResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListNodes", req, resp, logic_, &LandingLogic::ListNodes);
  }
  grpc::ServerUnaryReactor* RevokeNode(grpc::CallbackServerContext* ctx,
                                       const v1::RevokeNodeRequest* req,
                                       v1::RevokeNodeResponse* resp) override {
    return dispatcher_.Unary(ctx, "RevokeNode", req, resp, logic_, &LandingLogic::RevokeNode);
  }
  grpc::ServerUnaryReactor* GetLandingConfig(grpc::CallbackServerContext* ctx,
                                             const v1::GetLandingConfigRequest* req,
                                             v1::LandingConfig* resp) override {
    return dispatcher_.Unary(ctx, "GetLandingConfig", req, resp, logic_, &LandingLogic::GetConfig);
  }
  grpc::ServerUnaryReactor* UpdateLandingConfig(grpc::CallbackServerContext* ctx,
                                                const v1::UpdateLandingConfigRequest* req,
                                                v1::LandingConfig* resp) override {
    return dispatcher_.Unary(ctx, "UpdateLandingConfig", req, resp, logic_,
                             &LandingLogic::UpdateConfig);
  }
  grpc::ServerUnaryReactor* RotateTableToken(grpc::CallbackServerContext* ctx,
                                             const v1::RotateTableTokenRequest* req,
                                             v1::LandingConfig* resp) override {
    return dispatcher_.Unary(ctx, "RotateTableToken", req, resp, logic_,
                             &LandingLogic::RotateTableToken);
  }
  grpc::ServerUnaryReactor* ListLandingConflicts(grpc::CallbackServerContext* ctx,
                                                 const v1::ListLandingConflictsRequest* req,
                                                 v1::ListLandingConflictsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListLandingConflicts", req, resp, logic_,
                             &LandingLogic::ListConflicts);
  }
  grpc::ServerUnaryReactor* GetCenterTablePage(grpc::CallbackServerContext* ctx,
                                               const v1::CenterTablePageRequest* req,
                                               google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "GetCenterTablePage", req, resp, logic_,
                             &LandingLogic::GetTablePage);
  }
  grpc::ServerUnaryReactor* PlaceTableOrder(grpc::CallbackServerContext* ctx,
                                            const v1::PlaceTableOrderRequest* req,
                                            v1::PlaceTableOrderResponse* resp) override {
    return dispatcher_.Unary(ctx, "PlaceTableOrder", req, resp, logic_,
                             &LandingLogic::PlaceTableOrder);
  }
  grpc::ServerUnaryReactor* GetTableSheet(grpc::CallbackServerContext* ctx,
                                          const v1::GetTableSheetRequest* req,
                                          google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "GetTableSheet", req, resp, logic_, &LandingLogic::GetTableSheet);
  }
  grpc::ServerUnaryReactor* UpdateNodeMenu(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateNodeMenuRequest* req,
                                           v1::LandingConfig* resp) override {
    return dispatcher_.Unary(ctx, "UpdateNodeMenu", req, resp, logic_,
                             &LandingLogic::UpdateNodeMenu);
  }
  grpc::ServerUnaryReactor* PullNodeConfig(grpc::CallbackServerContext* ctx,
                                           const v1::PullNodeConfigRequest* req,
                                           v1::PullNodeConfigResponse* resp) override {
    return dispatcher_.Unary(ctx, "PullNodeConfig", req, resp, logic_,
                             &LandingLogic::PullNodeConfig);
  }
  grpc::ServerUnaryReactor* SyncOrders(grpc::CallbackServerContext* ctx,
                                       const v1::SyncOrdersRequest* req,
                                       v1::SyncOrdersResponse* resp) override {
    return dispatcher_.Unary(ctx, "SyncOrders", req, resp, logic_, &LandingLogic::SyncOrders);
  }
  grpc::ServerUnaryReactor* PullOrders(grpc::CallbackServerContext* ctx,
                                       const v1::PullOrdersRequest* req,
                                       v1::PullOrdersResponse* resp) override {
    return dispatcher_.Unary(ctx, "PullOrders", req, resp, logic_, &LandingLogic::PullOrders);
  }

 private:
  LandingLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_LANDING_SERVICE_H_
