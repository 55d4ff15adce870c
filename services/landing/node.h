// qrcloud-landing's wiring on the service kit: its SQLite database in
// --data_dir, the order book on it, the logic, the sync with the center, the
// LAN front and the gRPC services. main.cc turns flags into NodeConfig; tests
// build a node in-process the same way.
#ifndef QRCLOUD_SERVICES_LANDING_NODE_H_
#define QRCLOUD_SERVICES_LANDING_NODE_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/service/host.h"
#include "services/landing/sync.h"

namespace qrcloud::landing {

struct NodeConfig {
  // The node's id at the center (RegisterNode's answer).
  std::string node_id;
  // The center's gRPC address (host:port), and the file holding the node's
  // API key; the center is not called when `center` is empty.
  std::string center;
  std::string api_key_file;
  // The LAN front's port (0: any free one).
  int lan_port = 8090;
  // Files under --data_dir unless absolute.
  std::string database = "landing.db";
  std::string receipt_key_file = "receipt-signing.key";
  // The platform's receipt public key (base64 of its 32 bytes); "" to
  // redeem no cloud receipts.
  std::string platform_public_key_file;
  SyncOptions sync;
  absl::Duration sync_interval = absl::Milliseconds(200);
  // A link to the center to use instead of gRPC (tests).
  CenterLink* center_link = nullptr;
};

// The node's spec for service::Main (store of its own, the desk token).
service::ServiceSpec NodeSpec(std::function<absl::Status(service::Host&)> build);

// Builds the node on `host`. The objects live as long as the host.
struct Node {
  NodeLogic* logic = nullptr;
  Syncer* sync = nullptr;
  NodeStore* store = nullptr;
};
absl::StatusOr<Node> BuildNode(service::Host& host, const NodeConfig& config);

}  // namespace qrcloud::landing

#endif  // QRCLOUD_SERVICES_LANDING_NODE_H_
