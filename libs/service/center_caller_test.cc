// CenterCaller against a fake center on a free port: the key goes with every
// call, and a refused key is read again from its file once.
#include "libs/service/center_caller.h"

#include <catch2/catch.hpp>

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "qrcloud/v1/merchant.grpc.pb.h"

namespace qrcloud::service {
namespace {

// Answers GetMerchant to the key `expected` only.
class FakeMerchants final : public v1::MerchantService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetMerchant(grpc::CallbackServerContext* ctx,
                                        const v1::GetMerchantRequest* req,
                                        v1::Merchant* resp) override {
    ++calls;
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    auto it = ctx->client_metadata().find("authorization");
    const std::string auth =
        it == ctx->client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
    if (auth != "Bearer " + expected) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown key"));
      return reactor;
    }
    resp->set_id(req->id());
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::string expected;
  std::atomic<int> calls{0};
};

void WriteKey(const std::string& path, const std::string& key) {
  std::ofstream(path) << key << "\n";
}

TEST_CASE("The center is called with the key, read again from its file when refused") {
  FakeMerchants center;
  center.expected = "qrk_new";
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&center);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  REQUIRE(port > 0);

  const std::string key_file =
      (std::filesystem::temp_directory_path() / ("center-key-" + core::NewId())).string();
  WriteKey(key_file, "qrk_old");
  auto caller = CenterCaller::Create(absl::StrCat("127.0.0.1:", port), key_file);
  REQUIRE(caller.ok());
  auto stub = v1::MerchantService::NewStub((*caller)->channel());
  v1::GetMerchantRequest req;
  req.set_id("m1");
  v1::Merchant merchant;
  const auto get = [&](grpc::ClientContext& ctx) {
    return stub->GetMerchant(&ctx, req, &merchant);
  };

  // The old key is refused twice (as sent, and as read again): the caller
  // hears UNAUTHENTICATED.
  CHECK((*caller)->Call(get).code() == absl::StatusCode::kUnauthenticated);
  CHECK(center.calls == 2);
  // A rotated key is picked up by the next refused call, without a restart.
  WriteKey(key_file, "qrk_new");
  REQUIRE((*caller)->Call(get).ok());
  CHECK(merchant.id() == "m1");
  CHECK(center.calls == 4);
  REQUIRE((*caller)->Call(get).ok());
  CHECK(center.calls == 5);  // the new key kept: one call

  server->Shutdown();
  std::filesystem::remove(key_file);
}

TEST_CASE("A caller without a readable key file is refused at start, saying how to make one") {
  auto caller = CenterCaller::Create("127.0.0.1:1", "/nonexistent/center-key");
  REQUIRE_FALSE(caller.ok());
  CHECK(caller.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(caller.status().message()).find("ensure-service-account") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::service
