// Server-streaming RPCs over REST, generically, as grpc-gateway carries
// them: the HTTP answer is streamed (chunked) as the backend's messages
// arrive.
// - A method streaming google.api.HttpBody answers one body: the first
//   message's content type, then every message's data in order (a large
//   PDF, say).
// - Any other method answers newline-delimited JSON
//   (application/x-ndjson): {"result": <message>} per message, and, should
//   the call fail after the first, a last line {"error": <google.rpc.Status>}.
// A call that fails before its first message is answered like a unary one
// (the usual error JSON and status). A HttpBody stream that fails midway
// is cut short (the connection closes without the last chunk), so no client
// takes half a PDF for a whole one.
//
// Flow control: the next message is read from the backend only once the
// last is written to the client, so the gateway holds one message per
// stream however slow the client.
#ifndef QRCLOUD_GATEWAY_STREAM_CALL_H_
#define QRCLOUD_GATEWAY_STREAM_CALL_H_

#include <grpcpp/generic/generic_stub.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "libs/http/server.h"

namespace qrcloud::gateway {

struct StreamCallSpec {
  std::string path;  // /package.Service/Method
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string request;  // serialized
  absl::Time deadline = absl::InfiniteFuture();
  const google::protobuf::Descriptor* output = nullptr;
  // Added to every HTTP answer (the request id and the security headers).
  http::HeaderList extra_headers;
};

// Starts the call; it answers through `respond` and cleans up after itself.
void StartStreamCall(grpc::GenericStub& stub, StreamCallSpec spec, http::Responder respond);

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_STREAM_CALL_H_
