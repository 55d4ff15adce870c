#include "libs/service/registry.h"

#include <catch2/catch.hpp>

namespace qrcloud::service {
namespace {

TEST_CASE("The service list parses: columns, comments, roles") {
  auto list = ParseServiceList(
      "# name grpc metrics database roles\n"
      "center  50051 9051 qrcloud_center -   # the core\n"
      "\n"
      "audit\t50055\t9055\tqrcloud_audit\tauditor,admin\n");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].name == "center");
  CHECK((*list)[0].grpc_port == 50051);
  CHECK((*list)[0].metrics_port == 9051);
  CHECK((*list)[0].database == "qrcloud_center");
  CHECK((*list)[0].center_roles.empty());
  CHECK((*list)[1].center_roles == std::vector<std::string>{"auditor", "admin"});
}

TEST_CASE("A wrong line of the service list is refused, naming the line") {
  auto missing = ParseServiceList("center 50051 9051 qrcloud_center\n");
  REQUIRE(missing.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(missing.status().message().find("line 1") != std::string::npos);

  auto port = ParseServiceList("# x\ncenter 70000 9051 qrcloud_center -\n");
  CHECK(port.status().message().find("line 2") != std::string::npos);
  CHECK(port.status().message().find("grpc_port") != std::string::npos);

  CHECK_FALSE(ParseServiceList("Center 50051 9051 db -\n").ok());
  // Two processes may not share a port or a database.
  CHECK_FALSE(ParseServiceList("a 50051 9051 db_a -\nb 50051 9052 db_b -\n").ok());
  CHECK_FALSE(ParseServiceList("a 50051 9051 db -\nb 50052 9052 db -\n").ok());
  CHECK_FALSE(ParseServiceList("a 50051 50051 db -\n").ok());
}

TEST_CASE("An on-premise process owns no database and shares none") {
  auto list = ParseServiceList(
      "center 50051 9051 qrcloud_center -\n"
      "landing 50060 9060 on-premise -\n"
      "kiosk 50061 9061 on-premise -\n");
  REQUIRE(list.ok());
  CHECK_FALSE((*list)[0].on_premise);
  CHECK((*list)[1].on_premise);
  CHECK((*list)[1].database.empty());
  // Two on-premise processes share no database, so "on-premise" twice is fine.
  CHECK((*list)[2].on_premise);
}

TEST_CASE("The compiled-in list marks the landing node on-premise") {
  auto landing = FindProcess("landing");
  REQUIRE(landing.ok());
  CHECK(landing->on_premise);
  CHECK(landing->grpc_port == 50060);
  CHECK(landing->metrics_port == 9060);
  CHECK_FALSE(BackendAddress("landing").ok());
}

TEST_CASE("The compiled-in list holds the center and audit with their ports") {
  auto center = FindProcess("center");
  REQUIRE(center.ok());
  CHECK(center->grpc_port == 50051);
  CHECK(center->database == "qrcloud_center");
  auto audit = FindProcess("audit");
  REQUIRE(audit.ok());
  CHECK(audit->center_roles == std::vector<std::string>{"auditor"});
  auto nope = FindProcess("nope");
  CHECK(nope.status().code() == absl::StatusCode::kNotFound);
  CHECK(nope.status().message().find("center") != std::string::npos);
}

TEST_CASE("Backend addresses: explicit pairs, or the template for every listed process") {
  auto pairs = ParseBackends("center=127.0.0.1:1234, audit=10.0.0.2:50055");
  REQUIRE(pairs.ok());
  CHECK(*pairs == std::vector<std::pair<std::string, std::string>>{{"center", "127.0.0.1:1234"},
                                                                   {"audit", "10.0.0.2:50055"}});
  CHECK_FALSE(ParseBackends("centre=127.0.0.1:1").ok());
  CHECK_FALSE(ParseBackends("center=127.0.0.1").ok());
  CHECK_FALSE(ParseBackends("center=127.0.0.1:1,center=127.0.0.1:2").ok());

  ProcessInfo p;
  p.name = "center";
  p.grpc_port = 50051;
  CHECK(ExpandAddressTemplate("qrcloud-{name}:{port}", p) == "qrcloud-center:50051");

  // With no flags set: every listed process at localhost and its port.
  auto all = BackendAddresses();
  REQUIRE(all.ok());
  size_t cloud = 0;
  for (const ProcessInfo& listed : Processes()) cloud += listed.on_premise ? 0 : 1;
  CHECK(all->size() == cloud);
  for (const auto& [name, address] : *all) CHECK(!FindProcess(name)->on_premise);
  CHECK(BackendAddress("center").value() == "localhost:50051");
}

}  // namespace
}  // namespace qrcloud::service
