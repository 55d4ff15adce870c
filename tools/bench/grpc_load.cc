// grpc_load: a closed-loop gRPC load generator for the direct-call side of
// the gateway benchmark. Keeps --concurrency GetMerchant calls in flight on
// the callback API for --duration and prints throughput and latency
// percentiles in the same terms as wrk.
//
//   grpc_load --target=localhost:50051 --token=qrs_… --merchant=<id> --concurrency=64
//   --duration=10s
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "qrcloud/v1/merchant.grpc.pb.h"

ABSL_FLAG(std::string, target, "localhost:50051", "The center's gRPC address");
ABSL_FLAG(std::string, token, "", "Bearer token");
ABSL_FLAG(std::string, merchant, "", "Merchant id to read");
ABSL_FLAG(int, concurrency, 64, "Calls in flight");
ABSL_FLAG(int, channels, 2, "HTTP/2 connections, used in turn");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "How long to run");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2), "Unmeasured warm-up");

namespace {

using qrcloud::v1::GetMerchantRequest;
using qrcloud::v1::Merchant;
using qrcloud::v1::MerchantService;

class Load {
 public:
  Load() {
    for (int i = 0; i < absl::GetFlag(FLAGS_channels); ++i) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      stubs_.push_back(MerchantService::NewStub(grpc::CreateCustomChannel(
          absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args)));
    }
    request_.set_id(absl::GetFlag(FLAGS_merchant));
    auth_ = "Bearer " + absl::GetFlag(FLAGS_token);
  }

  void Run() {
    const int n = absl::GetFlag(FLAGS_concurrency);
    measure_from_ = absl::Now() + absl::GetFlag(FLAGS_warmup);
    stop_at_ = measure_from_ + absl::GetFlag(FLAGS_duration);
    in_flight_ = n;
    for (int i = 0; i < n; ++i) Issue(i);
    done_.WaitForNotification();
  }

  void Report() {
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto pct = [&](double p) {
      if (latencies_us_.empty()) return 0.0;
      return latencies_us_[std::min(latencies_us_.size() - 1,
                                    static_cast<size_t>(p * latencies_us_.size()))] /
             1000.0;
    };
    const double seconds = absl::ToDoubleSeconds(absl::GetFlag(FLAGS_duration));
    std::printf("requests %zu errors %ld\n", latencies_us_.size(), errors_.load());
    std::printf("req/s %.0f\n", latencies_us_.size() / seconds);
    std::printf("p50_ms %.3f\np90_ms %.3f\np99_ms %.3f\n", pct(0.50), pct(0.90), pct(0.99));
  }

 private:
  struct Call {
    grpc::ClientContext ctx;
    Merchant response;
    absl::Time start;
  };

  void Issue(int slot) {
    const absl::Time now = absl::Now();
    if (now >= stop_at_) {
      if (--in_flight_ == 0) done_.Notify();
      return;
    }
    auto* call = new Call;
    call->start = now;
    call->ctx.AddMetadata("authorization", auth_);
    call->ctx.set_deadline(absl::ToChronoTime(now + absl::Seconds(10)));
    auto& stub = stubs_[slot % stubs_.size()];
    stub->async()->GetMerchant(
        &call->ctx, &request_, &call->response, [this, call, slot](grpc::Status s) {
          const absl::Time end = absl::Now();
          if (!s.ok()) {
            errors_.fetch_add(1);
          } else if (call->start >= measure_from_ && end <= stop_at_) {
            std::lock_guard<std::mutex> lock(mu_);
            latencies_us_.push_back(absl::ToDoubleMicroseconds(end - call->start));
          }
          delete call;
          Issue(slot);
        });
  }

  std::vector<std::unique_ptr<MerchantService::Stub>> stubs_;
  GetMerchantRequest request_;
  std::string auth_;
  absl::Time measure_from_, stop_at_;
  std::atomic<int> in_flight_{0};
  std::atomic<long> errors_{0};
  absl::Notification done_;
  std::mutex mu_;
  std::vector<double> latencies_us_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  Load load;
  load.Run();
  load.Report();
  return 0;
}
