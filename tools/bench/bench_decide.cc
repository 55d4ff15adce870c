// bench_decide: approves the latest audit submission of a merchant's
// qualification or a campaign, as the audit service would (the center's
// RecordQualificationDecision / RecordAuditDecision, as an auditor), so the
// benchmarks need not run the audit service.
//
//   bench_decide --center=host:port --token=<auditor token> --redis_port=N
//                --type=qualification.submitted|landing.requested|campaign.submitted --subject=<id>
#include <grpcpp/grpcpp.h>

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "libs/cache/redis.h"
#include "qrcloud/v1/campaign.grpc.pb.h"
#include "qrcloud/v1/merchant.grpc.pb.h"

ABSL_FLAG(std::string, center, "localhost:50051", "The center");
ABSL_FLAG(std::string, token, "", "An auditor's bearer token");
ABSL_FLAG(int, redis_port, 6390, "Redis, where the audit stream is");
ABSL_FLAG(std::string, type, "",
          "qualification.submitted, landing.requested or campaign.submitted");
ABSL_FLAG(std::string, subject, "", "The merchant or campaign id");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace qrcloud;
  cache::RedisOptions o;
  o.port = absl::GetFlag(FLAGS_redis_port);
  auto redis = cache::RedisPool::Create(o);
  if (!redis.ok()) return 1;
  const std::string needle = "\"id\":\"" + absl::GetFlag(FLAGS_subject) + "\"";
  std::string submission;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (submission.empty() && absl::Now() < deadline) {
    auto entries = (*redis)->Command({"XRANGE", "audit", "-", "+"});
    if (entries.ok()) {
      for (const auto& e : cache::ParseEntries(*entries)) {
        if (e.Field("type") == absl::GetFlag(FLAGS_type) &&
            e.Field("data").find(needle) != std::string::npos) {
          submission = e.Field("event_id");
        }
      }
    }
    if (submission.empty()) absl::SleepFor(absl::Milliseconds(50));
  }
  if (submission.empty()) {
    std::fprintf(stderr, "no submission found\n");
    return 1;
  }
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_center), grpc::InsecureChannelCredentials());
  v1::AuditDecision d;
  d.set_subject_id(absl::GetFlag(FLAGS_subject));
  d.set_submission_id(submission);
  d.set_approve(true);
  d.set_decided_by("bench");
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + absl::GetFlag(FLAGS_token));
  grpc::Status s;
  if (absl::GetFlag(FLAGS_type) == "qualification.submitted") {
    v1::Merchant out;
    s = v1::MerchantService::NewStub(channel)->RecordQualificationDecision(&ctx, d, &out);
  } else if (absl::GetFlag(FLAGS_type) == "landing.requested") {
    v1::Merchant out;
    s = v1::MerchantService::NewStub(channel)->RecordLandingDecision(&ctx, d, &out);
  } else {
    v1::Campaign out;
    s = v1::CampaignService::NewStub(channel)->RecordAuditDecision(&ctx, d, &out);
  }
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.error_message().c_str());
    return 1;
  }
  return 0;
}
