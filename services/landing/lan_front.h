// The node's HTTP front on the shop LAN (served by the kit: Host::ServeHttp,
// on the host's bounded worker pool): the table page a guest's phone opens
// from the sticker, the menu, table orders, the sync status for the desk,
// and the desk's own page (`/desk`: the orders as they come, each step a
// button; its calls carry the desk token). JSON as the gateway's (protobuf's mapping,
// lowerCamelCase; unknown fields refused); errors are google.rpc.Status JSON with the HTTP status
// of google/rpc/code.proto. Routes: docs/api.md, "The landing node's LAN routes".
#ifndef QRCLOUD_SERVICES_LANDING_LAN_FRONT_H_
#define QRCLOUD_SERVICES_LANDING_LAN_FRONT_H_

#include <functional>
#include <string>
#include <string_view>

#include "libs/auth/authenticator.h"
#include "libs/http/http_types.h"
#include "qrcloud/v1/landing.pb.h"
#include "services/landing/node_logic.h"

namespace qrcloud::landing {

class LanFront {
 public:
  LanFront(NodeLogic& logic, auth::Authenticator& desk, std::function<v1::SyncStatus()> sync_status)
      : logic_(logic), desk_(desk), sync_status_(std::move(sync_status)) {}

  http::Response Handle(const http::Request& req);

  // What the server answers for errors it finds itself (a body over the
  // limit, a malformed request): the same JSON shape.
  static http::Response ServerError(int status, std::string_view message);

 private:
  http::Response TablePage(const std::string& table, const std::string& token);
  http::Response PlaceOrder(const http::Request& req, const std::string& table,
                            const std::string& query_token);
  // OK when the request carries the desk token (401 otherwise).
  absl::Status RequireDesk(const http::Request& req);
  // /v1/desk/orders and /v1/desk/orders/{id}:{accept|reject|paid|settle},
  // with the desk token.
  http::Response Desk(const http::Request& req, absl::string_view rest);

  NodeLogic& logic_;
  auth::Authenticator& desk_;
  std::function<v1::SyncStatus()> sync_status_;
};

// The table page: a phone's menu and cart for `table` (HTML, its script
// inline; the menu is embedded as JSON).
std::string RenderTablePage(const v1::LandingTable& table, const v1::Menu& menu,
                            const std::string& token);

// The desk page: static (no data, no token); its script asks for the desk
// token once (kept for the browser tab only) and polls the desk routes.
std::string RenderDeskPage();

}  // namespace qrcloud::landing

#endif  // QRCLOUD_SERVICES_LANDING_LAN_FRONT_H_
