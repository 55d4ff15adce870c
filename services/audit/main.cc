// qrcloud-audit: the audit worker and AuditService (patent claim 1, security
// audit; DESIGN.md §2 step 2). Takes submissions in from the `audit` stream,
// runs the automatic checks, queues what needs a person, and delivers every
// decision to its owner: the center (over gRPC), or the personal service for
// reviews, shares and comments (the `moderation` stream). See docs/audit.md.
//
//   qrcloud-audit --center_api_key_file=var/audit-api-key [flags]
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/service/host.h"
#include "services/audit/audit_service.h"
#include "services/audit/audit_store.h"
#include "services/audit/center_client.h"
#include "services/audit/decision_applier.h"
#include "services/audit/decision_targets.h"
#include "services/audit/migrations.h"
#include "services/audit/rules.h"
#include "services/audit/submission_consumer.h"
#include "services/audit/submission_intake.h"

ABSL_FLAG(std::string, banned_words_file, "deploy/local/banned_words.txt",
          "Prohibited words, one per line (UTF-8); relative to the working directory. Empty: no "
          "word list");
ABSL_FLAG(
    std::string, video_hosts,
    "bilibili.com,b23.tv,v.qq.com,youku.com,ixigua.com,douyin.com,youtube.com,youtu.be,vimeo.com",
    "Sites a campaign's video links may point at (a host or its subdomains), comma-separated; "
    "links elsewhere go to an auditor");
ABSL_FLAG(std::string, public_url, "http://localhost:8080",
          "The gateway's public base URL: campaign images must be uploaded media under "
          "<public_url>/media/");
ABSL_FLAG(bool, auto_approve, true,
          "Approve submissions the automatic checks find nothing in; when false they wait for an "
          "auditor");
ABSL_FLAG(bool, audit_worker, true, "Take submissions in from the audit stream in this process");
ABSL_FLAG(absl::Duration, delivery_max_backoff, absl::Seconds(30),
          "Longest wait between attempts to deliver a decision to the center");

namespace qrcloud::audit {
namespace {

absl::StatusOr<RuleOptions> RulesFromFlags() {
  RuleOptions rules;
  rules.public_url = absl::GetFlag(FLAGS_public_url);
  for (absl::string_view host :
       absl::StrSplit(absl::GetFlag(FLAGS_video_hosts), ',', absl::SkipWhitespace())) {
    rules.video_hosts.emplace_back(absl::StripAsciiWhitespace(host));
  }
  const std::string path = absl::GetFlag(FLAGS_banned_words_file);
  if (path.empty()) {
    spdlog::warn("audit: no banned words file; prohibited words are not checked");
    return rules;
  }
  QRCLOUD_ASSIGN_OR_RETURN(rules.banned_words, BannedWords::Load(path));
  spdlog::info("audit: {} prohibited words from {}", rules.banned_words.size(), path);
  return rules;
}

// The audit service: AuditService, the intake of the `audit` stream, and the
// loop that delivers decisions to the center.
absl::Status Build(service::Host& host) {
  // The key first: without it no decision could ever be delivered.
  QRCLOUD_ASSIGN_OR_RETURN(std::string center, host.AddressOf("center"));
  QRCLOUD_ASSIGN_OR_RETURN(auto client,
                           CenterClient::Create(center, host.config().center_api_key_file));
  QRCLOUD_ASSIGN_OR_RETURN(RuleOptions rule_options, RulesFromFlags());
  const bool auto_approve = absl::GetFlag(FLAGS_auto_approve);

  auto& store = host.Own(std::make_unique<AuditStore>(host.mysql()));
  auto& rules = host.Own(std::make_unique<Rules>(std::move(rule_options)));
  auto& intake =
      host.Own(std::make_unique<SubmissionIntake>(store, rules, host.clock(), auto_approve));
  auto& center_target = host.Own(std::move(client));
  auto& people_target = host.Own(std::make_unique<ModerationStream>(host.redis()));
  auto& target = host.Own(std::make_unique<DecisionRouter>(center_target, people_target));
  ApplierOptions applier_options;
  applier_options.max_backoff = absl::GetFlag(FLAGS_delivery_max_backoff);
  auto& applier =
      host.Own(std::make_unique<DecisionApplier>(store, target, host.clock(), applier_options));
  auto& logic = host.Own(std::make_unique<AuditLogic>(store, &applier, host.clock()));
  auto& api = host.Own(std::make_unique<AuditServiceImpl>(logic, host.dispatcher_deps()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::AuditService>(api));

  host.AddWorker(applier);
  if (absl::GetFlag(FLAGS_audit_worker)) {
    host.AddConsumer({.stream = kAuditStream, .group = kAuditGroup},
                     SubmissionHandler(intake, [&applier] { applier.Nudge(); }));
  }
  spdlog::info("audit: center at {}, automatic approval {}", center, auto_approve ? "on" : "off");
  return absl::OkStatus();
}

}  // namespace
}  // namespace qrcloud::audit

int main(int argc, char** argv) {
  return qrcloud::service::Main(argc, argv,
                                {.name = "audit",
                                 .usage = "qrcloud-audit [flags]",
                                 .migrations = qrcloud::audit::Migrations(),
                                 .build = qrcloud::audit::Build});
}
