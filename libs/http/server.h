// The HTTP/1.1 server in front of the REST gateway and the landing node, on
// Boost.Beast: keep-alive connections served one request at a time (pipelined
// requests are answered in order), bounded header and body sizes, per-phase
// timeouts, graceful shutdown, and request metrics (http_requests_total,
// http_request_duration_seconds, http_open_connections,
// http_connections_total).
//
// Handlers run on the server's io threads and may answer at once or later,
// from any thread, through the Responder they are given:
//
//   Server server(options, [](Request&& req, Responder respond) {
//     respond({.status = 200, .body = "hello"});
//   });
//   absl::Status s = server.Start();
#ifndef QRCLOUD_LIBS_HTTP_SERVER_H_
#define QRCLOUD_LIBS_HTTP_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/http/http_types.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace qrcloud::http {

namespace internal {
class Connection;
class ServerState;
}  // namespace internal

// The body of a streamed response (Responder::Stream), sent in parts as
// they are produced: a large file, or events as they happen. HTTP/1.1 gets
// chunked transfer coding and keeps the connection; HTTP/1.0 gets a body
// that ends when the connection closes. Move-only; any thread.
//
// Flow control is the producer's: Write one part, and write the next when
// `written` says the socket took it. So a slow client slows the producer
// instead of growing a buffer here.
class BodyStream {
 public:
  BodyStream() = default;  // a stream that is already ended
  BodyStream(BodyStream&& other) noexcept;
  BodyStream& operator=(BodyStream&& other) noexcept;
  BodyStream(const BodyStream&) = delete;
  BodyStream& operator=(const BodyStream&) = delete;
  // Abort() if neither Finish() nor Abort() was called.
  ~BodyStream();

  // Sends `data`, then runs `written(true)` on an io thread once the socket
  // took it (each part has the server's write timeout), or `written(false)`
  // when it never will: the client left, the write timed out, the stream
  // ended, or the server stopped. At most one Write outstanding; an empty
  // `data` sends nothing and reports at once.
  void Write(std::string data, std::function<void(bool ok)> written);
  // Ends the body; the connection goes on to its next request.
  void Finish();
  // Ends the body as failed: the connection closes without the terminating
  // chunk, so the client sees a truncated response rather than a complete
  // one that is wrong.
  void Abort();

 private:
  friend class Responder;
  explicit BodyStream(std::shared_ptr<internal::Connection> connection);

  std::shared_ptr<internal::Connection> connection_;  // null once ended
};

// Sends the response to one request. Move-only; call it exactly once (a
// second call is a bug and asserts), from any thread, possibly after the
// handler has returned. If it is destroyed without being called, the client
// gets a 500. Once the server has shut down, calling it does nothing.
class Responder {
 public:
  Responder(Responder&& other) noexcept;
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void operator()(Response&& response);

  // Answers with `head` (status and headers; its body must be empty) and
  // returns the stream its body is written to. Counts as the call.
  BodyStream Stream(Response&& head);

 private:
  friend class internal::Connection;
  explicit Responder(std::shared_ptr<internal::Connection> connection);

  std::shared_ptr<internal::Connection> connection_;  // null once used
};

using Handler = std::function<void(Request&& req, Responder respond)>;

struct ServerOptions {
  std::string address = "0.0.0.0";  // an IP address, not a host name
  uint16_t port = 0;                // 0 = pick a free port; Server::port() tells which
  // Threads running one io_context. Handlers run on them and may block
  // briefly; anything slow belongs on another thread, answering through the
  // Responder.
  int io_threads = 4;
  size_t max_header_bytes = 16 * 1024;  // request line and headers
  size_t max_body_bytes = 1024 * 1024;  // after de-chunking
  // To read one whole request once its first byte arrived. A new connection
  // must also send its first byte within this time. Timeouts are checked
  // every quarter of the shortest one (but at least every 100 ms and at most
  // every 10 ms), so a connection is closed up to that much after its time.
  absl::Duration read_timeout = absl::Seconds(30);
  absl::Duration idle_timeout = absl::Seconds(75);  // keep-alive wait between requests
  absl::Duration write_timeout = absl::Seconds(30);
  // Connections beyond this are answered 503 and closed.
  size_t max_connections = 10000;
  // Builds the response for errors the server detects itself: 400 (malformed
  // request, body over the limit), 431 (headers over the limit), 500 (the
  // handler dropped its Responder), 503 (too many connections). `message`
  // says what was wrong and what is accepted. Runs on an io thread.
  // Default: a text/plain body holding `message`.
  std::function<Response(int http_status, std::string_view message)> error_response;
  std::string server_header = "qrcloud";  // value of the Server header; "" = none
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Shutdown(absl::ZeroDuration()) if still running.
  ~Server();

  // Binds, listens and starts the io threads. Fails, with a message naming
  // address:port, if the address cannot be bound. Call at most once.
  absl::Status Start();

  // The bound port; valid after a successful Start().
  uint16_t port() const;

  // The io_context the io threads run, for clients that should answer on
  // them (the gateway's backend connections). Their work must end in
  // Shutdown's `before_join`.
  boost::asio::io_context& io_context();

  // Graceful: stops accepting (new connections are refused), closes idle
  // keep-alive connections at once, lets requests in flight finish and their
  // responses be written (with Connection: close) for up to `grace`, then
  // force-closes the rest and joins the io threads. Idempotent; must not race
  // with Start(), and must not be called from a handler (it joins the thread
  // the handler runs on). `before_join`, if given, runs once the HTTP
  // connections are closed and before the io threads are joined: the place
  // to end other work on io_context(), without which the threads never run
  // out of work.
  void Shutdown(absl::Duration grace, const std::function<void()>& before_join = nullptr);

 private:
  std::shared_ptr<internal::ServerState> state_;
};

}  // namespace qrcloud::http

#endif  // QRCLOUD_LIBS_HTTP_SERVER_H_
