// AuditService: the auditors' queue of tasks the automatic checks could not
// decide, their decisions, and the append-only log of every decision.
#ifndef QRCLOUD_SERVICES_AUDIT_AUDIT_SERVICE_H_
#define QRCLOUD_SERVICES_AUDIT_AUDIT_SERVICE_H_

#include "libs/core/clock.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/audit.grpc.pb.h"
#include "services/audit/audit_store.h"
#include "services/audit/decision_applier.h"

namespace qrcloud::audit {

class AuditLogic {
 public:
  // `applier` (may be null) is nudged after a decision is recorded.
  AuditLogic(AuditStore& store, DecisionApplier* applier, const core::Clock& clock)
      : store_(store), applier_(applier), clock_(clock) {}

  // Tasks in one state (default QUEUED), oldest first.
  absl::Status ListTasks(const rpc::CallContext& call, const v1::ListTasksRequest& req,
                         v1::ListTasksResponse& resp);
  // One task, in any state.
  absl::Status GetTask(const rpc::CallContext& call, const v1::GetTaskRequest& req,
                       v1::AuditTask& resp);
  // Decides a QUEUED task: records the outcome, the decision to deliver and
  // the log entry in one transaction; delivery to the center follows.
  absl::Status DecideTask(const rpc::CallContext& call, const v1::DecideTaskRequest& req,
                          v1::AuditTask& resp);
  // The log, newest first.
  absl::Status ListAuditLog(const rpc::CallContext& call, const v1::ListAuditLogRequest& req,
                            v1::ListAuditLogResponse& resp);

 private:
  AuditStore& store_;
  DecisionApplier* applier_;
  const core::Clock& clock_;
};

class AuditServiceImpl : public v1::AuditService::CallbackService {
 public:
  AuditServiceImpl(AuditLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.AuditService", deps) {}

  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* ctx,
                                      const v1::ListTasksRequest* req,
                                      v1::ListTasksResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListTasks", req, resp, logic_, &AuditLogic::ListTasks);
  }
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* ctx, const v1::GetTaskRequest* req,
                                    v1::AuditTask* resp) override {
    return dispatcher_.Unary(ctx, "GetTask", req, resp, logic_, &AuditLogic::GetTask);
  }
  grpc::ServerUnaryReactor* DecideTask(grpc::CallbackServerContext* ctx,
                                       const v1::DecideTaskRequest* req,
                                       v1::AuditTask* resp) override {
    return dispatcher_.Unary(ctx, "DecideTask", req, resp, logic_, &AuditLogic::DecideTask);
  }
  grpc::ServerUnaryReactor* ListAuditLog(grpc::CallbackServerContext* ctx,
                                         const v1::ListAuditLogRequest* req,
                                         v1::ListAuditLogResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListAuditLog", req, resp, logic_, &AuditLogic::ListAuditLog);
  }

 private:
  AuditLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_AUDIT_SERVICE_H_
