#include "services/audit/center_client.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace qrcloud::audit {

absl::StatusOr<std::unique_ptr<CenterClient>> CenterClient::Create(const std::string& address,
                                                                   const std::string& api_key_file,
                                                                   absl::Duration call_timeout) {
  grpc::ChannelArguments args;
  // Reconnect soon after the center comes back: decisions are waiting.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  std::unique_ptr<CenterClient> client(
      new CenterClient(std::move(channel), api_key_file, call_timeout));
  QRCLOUD_RETURN_IF_ERROR(client->ReloadKey());
  return client;
}

CenterClient::CenterClient(std::shared_ptr<grpc::Channel> channel, std::string api_key_file,
                           absl::Duration call_timeout)
    : channel_(std::move(channel)),
      merchants_(v1::MerchantService::NewStub(channel_)),
      campaigns_(v1::CampaignService::NewStub(channel_)),
      api_key_file_(std::move(api_key_file)),
      call_timeout_(call_timeout) {}

absl::Status CenterClient::ReloadKey() {
  std::ifstream in(api_key_file_);
  std::string line;
  if (!in || !std::getline(in, line) || absl::StripAsciiWhitespace(line).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the center API key file ", api_key_file_.empty() ? "(none given)" : api_key_file_,
        " cannot be read; make it with `qrcloud-center ensure-service-account "
        "svc-audit@qrcloud.local auditor "
        "<file>` and pass --center_api_key_file"));
  }
  absl::MutexLock lock(&mu_);
  key_ = std::string(absl::StripAsciiWhitespace(line));
  return absl::OkStatus();
}

std::string CenterClient::key() {
  absl::MutexLock lock(&mu_);
  return key_;
}

absl::Status CenterClient::Send(v1::AuditTask::Subject subject, const v1::AuditDecision& decision) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
  ctx.AddMetadata("authorization", absl::StrCat("Bearer ", key()));
  // The task id ties the center's log lines to the audit task.
  ctx.AddMetadata("x-request-id", absl::StrCat("audit-", decision.task_id()));
  grpc::Status status;
  switch (subject) {
    case v1::AuditTask::QUALIFICATION: {
      v1::Merchant merchant;
      status = merchants_->RecordQualificationDecision(&ctx, decision, &merchant);
      break;
    }
    case v1::AuditTask::CAMPAIGN: {
      v1::Campaign campaign;
      status = campaigns_->RecordAuditDecision(&ctx, decision, &campaign);
      break;
    }
    case v1::AuditTask::LANDING_BUSINESS: {
      v1::Merchant merchant;
      status = merchants_->RecordLandingDecision(&ctx, decision, &merchant);
      break;
    }
    case v1::AuditTask::MERCHANT_PROFILE: {
      v1::Merchant merchant;
      status = merchants_->RecordProfileDecision(&ctx, decision, &merchant);
      break;
    }
    default:
      return absl::UnimplementedError(absl::StrCat("no service takes decisions on ",
                                                   v1::AuditTask::Subject_Name(subject), " yet"));
  }
  absl::Status result = core::FromGrpcStatus(status);
  if (result.code() == absl::StatusCode::kUnauthenticated) {
    if (absl::Status reload = ReloadKey(); !reload.ok())
      spdlog::error("audit: {}", reload.message());
  }
  return result;
}

}  // namespace qrcloud::audit
