// A small blocking HTTP/1.1 client for tests, tools and benchmarks: one
// keep-alive connection to one host:port, on Boost.Beast. Not meant for
// production traffic (no TLS, no pooling, no redirects).
#ifndef QRCLOUD_LIBS_HTTP_CLIENT_H_
#define QRCLOUD_LIBS_HTTP_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/http/http_types.h"

namespace qrcloud::http {

struct ClientOptions {
  // For each step of a request: connecting, sending it, receiving the response.
  absl::Duration timeout = absl::Seconds(10);
};

// One keep-alive connection to host:port, opened on first use and reopened
// when the server closed it. Not thread-safe: use one Client per thread.
class Client {
 public:
  Client(std::string host, uint16_t port, ClientOptions options = {});
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  // Sends one request and waits for its response. Adds Host (unless given)
  // and Content-Length; the body is always sent with Content-Length. Response
  // header names are lower-cased. A request on a reused connection that the
  // server had already closed is retried once on a new connection.
  //
  // Errors: Unavailable (naming host:port) if the connection cannot be made
  // or breaks, DeadlineExceeded if a step takes longer than the timeout,
  // Internal if the response is not valid HTTP.
  absl::StatusOr<Response> Send(std::string_view method, std::string_view target,
                                const HeaderList& headers = {}, std::string_view body = {});

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection, closed afterwards.
absl::StatusOr<Response> Fetch(std::string_view host, uint16_t port, std::string_view method,
                               std::string_view target, const HeaderList& headers = {},
                               std::string_view body = {});

}  // namespace qrcloud::http

#endif  // QRCLOUD_LIBS_HTTP_CLIENT_H_
