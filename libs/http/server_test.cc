#include "libs/http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "libs/core/metrics.h"
#include "libs/http/client.h"

namespace qrcloud::http {
namespace {

constexpr absl::Duration kPatience = absl::Seconds(10);  // for things that should be quick

ServerOptions LocalOptions() {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.io_threads = 2;
  return options;
}

// Echoes "<method> <path> <query> <body>" and the x-test header back.
void Echo(Request&& req, Responder respond) {
  Response r;
  r.headers = {{"content-type", "text/plain"}, {"x-test", std::string(req.Header("x-test"))}};
  r.body = absl::StrCat(req.method, " ", req.path, " ", req.query, " ", req.body);
  respond(std::move(r));
}

// Polls `done` until it holds or `limit` passes; true if it held.
bool WaitFor(const std::function<bool()>& done, absl::Duration limit = kPatience) {
  const absl::Time deadline = absl::Now() + limit;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

// A response as seen on the wire.
struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// A plain blocking TCP client, for what the Client cannot do: send partial,
// malformed, pipelined or chunked requests, and see the connection close.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawSocket() { ::close(fd_); }

  bool connected() const { return connected_; }
  // True once the server closed (or reset) the connection.
  bool closed() const { return closed_; }

  void Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Everything that arrives until the server closes or `limit` passes.
  std::string ReadUntilClosed(absl::Duration limit = kPatience) {
    const absl::Time deadline = absl::Now() + limit;
    while (!closed_ && ReadMore(deadline)) {
    }
    return std::exchange(pending_, "");
  }

  // One response: its head, then Content-Length bytes of body (none if
  // `head_request`). nullopt if it did not fully arrive within `limit`.
  std::optional<RawResponse> ReadResponse(bool head_request = false,
                                          absl::Duration limit = kPatience) {
    const absl::Time deadline = absl::Now() + limit;
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(deadline)) return std::nullopt;
    }
    RawResponse r;
    r.head = pending_.substr(0, end + 2);
    if (!absl::SimpleAtoi(r.head.substr(9, 3), &r.status)) return std::nullopt;
    size_t length = 0;
    const size_t at = absl::AsciiStrToLower(r.head).find("\r\ncontent-length:");
    if (at != std::string::npos && !head_request) {
      const size_t value = at + 17;
      const size_t eol = r.head.find("\r\n", value);
      if (!absl::SimpleAtoi(r.head.substr(value, eol - value), &length)) return std::nullopt;
    }
    while (pending_.size() < end + 4 + length) {
      if (!ReadMore(deadline)) return std::nullopt;
    }
    r.body = pending_.substr(end + 4, length);
    pending_.erase(0, end + 4 + length);
    return r;
  }

 private:
  // Waits for more bytes until `deadline`; false at the deadline or on close.
  bool ReadMore(absl::Time deadline) {
    if (closed_) return false;
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string pending_;
};

std::string Get(absl::string_view path) {
  return absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: test\r\n\r\n");
}

TEST_CASE("GET and POST reach the handler with the request as sent") {
  absl::Mutex mu;
  std::vector<Request> seen;
  Server server(LocalOptions(), [&](Request&& req, Responder respond) {
    {
      absl::MutexLock lock(&mu);
      seen.push_back(req);
    }
    Echo(std::move(req), std::move(respond));
  });
  REQUIRE(server.Start().ok());
  REQUIRE(server.port() != 0);

  Client client("127.0.0.1", server.port());
  absl::StatusOr<Response> get = client.Send("GET", "/v1/x/a%20b?q=1&r=2", {{"X-Test", "hi"}});
  REQUIRE(get.ok());
  CHECK(get->status == 200);
  CHECK(get->body == "GET /v1/x/a%20b q=1&r=2 ");
  CHECK(get->Header("x-test") == "hi");
  CHECK(get->Header("server") == "qrcloud");
  CHECK(get->Header("content-type") == "text/plain");

  absl::StatusOr<Response> post = client.Send("POST", "/submit", {}, "payload");
  REQUIRE(post.ok());
  CHECK(post->body == "POST /submit  payload");

  absl::MutexLock lock(&mu);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].target == "/v1/x/a%20b?q=1&r=2");
  CHECK(seen[0].Header("x-test") == "hi");  // names lower-cased
  CHECK(seen[0].Header("host") == absl::StrCat("127.0.0.1:", server.port()));
  CHECK(seen[0].Header("absent").empty());
  CHECK(seen[0].remote_address == "127.0.0.1");
  CHECK(seen[0].version == 11);
  CHECK(seen[1].method == "POST");
  CHECK(seen[1].body == "payload");
}

TEST_CASE("Fetch makes one request on its own connection") {
  Server server(LocalOptions(), Echo);
  REQUIRE(server.Start().ok());
  absl::StatusOr<Response> r = Fetch("127.0.0.1", server.port(), "PUT", "/p", {}, "b");
  REQUIRE(r.ok());
  CHECK(r->body == "PUT /p  b");
}

TEST_CASE("keep-alive serves several requests on one connection") {
  absl::Mutex mu;
  std::vector<uint16_t> ports;
  Server server(LocalOptions(), [&](Request&& req, Responder respond) {
    {
      absl::MutexLock lock(&mu);
      ports.push_back(req.remote_port);
    }
    Echo(std::move(req), std::move(respond));
  });
  REQUIRE(server.Start().ok());

  Client client("127.0.0.1", server.port());
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<Response> r = client.Send("GET", absl::StrCat("/", i));
    REQUIRE(r.ok());
    CHECK(r->body == absl::StrCat("GET /", i, "  "));
    CHECK(r->Header("connection").empty());  // HTTP/1.1 default: keep-alive
  }
  absl::MutexLock lock(&mu);
  REQUIRE(ports.size() == 5);
  for (uint16_t port : ports) CHECK(port == ports[0]);
}

TEST_CASE("pipelined requests are answered in order") {
  Server server(LocalOptions(), Echo);
  REQUIRE(server.Start().ok());
  RawSocket s(server.port());
  REQUIRE(s.connected());
  s.Send(absl::StrCat(Get("/1"), Get("/2"), Get("/3")));
  for (int i = 1; i <= 3; ++i) {
    std::optional<RawResponse> r = s.ReadResponse();
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
    CHECK(r->body == absl::StrCat("GET /", i, "  "));
  }
}

TEST_CASE("Connection: close and HTTP/1.0 close the connection after the response") {
  Server server(LocalOptions(), Echo);
  REQUIRE(server.Start().ok());

  SECTION("Connection: close") {
    RawSocket s(server.port());
    s.Send("GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    const std::string all = s.ReadUntilClosed();
    CHECK(s.closed());
    CHECK(absl::StartsWith(all, "HTTP/1.1 200"));
    CHECK(absl::StrContains(absl::AsciiStrToLower(all), "connection: close"));
    CHECK(absl::EndsWith(all, "GET /a  "));
  }
  SECTION("HTTP/1.0 without keep-alive") {
    RawSocket s(server.port());
    s.Send("GET /b HTTP/1.0\r\n\r\n");
    const std::string all = s.ReadUntilClosed();
    CHECK(s.closed());
    CHECK(absl::StartsWith(all, "HTTP/1.0 200"));
    CHECK(absl::EndsWith(all, "GET /b  "));
  }
  SECTION("HTTP/1.0 with keep-alive stays open") {
    RawSocket s(server.port());
    s.Send("GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    std::optional<RawResponse> first = s.ReadResponse();
    REQUIRE(first.has_value());
    CHECK(absl::StrContains(absl::AsciiStrToLower(first->head), "connection: keep-alive"));
    s.Send("GET /d HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    std::optional<RawResponse> second = s.ReadResponse();
    REQUIRE(second.has_value());
    CHECK(second->body == "GET /d  ");
  }
}

TEST_CASE("a Responder called later from another thread answers the request") {
  absl::Mutex mu;
  std::optional<Responder> parked;
  Server server(LocalOptions(), [&](Request&&, Responder respond) {
    absl::MutexLock lock(&mu);
    parked.emplace(std::move(respond));
  });
  REQUIRE(server.Start().ok());

  std::thread worker([&] {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](std::optional<Responder>* p) { return p->has_value(); }, &parked));
    Responder respond = std::move(*parked);
    parked.reset();
    Response r;
    r.status = 201;
    r.body = "later";
    respond(std::move(r));
  });
  absl::StatusOr<Response> r = Fetch("127.0.0.1", server.port(), "GET", "/slow");
  worker.join();
  REQUIRE(r.ok());
  CHECK(r->status == 201);
  CHECK(r->body == "later");
}

TEST_CASE("a dropped Responder answers 500") {
  Server server(LocalOptions(), [](Request&&, Responder) {});
  REQUIRE(server.Start().ok());
  Client client("127.0.0.1", server.port());
  absl::StatusOr<Response> r = client.Send("GET", "/");
  REQUIRE(r.ok());
  CHECK(r->status == 500);
  CHECK(absl::StrContains(r->body, "without producing a response"));
  // The connection stays usable.
  r = client.Send("GET", "/");
  REQUIRE(r.ok());
  CHECK(r->status == 500);
}

TEST_CASE("a body over the limit is refused with 400 and never reaches the handler") {
  std::atomic<int> calls{0};
  ServerOptions options = LocalOptions();
  options.max_body_bytes = 1000;
  Server server(options, [&](Request&& req, Responder respond) {
    ++calls;
    Echo(std::move(req), std::move(respond));
  });
  REQUIRE(server.Start().ok());

  SECTION("with Content-Length") {
    absl::StatusOr<Response> r =
        Fetch("127.0.0.1", server.port(), "POST", "/", {}, std::string(5000, 'x'));
    REQUIRE(r.ok());
    CHECK(r->status == 400);
    CHECK(r->body == "request body is 5000 bytes; the limit is 1000 bytes");
    CHECK(r->Header("connection") == "close");
    CHECK(calls == 0);
  }
  SECTION("declared Content-Length is refused before the body is sent") {
    RawSocket s(server.port());
    s.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000000\r\n\r\n");
    std::optional<RawResponse> r = s.ReadResponse();
    REQUIRE(r.has_value());
    CHECK(r->status == 400);
    CHECK(r->body == "request body is 1000000000 bytes; the limit is 1000 bytes");
    CHECK(calls == 0);
  }
  SECTION("chunked") {
    RawSocket s(server.port());
    s.Send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; ++i) s.Send(absl::StrCat("1f4\r\n", std::string(500, 'y'), "\r\n"));
    std::optional<RawResponse> r = s.ReadResponse();
    REQUIRE(r.has_value());
    CHECK(r->status == 400);
    CHECK(r->body == "request body exceeds the limit of 1000 bytes");
    CHECK(calls == 0);
  }
  SECTION("exactly at the limit is accepted") {
    absl::StatusOr<Response> r =
        Fetch("127.0.0.1", server.port(), "POST", "/", {}, std::string(1000, 'x'));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(calls == 1);
  }
}

TEST_CASE("headers over the limit are refused with 431") {
  std::atomic<int> calls{0};
  ServerOptions options = LocalOptions();
  options.max_header_bytes = 1024;
  Server server(options, [&](Request&& req, Responder respond) {
    ++calls;
    Echo(std::move(req), std::move(respond));
  });
  REQUIRE(server.Start().ok());
  absl::StatusOr<Response> r =
      Fetch("127.0.0.1", server.port(), "GET", "/", {{"x-big", std::string(4000, 'h')}});
  REQUIRE(r.ok());
  CHECK(r->status == 431);
  CHECK(r->body == "request line and headers exceed the limit of 1024 bytes");
  CHECK(calls == 0);
}

TEST_CASE("a malformed request gets 400 from error_response") {
  ServerOptions options = LocalOptions();
  std::atomic<int> calls{0};
  SECTION("default text/plain") {}
  SECTION("custom JSON") {
    options.error_response = [](int status, std::string_view message) {
      Response r;
      r.status = status;
      r.headers = {{"content-type", "application/json"}};
      r.body = absl::StrCat("{\"error\":\"", std::string(message), "\"}");
      return r;
    };
  }
  Server server(options, [&](Request&& req, Responder respond) {
    ++calls;
    Echo(std::move(req), std::move(respond));
  });
  REQUIRE(server.Start().ok());
  RawSocket s(server.port());
  s.Send("GET / HTTP/1.1\r\nHost: t\r\nthis line has no colon\r\n\r\n");
  std::optional<RawResponse> r = s.ReadResponse();
  REQUIRE(r.has_value());
  CHECK(r->status == 400);
  CHECK(absl::StrContains(r->body, "malformed HTTP/1.1 request"));
  if (options.error_response) {
    CHECK(absl::StrContains(r->head, "application/json"));
    CHECK(absl::StartsWith(r->body, "{\"error\":"));
  } else {
    CHECK(absl::StrContains(r->head, "text/plain"));
  }
  s.ReadUntilClosed();
  CHECK(s.closed());
  CHECK(calls == 0);
}

TEST_CASE(
    "an unknown Transfer-Encoding is 501 and a folded header 400, each closing the connection") {
  std::atomic<int> calls{0};
  Server server(LocalOptions(), [&](Request&& req, Responder respond) {
    ++calls;
    Echo(std::move(req), std::move(respond));
  });
  REQUIRE(server.Start().ok());
  for (const char* coding : {"xchunked", "gzip", "gzip, chunked"}) {
    INFO(coding);
    RawSocket s(server.port());
    // Read as a body-less POST, the rest would be a second, smuggled request.
    s.Send(absl::StrCat("POST /a HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: ", coding,
                        "\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::optional<RawResponse> r = s.ReadResponse();
    REQUIRE(r.has_value());
    CHECK(r->status == 501);
    CHECK(absl::StrContains(r->body, "Transfer-Encoding: chunked"));
    s.ReadUntilClosed();
    CHECK(s.closed());
  }
  RawSocket folded(server.port());
  folded.Send("GET / HTTP/1.1\r\nHost: t\r\nX-Long: first part\r\n second part\r\n\r\n");
  std::optional<RawResponse> r = folded.ReadResponse();
  REQUIRE(r.has_value());
  CHECK(r->status == 400);
  folded.ReadUntilClosed();
  CHECK(folded.closed());
  CHECK(calls == 0);
}

TEST_CASE("HEAD gets the Content-Length of the body but no body") {
  Server server(LocalOptions(), [](Request&&, Responder respond) {
    Response r;
    r.body = "hello world";
    respond(std::move(r));
  });
  REQUIRE(server.Start().ok());
  Client client("127.0.0.1", server.port());
  absl::StatusOr<Response> head = client.Send("HEAD", "/");
  REQUIRE(head.ok());
  CHECK(head->status == 200);
  CHECK(head->Header("content-length") == "11");
  CHECK(head->body.empty());
  // Had a body been sent, it would be read as the next response.
  absl::StatusOr<Response> get = client.Send("GET", "/");
  REQUIRE(get.ok());
  CHECK(get->body == "hello world");
}

TEST_CASE("a chunked request body is reassembled") {
  Server server(LocalOptions(), Echo);
  REQUIRE(server.Start().ok());
  RawSocket s(server.port());
  s.Send(
      "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  std::optional<RawResponse> r = s.ReadResponse();
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  CHECK(r->body == "POST /c  hello world");
}

TEST_CASE("Expect: 100-continue gets an interim response before the body is sent") {
  Server server(LocalOptions(), Echo);
  REQUIRE(server.Start().ok());
  RawSocket s(server.port());
  s.Send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  std::optional<RawResponse> interim = s.ReadResponse();
  REQUIRE(interim.has_value());
  CHECK(interim->status == 100);
  s.Send("body");
  std::optional<RawResponse> r = s.ReadResponse();
  REQUIRE(r.has_value());
  CHECK(r->body == "POST /e  body");
}

TEST_CASE("timeouts close stalled and idle connections") {
  ServerOptions options = LocalOptions();
  options.read_timeout = absl::Milliseconds(200);
  options.idle_timeout = absl::Milliseconds(200);
  Server server(options, Echo);
  REQUIRE(server.Start().ok());

  SECTION("a request that never completes") {
    RawSocket s(server.port());
    const absl::Time start = absl::Now();
    s.Send("GET / HTTP/1.1\r\nHost: t\r\n");  // no blank line: headers never end
    s.ReadUntilClosed();
    CHECK(s.closed());
    CHECK(absl::Now() - start >= absl::Milliseconds(150));
  }
  SECTION("a keep-alive connection left idle") {
    RawSocket s(server.port());
    s.Send(Get("/"));
    REQUIRE(s.ReadResponse().has_value());
    s.ReadUntilClosed();
    CHECK(s.closed());
  }
  SECTION("a client reconnects transparently after the idle close") {
    Client client("127.0.0.1", server.port());
    REQUIRE(client.Send("GET", "/1").ok());
    RawSocket probe(server.port());  // same timeout: closed when the idle one is
    probe.ReadUntilClosed();
    REQUIRE(probe.closed());
    absl::StatusOr<Response> r = client.Send("GET", "/2");
    REQUIRE(r.ok());
    CHECK(r->body == "GET /2  ");
  }
}

TEST_CASE("each phase has its own timeout, enforced by the periodic sweep") {
  ServerOptions options = LocalOptions();
  options.read_timeout = absl::Milliseconds(300);
  options.idle_timeout = absl::Seconds(30);
  options.write_timeout = absl::Milliseconds(300);
  Server server(options, [](Request&& req, Responder respond) {
    Response r;
    if (req.path == "/huge") r.body = std::string(64 << 20, 'x');  // more than socket buffers
    respond(std::move(r));
  });
  REQUIRE(server.Start().ok());

  SECTION("a new connection must send its first byte within read_timeout") {
    RawSocket s(server.port());
    const absl::Time start = absl::Now();
    s.ReadUntilClosed();
    CHECK(s.closed());
    CHECK(absl::Now() - start >= absl::Milliseconds(250));
  }
  SECTION("a request trickling in is cut off at read_timeout, not per byte") {
    RawSocket s(server.port());
    const absl::Time start = absl::Now();
    const std::string partial = "GET / HTTP/1.1\r\nX-Slow: ";
    for (int i = 0; i < 40 && !s.closed(); ++i) {
      s.Send(i < static_cast<int>(partial.size()) ? partial.substr(i, 1) : "y");
      s.ReadUntilClosed(absl::Milliseconds(25));
    }
    CHECK(s.closed());
    const absl::Duration took = absl::Now() - start;
    CHECK(took >= absl::Milliseconds(250));
    CHECK(took < absl::Milliseconds(900));
  }
  SECTION("between requests idle_timeout applies, not read_timeout") {
    RawSocket s(server.port());
    s.Send(Get("/"));
    REQUIRE(s.ReadResponse().has_value());
    absl::SleepFor(absl::Milliseconds(700));  // past read_timeout and a sweep
    s.Send(Get("/again"));
    std::optional<RawResponse> r = s.ReadResponse();
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
  }
  SECTION("a client that stops reading the response is cut off at write_timeout") {
    RawSocket s(server.port());
    s.Send(Get("/huge"));
    absl::SleepFor(absl::Milliseconds(800));  // reads nothing meanwhile
    const std::string got = s.ReadUntilClosed();
    CHECK(s.closed());
    CHECK(got.size() < (64u << 20));
  }
}

TEST_CASE("Shutdown finishes requests in flight and refuses new connections") {
  absl::Notification entered;
  absl::Notification release;
  std::thread backend;  // answers /slow once released, like a slow backend
  Server server(LocalOptions(), [&](Request&& req, Responder respond) {
    if (req.path == "/slow") {
      backend = std::thread([&entered, &release, respond = std::move(respond)]() mutable {
        entered.Notify();
        release.WaitForNotification();
        Response r;
        r.body = "finished";
        respond(std::move(r));
      });
      return;
    }
    Echo(std::move(req), std::move(respond));
  });
  REQUIRE(server.Start().ok());
  const uint16_t port = server.port();

  RawSocket idle(port);  // an idle keep-alive connection
  idle.Send(Get("/idle"));
  REQUIRE(idle.ReadResponse().has_value());

  absl::StatusOr<Response> slow;
  std::thread client([&] { slow = Fetch("127.0.0.1", port, "GET", "/slow"); });
  REQUIRE(entered.WaitForNotificationWithTimeout(kPatience));

  std::thread stopper([&] { server.Shutdown(kPatience); });
  // The idle connection is closed at once, and new connections are refused.
  idle.ReadUntilClosed();
  CHECK(idle.closed());
  CHECK(WaitFor([&] { return !RawSocket(port).connected(); }));

  release.Notify();
  client.join();
  stopper.join();
  backend.join();
  REQUIRE(slow.ok());
  CHECK(slow->status == 200);
  CHECK(slow->body == "finished");
  CHECK(slow->Header("connection") == "close");
}

TEST_CASE("Shutdown with idle connections returns without waiting out the grace") {
  Server server(LocalOptions(), Echo);
  REQUIRE(server.Start().ok());
  Client client("127.0.0.1", server.port());
  REQUIRE(client.Send("GET", "/").ok());
  const absl::Time start = absl::Now();
  server.Shutdown(absl::Seconds(30));
  CHECK(absl::Now() - start < absl::Seconds(5));
}

TEST_CASE("Shutdown force-closes a request that outlives the grace") {
  absl::Mutex mu;
  std::optional<Responder> parked;
  auto server = std::make_unique<Server>(LocalOptions(), [&](Request&&, Responder respond) {
    absl::MutexLock lock(&mu);
    parked.emplace(std::move(respond));
  });
  REQUIRE(server->Start().ok());
  RawSocket s(server->port());
  s.Send(Get("/never"));
  REQUIRE(WaitFor([&] {
    absl::MutexLock lock(&mu);
    return parked.has_value();
  }));
  server->Shutdown(absl::Milliseconds(100));
  s.ReadUntilClosed();
  CHECK(s.closed());
  server.reset();
  // Answering after the server is gone does nothing (and does not crash).
  absl::MutexLock lock(&mu);
  Response r;
  (*parked)(std::move(r));
}

TEST_CASE("too many connections are answered 503") {
  ServerOptions options = LocalOptions();
  options.max_connections = 1;
  Server server(options, Echo);
  REQUIRE(server.Start().ok());
  RawSocket first(server.port());
  first.Send(Get("/"));
  REQUIRE(first.ReadResponse().has_value());  // registered and open

  RawSocket second(server.port());
  std::optional<RawResponse> r = second.ReadResponse();
  REQUIRE(r.has_value());
  CHECK(r->status == 503);
  CHECK(r->body == "the server is at its limit of 1 open connections; retry later");
}

TEST_CASE("Start reports an address that cannot be bound") {
  Server first(LocalOptions(), Echo);
  REQUIRE(first.Start().ok());
  ServerOptions options = LocalOptions();
  options.port = first.port();
  Server second(options, Echo);
  const absl::Status s = second.Start();
  CHECK(absl::IsUnavailable(s));
  CHECK(absl::StrContains(s.message(), absl::StrCat("127.0.0.1:", first.port())));
}

TEST_CASE("the client reports a refused connection naming host:port") {
  uint16_t port;
  {
    Server server(LocalOptions(), Echo);
    REQUIRE(server.Start().ok());
    port = server.port();
  }
  absl::StatusOr<Response> r = Fetch("127.0.0.1", port, "GET", "/");
  CHECK(absl::IsUnavailable(r.status()));
  CHECK(absl::StrContains(r.status().message(), absl::StrCat("127.0.0.1:", port)));
}

TEST_CASE("requests are counted in the metrics") {
  auto& registry = core::MetricsRegistry::Global();
  core::Counter& ok = registry.GetCounter("http_requests_total", "", {{"code", "2xx"}});
  core::Counter& client_errors = registry.GetCounter("http_requests_total", "", {{"code", "4xx"}});
  core::Gauge& open = registry.GetGauge("http_open_connections", "");
  Server server(LocalOptions(), Echo);
  REQUIRE(server.Start().ok());
  const uint64_t ok_before = ok.value();
  const uint64_t errors_before = client_errors.value();
  const int64_t open_before = open.value();
  {
    RawSocket s(server.port());
    s.Send(absl::StrCat(Get("/a"), Get("/b")));
    REQUIRE(s.ReadResponse().has_value());
    REQUIRE(s.ReadResponse().has_value());
    CHECK(open.value() == open_before + 1);
    s.Send("BAD\r\n\r\n");
    REQUIRE(s.ReadResponse().has_value());
  }
  // Counted once the write completes, which may be just after the client read it.
  CHECK(WaitFor([&] { return ok.value() == ok_before + 2; }));
  CHECK(WaitFor([&] { return client_errors.value() == errors_before + 1; }));
  CHECK(WaitFor([&] { return open.value() == open_before; }));
  CHECK(absl::StrContains(registry.Render(), "http_request_duration_seconds"));
}

TEST_CASE("concurrent clients all get their own answers") {
  ServerOptions options = LocalOptions();
  options.io_threads = 4;
  Server server(options, Echo);
  REQUIRE(server.Start().ok());
  constexpr int kThreads = 16;
  constexpr int kRequests = 200;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client client("127.0.0.1", server.port());
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = absl::StrCat(t, "-", i);
        absl::StatusOr<Response> r = client.Send("POST", "/echo", {}, body);
        if (r.ok() && r->status == 200 && r->body == absl::StrCat("POST /echo  ", body)) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(good == kThreads * kRequests);
}

// A producer on its own thread, as a gateway streaming a backend's answer
// is: writes `parts` one after another, each once the last was written,
// then finishes (or aborts). Records what each write reported.
class Producer {
 public:
  Producer(BodyStream stream, std::vector<std::string> parts, bool finish = true)
      : stream_(std::move(stream)), parts_(std::move(parts)), finish_(finish) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Producer() { thread_.join(); }
  // What each Write reported, in order, once the producer is done.
  std::vector<bool> Results() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
    return results_;
  }

 private:
  void Run() {
    for (std::string& part : parts_) {
      absl::Notification written;
      bool ok = false;
      stream_.Write(std::move(part), [&](bool result) {
        ok = result;
        written.Notify();
      });
      written.WaitForNotification();
      absl::MutexLock lock(&mu_);
      results_.push_back(ok);
      if (!ok) break;
    }
    if (finish_) {
      stream_.Finish();
    } else {
      stream_.Abort();
    }
    absl::MutexLock lock(&mu_);
    done_ = true;
  }

  BodyStream stream_;
  std::vector<std::string> parts_;
  bool finish_;
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<bool> results_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// A server whose handler streams `parts` (finished or aborted) for every request.
struct StreamingServer {
  explicit StreamingServer(std::vector<std::string> parts, bool finish = true)
      : server(LocalOptions(), [this, parts, finish](Request&& req, Responder respond) {
          Response head;
          head.headers = {{"content-type", "application/pdf"}};
          if (req.path == "/plain") {
            head.body = "not streamed";
            respond(std::move(head));
            return;
          }
          absl::MutexLock lock(&mu);
          producers.push_back(
              std::make_unique<Producer>(respond.Stream(std::move(head)), parts, finish));
        }) {}
  Producer& Last() {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](std::vector<std::unique_ptr<Producer>>* p) { return !p->empty(); }, &producers));
    return *producers.back();
  }

  absl::Mutex mu;
  std::vector<std::unique_ptr<Producer>> producers ABSL_GUARDED_BY(mu);
  Server server;  // last: stopped before the producers go
};

// "<hex size>\r\n<data>\r\n"... "0\r\n\r\n" decoded; nullopt unless it ends
// with the last chunk.
std::optional<std::string> Dechunk(std::string_view wire) {
  std::string body;
  for (;;) {
    const size_t eol = wire.find("\r\n");
    if (eol == std::string_view::npos) return std::nullopt;
    size_t size = 0;
    if (!absl::SimpleHexAtoi(absl::string_view(wire.data(), eol), &size)) return std::nullopt;
    wire.remove_prefix(eol + 2);
    if (size == 0) return wire == "\r\n" ? std::optional<std::string>(body) : std::nullopt;
    if (wire.size() < size + 2) return std::nullopt;
    body.append(wire.substr(0, size));
    wire.remove_prefix(size + 2);
  }
}

TEST_CASE("a streamed response arrives chunked, whole, and the connection serves the next") {
  StreamingServer s({"%PDF-1.5\n", std::string(100000, 'x'), "%%EOF\n"});
  REQUIRE(s.server.Start().ok());
  RawSocket socket(s.server.port());
  socket.Send(absl::StrCat(Get("/sheet"), Get("/plain")));
  const std::string all = socket.ReadUntilClosed(absl::Seconds(2));
  const size_t head_end = all.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  const std::string head = absl::AsciiStrToLower(all.substr(0, head_end));
  CHECK(absl::StartsWith(head, "http/1.1 200"));
  CHECK(absl::StrContains(head, "transfer-encoding: chunked"));
  CHECK_FALSE(absl::StrContains(head, "content-length"));
  // The second, ordinary response follows the last chunk on the same connection.
  const size_t second = all.find("HTTP/1.1 200", head_end);
  REQUIRE(second != std::string::npos);
  CHECK(absl::EndsWith(all, "not streamed"));
  std::optional<std::string> body =
      Dechunk(std::string_view(all).substr(head_end + 4, second - head_end - 4));
  REQUIRE(body.has_value());
  CHECK(*body == absl::StrCat("%PDF-1.5\n", std::string(100000, 'x'), "%%EOF\n"));
  CHECK(s.Last().Results() == std::vector<bool>{true, true, true});
  CHECK_FALSE(socket.closed());

  // And the project's own client reads it as one body.
  absl::StatusOr<Response> r = Fetch("127.0.0.1", s.server.port(), "GET", "/sheet");
  REQUIRE(r.ok());
  CHECK(r->body.size() == 9 + 100000 + 6);
  CHECK(r->Header("content-type") == "application/pdf");
}

TEST_CASE("an aborted stream closes the connection without the last chunk") {
  StreamingServer s({"part one,", "part two"}, /*finish=*/false);
  REQUIRE(s.server.Start().ok());
  RawSocket socket(s.server.port());
  socket.Send(Get("/sheet"));
  const std::string all = socket.ReadUntilClosed();
  CHECK(socket.closed());
  CHECK(absl::StrContains(all, "part two"));
  const size_t head_end = all.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  // Truncated: a client cannot take the partial body for a whole one.
  CHECK_FALSE(Dechunk(std::string_view(all).substr(head_end + 4)).has_value());
  CHECK_FALSE(Fetch("127.0.0.1", s.server.port(), "GET", "/sheet").ok());
}

TEST_CASE("HTTP/1.0 gets a streamed body that ends with the connection") {
  StreamingServer s({"abc", "def"});
  REQUIRE(s.server.Start().ok());
  RawSocket socket(s.server.port());
  socket.Send("GET /sheet HTTP/1.0\r\n\r\n");
  const std::string all = socket.ReadUntilClosed();
  CHECK(socket.closed());
  CHECK(absl::StartsWith(all, "HTTP/1.0 200"));
  CHECK_FALSE(absl::StrContains(absl::AsciiStrToLower(all), "transfer-encoding"));
  CHECK(absl::EndsWith(all, "\r\n\r\nabcdef"));
}

TEST_CASE("HEAD of a streamed response gets the head, and the producer is told to stop") {
  StreamingServer s({"abc", "def"});
  REQUIRE(s.server.Start().ok());
  RawSocket socket(s.server.port());
  socket.Send("HEAD /sheet HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(s.Last().Results() == std::vector<bool>{false});
  socket.Send(Get("/plain"));
  std::optional<RawResponse> head = socket.ReadResponse(/*head_request=*/true);
  REQUIRE(head.has_value());
  CHECK(head->status == 200);
  std::optional<RawResponse> next = socket.ReadResponse();
  REQUIRE(next.has_value());
  CHECK(next->body == "not streamed");
}

TEST_CASE("a client leaving mid-stream makes the producer's next write report failure") {
  // Parts far larger than the socket buffers: the writes cannot all succeed
  // once nobody reads.
  std::vector<std::string> parts(64, std::string(1 << 20, 'p'));
  StreamingServer s(parts);
  REQUIRE(s.server.Start().ok());
  {
    RawSocket socket(s.server.port());
    socket.Send(Get("/sheet"));
    s.Last();  // the stream has started
  }            // the client closes
  const std::vector<bool> results = s.Last().Results();
  REQUIRE_FALSE(results.empty());
  CHECK(results.back() == false);
  CHECK(results.size() < parts.size());
}

}  // namespace
}  // namespace qrcloud::http
