// Sends audit decisions to the center over gRPC, as the audit service's
// service account (role auditor), with the API key read from a file.
#ifndef QRCLOUD_SERVICES_AUDIT_CENTER_CLIENT_H_
#define QRCLOUD_SERVICES_AUDIT_CENTER_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "qrcloud/v1/campaign.grpc.pb.h"
#include "qrcloud/v1/merchant.grpc.pb.h"
#include "services/audit/decision_applier.h"

namespace qrcloud::audit {

class CenterClient : public DecisionTarget {
 public:
  // `address` is host:port; `api_key_file` holds the key on its first line
  // (`qrcloud-center ensure-service-account` writes it). Fails if the file
  // cannot be read.
  static absl::StatusOr<std::unique_ptr<CenterClient>> Create(
      const std::string& address, const std::string& api_key_file,
      absl::Duration call_timeout = absl::Seconds(10));

  // QUALIFICATION → MerchantService.RecordQualificationDecision,
  // CAMPAIGN → CampaignService.RecordAuditDecision, MERCHANT_PROFILE →
  // MerchantService.RecordProfileDecision, LANDING_BUSINESS →
  // MerchantService.RecordLandingDecision; other subjects have no
  // owner yet (UNIMPLEMENTED, so they wait and are retried).
  absl::Status Send(v1::AuditTask::Subject subject, const v1::AuditDecision& decision) override;

 private:
  CenterClient(std::shared_ptr<grpc::Channel> channel, std::string api_key_file,
               absl::Duration call_timeout);
  // Reads the key file again (after the center refused the key: it may have
  // been rotated).
  absl::Status ReloadKey();
  std::string key();

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::MerchantService::Stub> merchants_;
  std::unique_ptr<v1::CampaignService::Stub> campaigns_;
  const std::string api_key_file_;
  const absl::Duration call_timeout_;
  absl::Mutex mu_;
  std::string key_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_CENTER_CLIENT_H_
