// qrcloud-audit: the audit worker and AuditService (patent claim 1, security
// audit; DESIGN.md §2 step 2). Takes submissions in from the `audit` stream,
// runs the automatic checks, queues what needs a person, and delivers every
// decision to the center. See docs/audit.md.
//
//   qrcloud-audit --center_api_key_file=var/audit-api-key [flags]
#include <csignal>
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "libs/core/config.h"
#include "libs/core/log.h"
#include "services/audit/audit.h"

ABSL_FLAG(std::string, center_address, "localhost:50051", "The center's gRPC address");
ABSL_FLAG(std::string, center_api_key_file, "",
          "File holding the API key of the audit service's account at the center (role auditor), "
          "as written by "
          "`qrcloud-center ensure-service-account svc-audit@qrcloud.local auditor <file>`");
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

int Serve(const rpc::ServiceConfig& config) {
  AuditOptions options;
  options.center_address = absl::GetFlag(FLAGS_center_address);
  options.center_api_key_file = absl::GetFlag(FLAGS_center_api_key_file);
  options.auto_approve = absl::GetFlag(FLAGS_auto_approve);
  options.worker = absl::GetFlag(FLAGS_audit_worker);
  options.applier.max_backoff = absl::GetFlag(FLAGS_delivery_max_backoff);
  options.rules.public_url = absl::GetFlag(FLAGS_public_url);
  for (absl::string_view host :
       absl::StrSplit(absl::GetFlag(FLAGS_video_hosts), ',', absl::SkipWhitespace())) {
    options.rules.video_hosts.emplace_back(absl::StripAsciiWhitespace(host));
  }
  if (const std::string path = absl::GetFlag(FLAGS_banned_words_file); !path.empty()) {
    auto words = BannedWords::Load(path);
    if (!words.ok()) {
      spdlog::critical("audit failed to start: {}", words.status().message());
      return 1;
    }
    spdlog::info("audit: {} prohibited words from {}", words->size(), path);
    options.rules.banned_words = *std::move(words);
  } else {
    spdlog::warn("audit: no banned words file; prohibited words are not checked");
  }

  auto audit = Audit::Start(config, std::move(options));
  if (!audit.ok()) {
    spdlog::critical("audit failed to start: {}", audit.status().message());
    return 1;
  }
  core::WaitForTerminationSignal();
  spdlog::info("audit: shutting down");
  (*audit)->Shutdown();
  return 0;
}

}  // namespace
}  // namespace qrcloud::audit

int main(int argc, char** argv) {
  auto args = qrcloud::core::InitProcess(argc, argv, "qrcloud-audit [flags]");
  if (args.size() > 1) {
    std::fprintf(stderr, "qrcloud-audit takes no commands (got %s)\n", args[1].c_str());
    return 2;
  }
  return qrcloud::audit::Serve(
      qrcloud::rpc::ServiceConfigFromFlags(qrcloud::audit::kAuditDefaults));
}
