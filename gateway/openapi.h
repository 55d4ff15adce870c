// An OpenAPI 3.0 description of the REST routes, generated from the same
// descriptors the gateway routes by, so the document cannot drift from
// what is served.
#ifndef QRCLOUD_GATEWAY_OPENAPI_H_
#define QRCLOUD_GATEWAY_OPENAPI_H_

#include <string>

#include "gateway/routes.h"

namespace qrcloud::gateway {

// The document as JSON. `server_url` goes in "servers" when not empty.
std::string OpenApiJson(const RouteTable& routes, const std::string& server_url);

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_OPENAPI_H_
