// The audit process: the AuditService, the worker that takes submissions in
// from the `audit` stream, and the loop that delivers decisions to the
// center. main() and the tests start it the same way.
#ifndef QRCLOUD_SERVICES_AUDIT_AUDIT_H_
#define QRCLOUD_SERVICES_AUDIT_AUDIT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/auth/authenticator.h"
#include "libs/auth/session_store.h"
#include "libs/cache/redis.h"
#include "libs/http/server.h"
#include "libs/rpc/server.h"
#include "libs/rpc/service_config.h"
#include "libs/rpc/worker_pool.h"
#include "libs/store/mysql.h"
#include "services/audit/audit_service.h"
#include "services/audit/audit_store.h"
#include "services/audit/center_client.h"
#include "services/audit/decision_applier.h"
#include "services/audit/rules.h"
#include "services/audit/submission_consumer.h"
#include "services/audit/submission_intake.h"

namespace qrcloud::audit {

inline constexpr rpc::ServiceDefaults kAuditDefaults = {"audit", 50055, 9055, "qrcloud_audit"};

struct AuditOptions {
  std::string center_address = "localhost:50051";
  // The API key of the audit service's account at the center (role auditor).
  std::string center_api_key_file;
  RuleOptions rules;
  // Approve a submission the checks find nothing in; when off, every
  // submission the checks do not reject waits for an auditor.
  bool auto_approve = true;
  // Take submissions in from the `audit` stream in this process.
  bool worker = true;
  ApplierOptions applier;
};

class Audit {
 public:
  // Connects to MySQL and Redis (waiting up to the start-up timeout), applies
  // migrations, and starts serving, taking submissions in and delivering
  // decisions.
  static absl::StatusOr<std::unique_ptr<Audit>> Start(const rpc::ServiceConfig& config,
                                                      AuditOptions options);
  ~Audit();

  int grpc_port() const { return grpc_->port(); }
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }

  void Wait();
  void Shutdown();

 private:
  Audit() = default;

  std::unique_ptr<store::MysqlPool> mysql_;
  std::unique_ptr<cache::RedisPool> redis_;
  std::unique_ptr<AuditStore> store_;
  std::unique_ptr<Rules> rules_;
  std::unique_ptr<SubmissionIntake> intake_;
  std::unique_ptr<CenterClient> center_;
  std::unique_ptr<DecisionApplier> applier_;
  std::unique_ptr<SubmissionConsumer> consumer_;
  std::unique_ptr<auth::SessionStore> sessions_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<rpc::WorkerPool> workers_;
  std::unique_ptr<AuditLogic> logic_;
  std::unique_ptr<AuditServiceImpl> service_;
  std::unique_ptr<rpc::GrpcServer> grpc_;
  std::unique_ptr<http::Server> metrics_;
};

// Runs the migrations of the audit database.
absl::Status MigrateAudit(store::MysqlPool& mysql);

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_AUDIT_H_
