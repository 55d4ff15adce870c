// The status line and header block of a response, written straight into a
// string the server reuses, instead of building a Beast message and running
// its serializer for every response. Not part of the public API.
#ifndef QRCLOUD_LIBS_HTTP_INTERNAL_RESPONSE_HEAD_H_
#define QRCLOUD_LIBS_HTTP_INTERNAL_RESPONSE_HEAD_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "libs/http/http_types.h"

namespace qrcloud::http::internal {

// True if `headers` hold a Connection field whose value is "close" (any case).
bool AsksToClose(const HeaderList& headers);

// How the server frames one response; the handler's headers do not decide it.
struct ResponseFraming {
  unsigned version = 11;                 // of the request: 10 for HTTP/1.0, 11 for HTTP/1.1
  bool keep_alive = true;                // whether the connection stays open after this response
  std::string_view server;               // Server field unless the headers hold one; "" = none
  std::optional<size_t> content_length;  // nullopt: no Content-Length field
  bool chunked = false;                  // Transfer-Encoding: chunked (HTTP/1.1 only)
};

// Appends to `*out` the head of a response with `status` (100..599) and
// `headers`: the status line, the fields, and the blank line ending them.
// Framing is the server's business, so the handler's Content-Length,
// Transfer-Encoding and Connection fields are left out, and Server,
// Connection (as `framing.version` needs it to say `framing.keep_alive`) and
// Content-Length are added after the handler's fields. Fields sharing a name
// are written together, in order of the name's first appearance; values lose
// surrounding spaces and tabs. The bytes are those Beast 1.74 serializes for
// the same response, which response_head_test.cc checks.
void AppendResponseHead(int status, const HeaderList& headers, const ResponseFraming& framing,
                        std::string* out);

}  // namespace qrcloud::http::internal

#endif  // QRCLOUD_LIBS_HTTP_INTERNAL_RESPONSE_HEAD_H_
