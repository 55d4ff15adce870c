// The REST routes of the services the gateway fronts, read from the
// google.api.http options in their descriptors. No route is written by hand.
#ifndef QRCLOUD_GATEWAY_ROUTES_H_
#define QRCLOUD_GATEWAY_ROUTES_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"
#include "google/protobuf/descriptor.h"

namespace qrcloud::gateway {

struct Route {
  std::string http_method;  // GET, POST, PUT, PATCH, DELETE
  PathTemplate path;
  const google::protobuf::MethodDescriptor* method;
  // "" (no body), "*" (the whole request), or a top-level field name.
  std::string body;
  // The gRPC method path, "/qrcloud.v1.MerchantService/GetMerchant".
  std::string grpc_path;
};

struct RouteMatch {
  const Route* route;
  PathTemplate::Bindings bindings;
};

class RouteTable {
 public:
  // Routes of every method of the named services (full names) found in the
  // generated descriptor pool, including additional_bindings. An error for a
  // service that is not linked in, or a template that does not parse.
  static absl::StatusOr<RouteTable> ForServices(const std::vector<std::string>& services);

  enum class Miss { kNone, kNotFound, kMethodNotAllowed };
  // The most specific route for method and path. On a miss, `miss` says
  // whether the path is unknown (404) or known for other methods (405), and
  // `allowed` lists those methods.
  std::optional<RouteMatch> Find(absl::string_view http_method, absl::string_view path, Miss* miss,
                                 std::vector<std::string>* allowed) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

  // Moves the routes `remove` picks out of this table into the returned one
  // (keeping their order).
  RouteTable Extract(const std::function<bool(const Route&)>& remove);

 private:
  std::vector<std::unique_ptr<Route>> routes_;  // most specific first
};

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_ROUTES_H_
