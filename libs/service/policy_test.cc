#include "libs/service/policy.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.pb.h"
#include "libs/service/registry.h"
#include "qrcloud/v1/options.pb.h"

namespace qrcloud::service {
namespace {

// ContractServices() links every contract (the index protos/CMakeLists.txt
// generates from the protos' glob), so a method added to any proto without a
// policy fails here, and a server would refuse to start with it.
TEST_CASE("Every method of every contract has a subsystem, an auth and a process") {
  const auto services = ContractServices();
  REQUIRE(services.size() >= 14);
  std::vector<std::string> problems;
  int methods = 0;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      ++methods;
      auto policy = PolicyOf(*service->method(i));
      if (!policy.ok()) problems.emplace_back(policy.status().message());
    }
  }
  INFO(absl::StrJoin(problems, "\n"));
  CHECK(problems.empty());
  CHECK(methods >= 90);
}

// What the test above would meet in a proto whose author forgot the policy:
// a contract built on the fly, as protoc would build it.
TEST_CASE("A method without a subsystem or an auth is refused, naming what is missing") {
  google::protobuf::FileDescriptorProto file;
  file.set_name("test/unclassified.proto");
  file.set_package("test");
  file.add_dependency("qrcloud/v1/options.proto");
  auto* message = file.add_message_type();
  message->set_name("Empty");
  auto* service = file.add_service();
  service->set_name("ForgottenService");
  auto* method = service->add_method();
  method->set_name("Forgotten");
  method->set_input_type(".test.Empty");
  method->set_output_type(".test.Empty");
  auto* half = service->add_method();
  half->set_name("HalfDone");
  half->set_input_type(".test.Empty");
  half->set_output_type(".test.Empty");
  half->mutable_options()->MutableExtension(v1::method_policy)->set_subsystem(v1::Policy::AGENT);
  service->mutable_options()->MutableExtension(v1::service_policy)->set_process("center");

  google::protobuf::DescriptorPool pool(google::protobuf::DescriptorPool::generated_pool());
  const auto* built = pool.BuildFile(file);
  REQUIRE(built != nullptr);
  auto forgotten = PolicyOf(*built->service(0)->method(0));
  CHECK(forgotten.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(forgotten.status().message().find("test.ForgottenService.Forgotten has no subsystem") !=
        std::string::npos);
  auto half_done = PolicyOf(*built->service(0)->method(1));
  CHECK(half_done.status().message().find("has no auth") != std::string::npos);
  // Given the auth, the method is classified.
  half->mutable_options()->MutableExtension(v1::method_policy)->set_auth(v1::Policy::REQUIRED);
  file.set_name("test/classified.proto");
  file.set_package("test2");
  message->set_name("Empty");
  method->set_input_type(".test2.Empty");
  method->set_output_type(".test2.Empty");
  half->set_input_type(".test2.Empty");
  half->set_output_type(".test2.Empty");
  const auto* fixed = pool.BuildFile(file);
  REQUIRE(fixed != nullptr);
  auto classified = PolicyOf(*fixed->service(0)->method(1));
  REQUIRE(classified.ok());
  CHECK(classified->subsystem == core::Subsystem::kAgent);
}

TEST_CASE("Every listed process serves a contract") {
  for (const ProcessInfo& p : Processes()) {
    int served = 0;
    for (const auto* service : ContractServices()) {
      auto process = ProcessOf(*service);
      if (process.ok() && *process == p.name) ++served;
    }
    INFO(p.name);
    CHECK(served > 0);
  }
}

TEST_CASE("A method takes its service's policy unless it declares its own") {
  auto create = PolicyOf("qrcloud.v1.OrderService/CreateOrder");
  REQUIRE(create.ok());
  CHECK(create->process == "center");
  CHECK(create->subsystem == core::Subsystem::kPersonalFront);
  CHECK(create->auth == Auth::kRequired);

  auto redeem = PolicyOf("/qrcloud.v1.OrderService/RedeemReceipt");
  REQUIRE(redeem.ok());
  CHECK(redeem->subsystem == core::Subsystem::kMerchantFront);

  // The platform's own methods belong to no switchable subsystem.
  auto get = PolicyOf("qrcloud.v1.OrderService/GetOrder");
  REQUIRE(get.ok());
  CHECK_FALSE(get->subsystem.has_value());

  auto sign_in = PolicyOf("qrcloud.v1.AuthService/CreateSession");
  REQUIRE(sign_in.ok());
  CHECK(sign_in->auth == Auth::kOptional);
  CHECK_FALSE(sign_in->subsystem.has_value());

  auto tasks = PolicyOf("qrcloud.v1.AuditService/ListTasks");
  REQUIRE(tasks.ok());
  CHECK(tasks->process == "audit");

  // Whole services of a subsystem, the landing node's included.
  CHECK(PolicyOf("qrcloud.v1.LandingNodeService/GetMenu")->subsystem == core::Subsystem::kLanding);
  CHECK(PolicyOf("qrcloud.v1.AgentService/Apply")->subsystem == core::Subsystem::kAgent);
  CHECK(PolicyOf("qrcloud.v1.LandingAdminService/SyncOrders")->auth == Auth::kApiKey);
}

TEST_CASE("An unknown method is not found, and a prefix of a name is not the method") {
  CHECK(PolicyOf("qrcloud.v1.OrderService/CreateOrderX").status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(PolicyOf("qrcloud.v1.NoService/Get").status().code() == absl::StatusCode::kNotFound);
  CHECK(PolicyOf("nonsense").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("With no flag set nothing is switched off") {
  auto policy = PolicyOf("qrcloud.v1.AgentService/Apply");
  REQUIRE(policy.ok());
  CHECK(CheckEnabled(*policy).ok());
}

}  // namespace
}  // namespace qrcloud::service
