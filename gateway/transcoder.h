// REST ↔ gRPC transcoding for a matched route, following google.api.http:
// the request message is built from the JSON body (all of it or one field),
// then the path variables, then the query parameters; the response message is
// rendered as protobuf JSON, or sent raw when it is a google.api.HttpBody.
#ifndef QRCLOUD_GATEWAY_TRANSCODER_H_
#define QRCLOUD_GATEWAY_TRANSCODER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/routes.h"
#include "google/protobuf/message.h"

namespace qrcloud::gateway {

// INVALID_ARGUMENT naming the field (or parameter) for anything that does not
// fit the request message: malformed JSON, a wrong type, an unknown field or
// enum value, an unknown query parameter.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(const RouteMatch& match,
                                                                        absl::string_view query,
                                                                        absl::string_view body);

struct HttpPayload {
  std::string content_type;
  std::string body;
};

// Renders the serialized response of type `type` for HTTP: the body of a
// google.api.HttpBody as it is, anything else as JSON.
absl::StatusOr<HttpPayload> RenderResponse(const google::protobuf::Descriptor* type,
                                           absl::string_view serialized);

// A status as the JSON of google.rpc.Status: {"code":3,"message":"…","details":[…]}.
std::string StatusJson(const absl::Status& status);

// Sets the field at `path` (dotted; proto or JSON names) of `message` from
// text, as for path variables and query parameters. `source` names it in
// errors ("query parameter", "path variable").
absl::Status SetFieldFromText(google::protobuf::Message* message, absl::string_view path,
                              absl::string_view value, absl::string_view source);

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_TRANSCODER_H_
