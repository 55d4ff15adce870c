#include "libs/http/internal/response_head.h"

#include <sstream>
#include <string>

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

namespace qrcloud::http::internal {
namespace {

namespace bhttp = boost::beast::http;

// The whole response as the server wrote it through Beast before it had
// AppendResponseHead: the reference the new head must match byte for byte.
std::string BeastWire(const Response& r, const ResponseFraming& framing, bool head_request) {
  bhttp::response<bhttp::string_body> m;
  m.version(framing.version);
  m.result(static_cast<unsigned>(r.status));
  bool has_server = false;
  for (const auto& [name, value] : r.headers) {
    if (boost::beast::iequals(name, "content-length") ||
        boost::beast::iequals(name, "transfer-encoding") ||
        boost::beast::iequals(name, "connection")) {
      continue;
    }
    has_server = has_server || boost::beast::iequals(name, "server");
    m.insert(name, value);
  }
  if (!has_server && !framing.server.empty()) {
    m.set(bhttp::field::server, std::string(framing.server));
  }
  m.keep_alive(framing.keep_alive);
  if (!head_request) m.body() = r.body;
  if (framing.content_length) m.content_length(*framing.content_length);
  std::ostringstream out;
  out << m;
  return out.str();
}

std::string NewWire(const Response& r, const ResponseFraming& framing, bool head_request) {
  std::string wire;
  AppendResponseHead(r.status, r.headers, framing, &wire);
  if (!head_request) wire += r.body;
  return wire;
}

TEST_CASE("AppendResponseHead writes what Beast's serializer wrote") {
  Response r;
  ResponseFraming framing;
  framing.server = "qrcloud";
  bool head_request = false;

  SECTION("a redirect, as the scan path sends it") {
    r = {.status = 302, .headers = {{"location", "https://example.com/"}}, .body = "Found\n"};
  }
  SECTION("HTTP/1.0 with and without keep-alive") {
    framing.version = 10;
    framing.keep_alive = GENERATE(true, false);
    r = {.status = 200, .headers = {{"content-type", "text/plain"}}, .body = "x"};
  }
  SECTION("HTTP/1.1 closing") {
    framing.keep_alive = false;
    r = {.status = 503, .body = "busy"};
  }
  SECTION("the handler's framing fields are dropped") {
    r = {.status = 200,
         .headers = {{"Content-Length", "99"},
                     {"transfer-encoding", "chunked"},
                     {"Connection", "keep-alive"},
                     {"x-a", "1"}},
         .body = "abc"};
  }
  SECTION("namesakes are grouped where the name first appeared") {
    r = {.status = 200,
         .headers = {{"set-cookie", "a=1"},
                     {"x-other", "o"},
                     {"Set-Cookie", "b=2"},
                     {"x-other", "p"},
                     {"set-cookie", "c=3"}},
         .body = ""};
  }
  SECTION("the handler's Server field replaces the default") {
    r = {.status = 200, .headers = {{"SERVER", "mine"}, {"x", "y"}}, .body = "b"};
  }
  SECTION("no Server field when the option is empty") {
    framing.server = "";
    r = {.status = 404, .body = "nope"};
  }
  SECTION("values lose surrounding blanks; empty values stay") {
    r = {.status = 200,
         .headers = {{"x-pad", " \t v a l \t "}, {"x-empty", ""}, {"x-blank", "  "}}};
  }
  SECTION("HEAD keeps the length of the body it does not send") {
    head_request = true;
    r = {.status = 200, .body = "hello world"};
  }
  SECTION("statuses without Content-Length, and one Beast has no reason for") {
    r = {.status = GENERATE(100, 101, 204, 299, 599), .body = ""};
  }
  if (r.status >= 200 && r.status != 204) framing.content_length = r.body.size();
  CAPTURE(r.status, framing.version, framing.keep_alive);
  CHECK(NewWire(r, framing, head_request) == BeastWire(r, framing, head_request));
}

TEST_CASE("AsksToClose finds Connection: close in any case") {
  CHECK(AsksToClose({{"Connection", "Close"}}));
  CHECK(AsksToClose({{"x", "y"}, {"connection", "close"}}));
  CHECK_FALSE(AsksToClose({{"connection", "keep-alive"}}));
  CHECK_FALSE(AsksToClose({{"x-connection", "close"}}));
  CHECK_FALSE(AsksToClose({}));
}

}  // namespace
}  // namespace qrcloud::http::internal
