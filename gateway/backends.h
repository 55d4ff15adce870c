// The gRPC services behind the gateway: which address serves which service,
// the channels to them, and their health.
#ifndef QRCLOUD_GATEWAY_BACKENDS_H_
#define QRCLOUD_GATEWAY_BACKENDS_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace qrcloud::gateway {

class Backends {
 public:
  // `channels_per_backend` HTTP/2 connections per address, used in turn, so
  // one connection's flow control does not cap throughput.
  explicit Backends(int channels_per_backend = 4) : channels_per_backend_(channels_per_backend) {}

  // Routes calls for `service` (full name) to `address` (host:port).
  void Add(const std::string& service, const std::string& address);

  // The stub for a service's backend, or null if none serves it.
  grpc::GenericStub* StubFor(absl::string_view service);

  // Checks each backend's readiness (health service "qrcloud.ready").
  // Returns per-address verdicts; OK only if all are ready.
  absl::Status CheckReady(absl::Duration timeout, std::map<std::string, std::string>* verdicts);

  std::vector<std::string> services() const;

 private:
  struct Backend {
    std::string address;
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
    std::atomic<size_t> next{0};
  };
  int channels_per_backend_;
  std::map<std::string, std::unique_ptr<Backend>> by_address_;
  std::map<std::string, Backend*, std::less<>> by_service_;
};

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_BACKENDS_H_
