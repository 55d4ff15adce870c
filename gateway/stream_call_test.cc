// Server-streaming calls end to end in one process: a gRPC service on the
// kit's dispatcher (Dispatcher::ServerStream) behind the gateway, read over
// HTTP as a client would: newline-delimited JSON, a streamed HttpBody,
// errors before and after the first message, and a client that leaves.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gateway/gateway.h"
#include "google/api/httpbody.pb.h"
#include "libs/http/client.h"
#include "libs/rpc/dispatcher.h"
#include "libs/service/grpc_server.h"
#include "qrcloud/test/stream_test.grpc.pb.h"

namespace qrcloud::gateway {
namespace {

using qrcloud::test::BlobRequest;
using qrcloud::test::CountReply;
using qrcloud::test::CountRequest;

class StreamTestService final : public qrcloud::test::StreamTestService::CallbackService {
 public:
  explicit StreamTestService(rpc::DispatcherDeps deps)
      : dispatcher_("qrcloud.test.StreamTestService", deps) {}

  grpc::ServerWriteReactor<CountReply>* Count(grpc::CallbackServerContext* ctx,
                                              const CountRequest* req) override {
    return dispatcher_.ServerStream<CountRequest, CountReply>(
        ctx, "Count", req,
        [req](const rpc::CallContext&, rpc::StreamWriter<CountReply>& out) -> absl::Status {
          if (req->n() < 0) return absl::InvalidArgumentError("n must not be negative");
          for (int i = 1; i <= req->n(); ++i) {
            if (req->fail_after() > 0 && i > req->fail_after()) {
              return absl::UnavailableError("the backend gave up");
            }
            CountReply reply;
            reply.set_i(i);
            if (!out.Write(reply)) return absl::CancelledError("the client left");
          }
          return absl::OkStatus();
        });
  }

  grpc::ServerWriteReactor<google::api::HttpBody>* Blob(grpc::CallbackServerContext* ctx,
                                                        const BlobRequest* req) override {
    return dispatcher_.ServerStream<BlobRequest, google::api::HttpBody>(
        ctx, "Blob", req,
        [this, req](const rpc::CallContext&,
                    rpc::StreamWriter<google::api::HttpBody>& out) -> absl::Status {
          for (int i = 0; i < req->parts(); ++i) {
            if (req->fail_after() > 0 && i >= req->fail_after()) {
              return absl::InternalError("drawing failed");
            }
            google::api::HttpBody part;
            if (i == 0) part.set_content_type("application/pdf");
            part.set_data(std::string(req->part_bytes(), static_cast<char>('a' + i % 26)));
            if (!out.Write(part)) {
              absl::MutexLock lock(&mu_);
              stopped_after_ = i;
              return absl::CancelledError("the client left");
            }
          }
          return absl::OkStatus();
        });
  }

  // How many parts the Blob logic had written when a write failed.
  std::optional<int> StoppedAfter(absl::Duration patience) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(
        absl::Condition(
            +[](std::optional<int>* s) { return s->has_value(); }, &stopped_after_),
        patience);
    return stopped_after_;
  }

 private:
  rpc::Dispatcher dispatcher_;
  absl::Mutex mu_;
  std::optional<int> stopped_after_ ABSL_GUARDED_BY(mu_);
};

struct Harness {
  rpc::WorkerPool workers{4, 64};
  StreamTestService service{rpc::DispatcherDeps{&workers, nullptr, nullptr}};
  service::GrpcServer server{service::GrpcServerOptions{"127.0.0.1", 0}};
  std::unique_ptr<Gateway> gateway;

  Harness() {
    server.Register(&service, "qrcloud.test.StreamTestService");
    REQUIRE(server.Start().ok());
    GatewayOptions options;
    options.http.address = "127.0.0.1";
    options.http.port = 0;
    options.http.io_threads = 2;
    options.backends = {
        {"qrcloud.test.StreamTestService", absl::StrCat("127.0.0.1:", server.port())}};
    options.scans = false;
    auto started = Gateway::Start(options, nullptr);
    REQUIRE(started.ok());
    gateway = *std::move(started);
  }

  absl::StatusOr<http::Response> Get(const std::string& target) {
    return http::Fetch("127.0.0.1", static_cast<uint16_t>(gateway->port()), "GET", target);
  }
};

TEST_CASE("A stream of messages is newline-delimited JSON, one result a line") {
  Harness h;
  auto r = h.Get("/v1/test/count/3");
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->Header("content-type") == "application/x-ndjson");
  CHECK(r->Header("transfer-encoding") == "chunked");
  CHECK(!r->Header("x-request-id").empty());
  CHECK(r->Header("x-content-type-options") == "nosniff");
  CHECK(r->body == "{\"result\":{\"i\":1}}\n{\"result\":{\"i\":2}}\n{\"result\":{\"i\":3}}\n");
}

TEST_CASE("A stream refused before its first message answers like any call") {
  Harness h;
  auto r = h.Get("/v1/test/count/-1");
  REQUIRE(r.ok());
  CHECK(r->status == 400);
  CHECK(r->Header("content-type") == "application/json");
  CHECK(absl::StrContains(r->body, "n must not be negative"));
  CHECK(!r->Header("x-request-id").empty());
}

TEST_CASE("A stream that fails midway ends with an error line") {
  Harness h;
  auto r = h.Get("/v1/test/count/5?failAfter=2");
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(absl::StartsWith(r->body, "{\"result\":{\"i\":1}}\n{\"result\":{\"i\":2}}\n{\"error\":{"));
  CHECK(absl::StrContains(r->body, "the backend gave up"));
  CHECK(absl::EndsWith(r->body, "}\n"));
}

TEST_CASE("A streamed HttpBody is one body: the first part's type, every part in order") {
  Harness h;
  auto r = h.Get("/v1/test/blob/4?partBytes=100000");
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->Header("content-type") == "application/pdf");
  REQUIRE(r->body.size() == 400000);
  CHECK(r->body.substr(0, 3) == "aaa");
  CHECK(r->body.substr(399997) == "ddd");
  CHECK(r->body.find('c') == 200000);
}

TEST_CASE("A streamed HttpBody that fails midway is cut short, never passed off as whole") {
  Harness h;
  auto r = h.Get("/v1/test/blob/4?partBytes=1000&failAfter=2");
  // The client cannot complete the response: the last chunk never came.
  CHECK_FALSE(r.ok());
}

TEST_CASE("A client that leaves stops the backend's stream") {
  Harness h;
  {
    // Asks for 2 GB, reads the first bytes, and goes.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(h.gateway->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    const std::string request =
        "GET /v1/test/blob/2000?partBytes=1000000 HTTP/1.1\r\nHost: t\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size()));
    char buffer[65536];
    REQUIRE(::recv(fd, buffer, sizeof buffer, MSG_WAITALL) == sizeof buffer);
    ::close(fd);
  }
  std::optional<int> stopped = h.service.StoppedAfter(absl::Seconds(20));
  REQUIRE(stopped.has_value());
  CHECK(*stopped < 2000);
}

}  // namespace
}  // namespace qrcloud::gateway
