// qrcloud-landing: the shop's own node (patent claims 4 and 8). Guests order
// from the tables over the shop's Wi-Fi (the LAN front), the desk works the
// orders (LandingDeskService, `qrcloudctl desk`), and everything syncs to the
// center exactly once when it can be reached. No MySQL, no Redis: SQLite in
// --data_dir. See docs/landing.md.
//
//   qrcloud-landing --data_dir=/var/lib/qrcloud-landing --node_id=<id> \
//     --center=center.example.com:50051 --center_api_key_file=node-api-key
#include "absl/flags/flag.h"
#include "libs/service/host.h"
#include "services/landing/node.h"

ABSL_FLAG(std::string, node_id, "",
          "The node's id at the center (POST /v1/landing/nodes answers it)");
ABSL_FLAG(
    std::string, center, "",
    "The center's gRPC address, host:port; empty: the node keeps its records until given one");
ABSL_FLAG(int32_t, lan_port, 8090, "The LAN front's HTTP port (table pages, menu, orders)");
ABSL_FLAG(std::string, database, "landing.db", "The SQLite file, under --data_dir unless absolute");
ABSL_FLAG(std::string, receipt_key_file, "receipt-signing.key",
          "The node's own receipt signing seed, made at first start (under --data_dir)");
ABSL_FLAG(std::string, platform_public_key_file, "",
          "The platform's receipt public key (base64 of 32 bytes), to redeem cloud receipts "
          "offline; empty: cloud receipts are not redeemed here");
ABSL_FLAG(absl::Duration, config_interval, absl::Seconds(30),
          "How often the node asks the center for a newer configuration");
ABSL_FLAG(absl::Duration, pull_interval, absl::Seconds(5),
          "How often the node pulls the orders the center took for its tables");

int main(int argc, char** argv) {
  using namespace qrcloud;
  return service::Main(
      argc, argv, landing::NodeSpec([](service::Host& host) -> absl::Status {
        landing::NodeConfig config;
        config.node_id = absl::GetFlag(FLAGS_node_id);
        config.center = absl::GetFlag(FLAGS_center);
        config.api_key_file = service::DataPath(host.config(), host.config().center_api_key_file);
        config.lan_port = absl::GetFlag(FLAGS_lan_port);
        config.database = absl::GetFlag(FLAGS_database);
        config.receipt_key_file = absl::GetFlag(FLAGS_receipt_key_file);
        config.platform_public_key_file = absl::GetFlag(FLAGS_platform_public_key_file);
        config.sync.config_interval = absl::GetFlag(FLAGS_config_interval);
        config.sync.pull_interval = absl::GetFlag(FLAGS_pull_interval);
        return landing::BuildNode(host, config).status();
      }));
}
