// The node's gRPC adapters, one line per method: LandingNodeService (what
// the LAN front serves, also over gRPC) and LandingDeskService (the desk,
// with the desk token).
#ifndef QRCLOUD_SERVICES_LANDING_NODE_SERVICES_H_
#define QRCLOUD_SERVICES_LANDING_NODE_SERVICES_H_

#include "google/api/httpbody.pb.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/landing.grpc.pb.h"
#include "services/landing/lan_front.h"
#include "services/landing/node_logic.h"
#include "services/landing/sync.h"

namespace qrcloud::landing {

class NodeServiceImpl : public v1::LandingNodeService::CallbackService {
 public:
  NodeServiceImpl(NodeLogic& logic, Syncer& sync, rpc::DispatcherDeps deps)
      : logic_(logic), sync_(sync), dispatcher_("qrcloud.v1.LandingNodeService", deps) {}

  grpc::ServerUnaryReactor* GetTablePage(grpc::CallbackServerContext* ctx,
                                         const v1::GetTablePageRequest* req,
                                         google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "GetTablePage", req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(auto page, logic_.OpenTable(req->table(), req->k()));
      resp->set_content_type("text/html; charset=utf-8");
      resp->set_data(RenderTablePage(page.table, page.menu, req->k()));
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* GetMenu(grpc::CallbackServerContext* ctx, const v1::GetMenuRequest* req,
                                    v1::Menu* resp) override {
    return dispatcher_.Unary(ctx, "GetMenu", req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp, logic_.Menu());
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* CreateTableOrder(grpc::CallbackServerContext* ctx,
                                             const v1::CreateTableOrderRequest* req,
                                             v1::CreateTableOrderResponse* resp) override {
    return dispatcher_.Unary(
        ctx, "CreateTableOrder", req, resp, [=, this](const rpc::CallContext&) {
          QRCLOUD_ASSIGN_OR_RETURN(*resp->mutable_order(), logic_.PlaceTableOrder(*req));
          return absl::OkStatus();
        });
  }
  grpc::ServerUnaryReactor* GetSyncStatus(grpc::CallbackServerContext* ctx,
                                          const v1::GetSyncStatusRequest* req,
                                          v1::SyncStatus* resp) override {
    return dispatcher_.Unary(ctx, "GetSyncStatus", req, resp, [=, this](const rpc::CallContext&) {
      *resp = sync_.Status();
      return absl::OkStatus();
    });
  }

 private:
  NodeLogic& logic_;
  Syncer& sync_;
  rpc::Dispatcher dispatcher_;
};

class DeskServiceImpl : public v1::LandingDeskService::CallbackService {
 public:
  DeskServiceImpl(NodeLogic& logic, Syncer& sync, NodeStore& node, rpc::DispatcherDeps deps)
      : logic_(logic),
        sync_(sync),
        node_(node),
        dispatcher_("qrcloud.v1.LandingDeskService", deps) {}

  grpc::ServerWriteReactor<v1::DeskOrderEvent>* WatchOrders(
      grpc::CallbackServerContext* ctx, const v1::WatchDeskOrdersRequest* req) override {
    return dispatcher_.ServerStream<v1::WatchDeskOrdersRequest, v1::DeskOrderEvent>(
        ctx, "WatchOrders", req,
        [=, this](const rpc::CallContext&, rpc::StreamWriter<v1::DeskOrderEvent>& out) {
          int64_t cursor = logic_.feed().head();
          out.Ready();
          if (req->include_open()) {
            v1::ListDeskOrdersRequest open;
            open.set_limit(500);
            QRCLOUD_ASSIGN_OR_RETURN(auto orders, logic_.ListOrders(open));
            for (auto it = orders.rbegin(); it != orders.rend(); ++it) {
              const auto s = it->landing_status();
              if (s != v1::Order::PLACED && s != v1::Order::ACCEPTED && s != v1::Order::PAID) {
                continue;
              }
              v1::DeskOrderEvent e;
              e.set_change("open");
              *e.mutable_order() = *it;
              if (!out.Write(e)) return absl::OkStatus();
            }
          }
          for (;;) {
            auto events = logic_.feed().Since(cursor, 100);
            for (const auto& e : events) {
              if (!out.Write(e)) return absl::OkStatus();
            }
            if (events.empty() && !out.Pause(absl::Milliseconds(100))) return absl::OkStatus();
          }
        });
  }
  grpc::ServerUnaryReactor* ListOrders(grpc::CallbackServerContext* ctx,
                                       const v1::ListDeskOrdersRequest* req,
                                       v1::ListDeskOrdersResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListOrders", req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(auto orders, logic_.ListOrders(*req));
      for (auto& o : orders) *resp->add_orders() = std::move(o);
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* AcceptOrder(grpc::CallbackServerContext* ctx,
                                        const v1::DeskOrderRequest* req, v1::Order* resp) override {
    return Act(ctx, "AcceptOrder", req, resp, DeskAction::kAccept);
  }
  grpc::ServerUnaryReactor* RejectOrder(grpc::CallbackServerContext* ctx,
                                        const v1::DeskOrderRequest* req, v1::Order* resp) override {
    return Act(ctx, "RejectOrder", req, resp, DeskAction::kReject);
  }
  grpc::ServerUnaryReactor* MarkPaid(grpc::CallbackServerContext* ctx,
                                     const v1::DeskOrderRequest* req, v1::Order* resp) override {
    return Act(ctx, "MarkPaid", req, resp, DeskAction::kPay);
  }
  grpc::ServerUnaryReactor* SettleOrder(grpc::CallbackServerContext* ctx,
                                        const v1::DeskOrderRequest* req, v1::Order* resp) override {
    return Act(ctx, "SettleOrder", req, resp, DeskAction::kSettle);
  }
  grpc::ServerUnaryReactor* ListTables(grpc::CallbackServerContext* ctx,
                                       const v1::ListDeskTablesRequest* req,
                                       v1::ListDeskTablesResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListTables", req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp, logic_.Tables());
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* SetSoldOut(grpc::CallbackServerContext* ctx,
                                       const v1::SetSoldOutRequest* req, v1::Menu* resp) override {
    return dispatcher_.Unary(ctx, "SetSoldOut", req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp, logic_.SetSoldOut(*req));
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* UpdateMenu(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateDeskMenuRequest* req,
                                       v1::Menu* resp) override {
    return dispatcher_.Unary(ctx, "UpdateMenu", req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp, sync_.UpdateMenu(*req));
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* SyncNow(grpc::CallbackServerContext* ctx, const v1::SyncNowRequest* req,
                                    v1::SyncStatus* resp) override {
    return dispatcher_.Unary(ctx, "SyncNow", req, resp, [=, this](const rpc::CallContext&) {
      *resp = sync_.SyncNow(absl::Seconds(10));
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* OpenShift(grpc::CallbackServerContext* ctx,
                                      const v1::OpenShiftRequest* req, v1::Shift* resp) override {
    return dispatcher_.Unary(ctx, "OpenShift", req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp, logic_.OpenShift());
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* CloseShift(grpc::CallbackServerContext* ctx,
                                       const v1::CloseShiftRequest* req, v1::Shift* resp) override {
    return dispatcher_.Unary(ctx, "CloseShift", req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp, logic_.CloseShift(req->force()));
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* GetShift(grpc::CallbackServerContext* ctx,
                                     const v1::GetShiftRequest* req, v1::Shift* resp) override {
    return dispatcher_.Unary(ctx, "GetShift", req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp, logic_.CurrentShift());
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* GetSyncStatus(grpc::CallbackServerContext* ctx,
                                          const v1::GetSyncStatusRequest* req,
                                          v1::SyncStatus* resp) override {
    return dispatcher_.Unary(ctx, "GetSyncStatus", req, resp, [=, this](const rpc::CallContext&) {
      *resp = sync_.Status();
      return absl::OkStatus();
    });
  }
  grpc::ServerUnaryReactor* ListParkedRecords(grpc::CallbackServerContext* ctx,
                                              const v1::ListParkedRecordsRequest* req,
                                              v1::ListParkedRecordsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListParkedRecords", req, resp,
                             [=, this](const rpc::CallContext&) {
                               QRCLOUD_ASSIGN_OR_RETURN(auto parked, node_.Parked(500));
                               for (auto& p : parked) *resp->add_records() = std::move(p);
                               return absl::OkStatus();
                             });
  }
  grpc::ServerUnaryReactor* RedeemCloudReceipt(grpc::CallbackServerContext* ctx,
                                               const v1::RedeemCloudReceiptRequest* req,
                                               v1::RedeemCloudReceiptResponse* resp) override {
    return dispatcher_.Unary(
        ctx, "RedeemCloudReceipt", req, resp, [=, this](const rpc::CallContext&) {
          QRCLOUD_ASSIGN_OR_RETURN(*resp, logic_.RedeemCloudReceipt(req->token()));
          return absl::OkStatus();
        });
  }

 private:
  grpc::ServerUnaryReactor* Act(grpc::CallbackServerContext* ctx, absl::string_view method,
                                const v1::DeskOrderRequest* req, v1::Order* resp,
                                DeskAction action) {
    return dispatcher_.Unary(ctx, method, req, resp, [=, this](const rpc::CallContext&) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp, logic_.Apply(req->order_id(), action, req->reason()));
      return absl::OkStatus();
    });
  }

  NodeLogic& logic_;
  Syncer& sync_;
  NodeStore& node_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::landing

#endif  // QRCLOUD_SERVICES_LANDING_NODE_SERVICES_H_
