// For the node's tests: a host as qrcloud-landing makes it (a store of its
// own, no MySQL, no Redis) on a fresh temporary data dir, and a node built
// on it with `config` (a random node id, an ephemeral LAN port).
#ifndef QRCLOUD_SERVICES_LANDING_TEST_NODE_HOST_H_
#define QRCLOUD_SERVICES_LANDING_TEST_NODE_HOST_H_

#include <stdlib.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "libs/core/ids.h"
#include "libs/service/host.h"
#include "services/landing/node.h"

namespace qrcloud::landing {

struct TestHost {
  std::string dir;
  std::unique_ptr<service::Host> host;
  Node node;
};

// `prefix` names the temporary dir; `max_queue` and `max_streams` bound the
// host's workers as the test needs.
inline TestHost StartTestHost(const std::string& prefix, int max_queue, int max_streams,
                              NodeConfig config = {}) {
  TestHost t;
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  t.dir = pattern;
  service::ServiceConfig sc;
  sc.name = "landing";
  sc.listen_address = "127.0.0.1";
  sc.workers = 4;
  sc.max_queue = max_queue;
  sc.max_streams = max_streams;
  sc.data_dir = t.dir;
  auto connected = service::Host::Connect(NodeSpec(nullptr), sc);
  REQUIRE(connected.ok());
  t.host = *std::move(connected);
  config.node_id = core::NewId();
  config.lan_port = 0;
  auto built = BuildNode(*t.host, config);
  INFO(built.status());
  REQUIRE(built.ok());
  t.node = *built;
  return t;
}

}  // namespace qrcloud::landing

#endif  // QRCLOUD_SERVICES_LANDING_TEST_NODE_HOST_H_
