#include "services/landing/node.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
#include "libs/core/receipt_token.h"
#include "libs/core/status.h"
#include "libs/ordering/payment.h"
#include "services/landing/lan_front.h"
#include "services/landing/node_services.h"

namespace qrcloud::landing {
namespace {

absl::StatusOr<std::string> FirstLine(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, " cannot be read"));
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

// The node's own receipt signing seed (base64 of 32 bytes), made 0600 at
// first start.
absl::StatusOr<std::string> LoadOrCreateSeed(const std::string& path) {
  auto text = FirstLine(path);
  if (text.ok()) {
    std::string seed;
    if (!absl::Base64Unescape(*text, &seed) || seed.size() != 32) {
      return absl::InvalidArgumentError(absl::StrCat(path, " does not hold a base64 32-byte seed"));
    }
    return seed;
  }
  const std::string seed = core::ReceiptSigner::NewSeed();
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot create ", path));
  const std::string line = absl::StrCat(absl::Base64Escape(seed), "\n");
  const bool ok =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return seed;
}

// A node started without --center: it serves the shop and keeps its records.
class NoCenter final : public CenterLink {
 public:
  absl::StatusOr<v1::PullNodeConfigResponse> PullConfig(const v1::PullNodeConfigRequest&) override {
    return Missing();
  }
  absl::StatusOr<v1::SyncOrdersResponse> Sync(const v1::SyncOrdersRequest&) override {
    return Missing();
  }
  absl::StatusOr<v1::PullOrdersResponse> PullOrders(const v1::PullOrdersRequest&) override {
    return Missing();
  }
  absl::StatusOr<v1::LandingConfig> UpdateMenu(const v1::UpdateNodeMenuRequest&) override {
    return Missing();
  }

 private:
  static absl::Status Missing() {
    return absl::UnavailableError("no center configured (--center): records wait here");
  }
};

// The platform's receipt public key from a file holding base64 of its 32
// bytes.
absl::StatusOr<std::string> LoadPublicKey(const std::string& path) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string text, FirstLine(path));
  std::string bytes;
  if (!absl::Base64Unescape(text, &bytes) || bytes.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " does not hold the platform's receipt key (base64 of 32 bytes)"));
  }
  return bytes;
}

}  // namespace

service::ServiceSpec NodeSpec(std::function<absl::Status(service::Host&)> build) {
  service::ServiceSpec spec;
  spec.name = "landing";
  spec.usage = "qrcloud-landing --node_id=<id> --center=<host:port> [flags]";
  spec.store = service::ServiceSpec::Store::kOwn;
  spec.local_token_file = "desk-token";
  auth::Principal desk;
  desk.account_id = "desk";
  desk.kind = "STAFF";
  desk.Grant(auth::Role::kMerchantStaff);
  spec.local_principal = desk;
  spec.build = std::move(build);
  return spec;
}

absl::StatusOr<Node> BuildNode(service::Host& host, const NodeConfig& config) {
  if (!config.node_id.empty() && !core::IdToBytes(config.node_id).ok()) {
    return absl::InvalidArgumentError(
        "--node_id: must be the node's id from RegisterNode (a ULID)");
  }
  const service::ServiceConfig& sc = host.config();
  QRCLOUD_ASSIGN_OR_RETURN(auto db_owned,
                           store::SqliteDb::Open(service::DataPath(sc, config.database)));
  store::SqliteDb& db = host.Own(std::move(db_owned));
  QRCLOUD_ASSIGN_OR_RETURN(auto sqlite_orders, ordering::SqliteOrderStore::Open(db));
  ordering::SqliteOrderStore& rules_store = host.Own(std::move(sqlite_orders));
  QRCLOUD_ASSIGN_OR_RETURN(auto node_owned, NodeStore::Open(db));
  NodeStore& node = host.Own(std::move(node_owned));
  LandingOrderStore& orders = host.Own(std::make_unique<LandingOrderStore>(rules_store, node, db));

  QRCLOUD_ASSIGN_OR_RETURN(std::string seed,
                           LoadOrCreateSeed(service::DataPath(sc, config.receipt_key_file)));
  QRCLOUD_ASSIGN_OR_RETURN(core::ReceiptSigner signer, core::ReceiptSigner::FromSeed(seed));
  auto& kept_signer = host.Own(std::make_unique<core::ReceiptSigner>(signer));
  auto& payments = host.Own(std::make_unique<ordering::PayAtShop>());
  auto& book = host.Own(std::make_unique<ordering::OrderBook>(
      db, orders, kept_signer, payments, host.clock(),
      ordering::OrderBookOptions{.source = v1::Order::LANDING}));

  NodeOptions options{.node_id = config.node_id};
  if (!config.platform_public_key_file.empty()) {
    QRCLOUD_ASSIGN_OR_RETURN(options.platform_public_key,
                             LoadPublicKey(service::DataPath(sc, config.platform_public_key_file)));
  }
  auto& logic =
      host.Own(std::make_unique<NodeLogic>(node, orders, book, host.clock(), std::move(options)));
  QRCLOUD_RETURN_IF_ERROR(logic.Load());

  CenterLink* center = config.center_link;
  if (center == nullptr && !config.center.empty()) {
    if (config.node_id.empty()) {
      return absl::InvalidArgumentError("--node_id is required with --center");
    }
    QRCLOUD_ASSIGN_OR_RETURN(
        auto link, GrpcCenterLink::Create(config.center, config.api_key_file, absl::Seconds(10)));
    center = &host.Own(std::move(link));
  }
  if (center == nullptr) {
    spdlog::warn("landing: no --center: the node keeps its records until it has one");
    center = &host.Own(std::make_unique<NoCenter>());
  }
  auto& sync = host.Own(std::make_unique<Syncer>(logic, node, *center, host.clock(), config.sync));
  QRCLOUD_RETURN_IF_ERROR(sync.Start());
  host.AddLoop({.name = "landing sync", .interval = config.sync_interval},
               [&sync] { return sync.Round(); });

  host.AddReadinessCheck("sqlite", [&db] {
    return db.Read([](store::SqliteConnection& conn) { return conn.Query("SELECT 1").status(); });
  });
  auto& front = host.Own(
      std::make_unique<LanFront>(logic, host.authenticator(), [&sync] { return sync.Status(); }));
  QRCLOUD_RETURN_IF_ERROR(
      host.ServeHttp({.name = "LAN",
                      .port = config.lan_port,
                      .max_body_bytes = kMaxBodyBytes,
                      .max_connections = 512,
                      .io_threads = 2,
                      .error_response = &LanFront::ServerError},
                     [&front](const http::Request& r) { return front.Handle(r); }));
  auto& node_api = host.Own(std::make_unique<NodeServiceImpl>(logic, sync, host.dispatcher_deps()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::LandingNodeService>(node_api));
  auto& desk_api =
      host.Own(std::make_unique<DeskServiceImpl>(logic, sync, node, host.dispatcher_deps()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::LandingDeskService>(desk_api));
  return Node{&logic, &sync, &node};
}

}  // namespace qrcloud::landing
