// The HTTP/1.1 request and response values that the server hands to handlers
// and that the client returns. Plain data: no Beast types leak out of
// libs/http.
#ifndef QRCLOUD_LIBS_HTTP_HTTP_TYPES_H_
#define QRCLOUD_LIBS_HTTP_HTTP_TYPES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qrcloud::http {

// Header fields in the order they were sent. Names of received headers are
// lower-cased; values are as sent. A name may repeat (e.g. set-cookie).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `lower_name` (which must be lower-case),
// or "" if there is none.
inline std::string_view FindHeader(const HeaderList& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

struct Request {
  std::string method;          // "GET", "POST", ... as sent
  std::string target;          // raw request-target, e.g. "/v1/x/abc?q=1"
  std::string path;            // target before '?', still percent-encoded
  std::string query;           // after '?', without it ("" if none)
  HeaderList headers;          // names lower-cased
  std::string body;            // chunked bodies arrive reassembled
  std::string remote_address;  // peer IP as text
  uint16_t remote_port = 0;    // peer TCP port; equal for requests on one connection
  int version = 11;            // 10 or 11

  // The first header named `lower_name`, or "" if absent.
  std::string_view Header(std::string_view lower_name) const {
    return FindHeader(headers, lower_name);
  }
};

struct Response {
  int status = 200;    // 100..599; anything else is answered as 500
  HeaderList headers;  // e.g. {"content-type", "application/json"}
  std::string body;

  // The first header named `lower_name`, or "" if absent. Headers of a
  // response returned by the client have lower-case names.
  std::string_view Header(std::string_view lower_name) const {
    return FindHeader(headers, lower_name);
  }
};

}  // namespace qrcloud::http

#endif  // QRCLOUD_LIBS_HTTP_HTTP_TYPES_H_
