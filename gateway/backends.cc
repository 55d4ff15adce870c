#include "gateway/backends.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace qrcloud::gateway {

void Backends::Add(const std::string& service, const std::string& address) {
  auto& backend = by_address_[address];
  if (!backend) {
    backend = std::make_unique<Backend>();
    backend->address = address;
    for (int i = 0; i < channels_per_backend_; ++i) {
      grpc::ChannelArguments args;
      // A private subchannel pool per channel gives each its own connection.
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
      args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 32 * 1024 * 1024);
      args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
      // The gateway never retries on its own (a retried write could act
      // twice); without the retry filter each call costs less.
      args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
      args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
      auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
      backend->stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
      backend->channels.push_back(std::move(channel));
    }
  }
  by_service_[service] = backend.get();
}

grpc::GenericStub* Backends::StubFor(absl::string_view service) {
  auto it = by_service_.find(service);
  if (it == by_service_.end()) return nullptr;
  Backend* b = it->second;
  return b->stubs[b->next.fetch_add(1, std::memory_order_relaxed) % b->stubs.size()].get();
}

absl::Status Backends::CheckReady(absl::Duration timeout,
                                  std::map<std::string, std::string>* verdicts) {
  bool all = true;
  for (auto& [address, backend] : by_address_) {
    auto stub = grpc::health::v1::Health::NewStub(backend->channels[0]);
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    grpc::health::v1::HealthCheckRequest req;
    req.set_service("qrcloud.ready");
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, req, &resp);
    std::string verdict;
    if (!s.ok()) {
      verdict = absl::StrCat("unreachable: ", s.error_message());
    } else if (resp.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      verdict = "not ready";
    } else {
      verdict = "ready";
    }
    if (verdict != "ready") all = false;
    (*verdicts)[address] = verdict;
  }
  return all ? absl::OkStatus() : absl::UnavailableError("a backend is not ready");
}

std::vector<std::string> Backends::services() const {
  std::vector<std::string> out;
  for (const auto& [name, unused] : by_service_) out.push_back(name);
  return out;
}

}  // namespace qrcloud::gateway
