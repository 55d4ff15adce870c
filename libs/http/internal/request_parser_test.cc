#include "libs/http/internal/request_parser.h"

#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include "absl/strings/ascii.h"

namespace qrcloud::http::internal {
namespace {

namespace bhttp = boost::beast::http;

constexpr size_t kHeaderLimit = 256;
constexpr size_t kBodyLimit = 64;

// What the server takes from a parse, or the error that ended it.
struct Parsed {
  boost::beast::error_code error;
  std::string method;
  std::string target;
  int version = 0;
  HeaderList headers;
  std::string body;
  bool keep_alive = false;
  bool is_head = false;

  bool operator==(const Parsed&) const = default;
};

// Feeds `wire` in pieces of `step` bytes, as reads would deliver it: the
// header first, then the body eagerly, as the server does.
template <typename Parser>
boost::beast::error_code Feed(Parser& parser, std::string_view wire, size_t step) {
  std::string buffer;
  size_t offered = 0;
  while (!parser.is_done()) {
    if (!buffer.empty()) {
      const bool had_header = parser.is_header_done();
      boost::beast::error_code ec;
      buffer.erase(0, parser.put(boost::asio::buffer(buffer), ec));
      if (ec && ec != bhttp::error::need_more) return ec;
      if (!had_header && parser.is_header_done()) parser.eager(true);
      if (!ec && !buffer.empty()) continue;
    }
    if (offered == wire.size()) return bhttp::error::need_more;  // incomplete
    const size_t n = std::min(step, wire.size() - offered);
    buffer.append(wire.substr(offered, n));
    offered += n;
  }
  return {};
}

std::string Str(boost::beast::string_view s) { return {s.data(), s.size()}; }

Parsed WithBeast(std::string_view wire, size_t step) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  Parsed p;
  p.error = Feed(parser, wire, step);
  if (p.error) return p;
  const auto& m = parser.get();
  p.method = Str(m.method_string());
  p.target = Str(m.target());
  p.version = static_cast<int>(m.version());
  for (const auto& field : m) {
    p.headers.emplace_back(absl::AsciiStrToLower(Str(field.name_string())), Str(field.value()));
  }
  p.body = m.body();
  p.keep_alive = m.keep_alive();
  p.is_head = m.method() == bhttp::verb::head;
  return p;
}

Parsed WithRequestParser(std::string_view wire, size_t step) {
  RequestParser parser(kHeaderLimit, kBodyLimit);
  Parsed p;
  p.error = Feed(parser, wire, step);
  if (p.error) return p;
  const Request& r = parser.request();
  p.method = r.method;
  p.target = r.target;
  p.version = r.version;
  p.headers = r.headers;
  p.body = r.body;
  p.keep_alive = parser.keep_alive();
  p.is_head = parser.is_head();
  return p;
}

TEST_CASE("A final chunk that arrives a byte at a time does not stop the process") {
  // Found by the fuzzer: Beast 1.74 asserted here (BOOST_DISABLE_ASSERTS,
  // CMakeLists.txt), aborting whatever parsed it.
  const std::string wire =
      "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nhello\r\n";
  for (size_t step : {size_t{1}, size_t{2}, size_t{3}}) {
    RequestParser parser(kHeaderLimit, kBodyLimit);
    const boost::beast::error_code ec = Feed(parser, wire, step);
    CHECK(ec);  // an incomplete trailer: more is needed, or it is refused
    CHECK_FALSE(parser.is_done());
  }
  // The complete request parses as Beast's own parser parses it, in pieces of
  // any size.
  const std::string whole = wire.substr(0, wire.size() - 7) + "\r\n";  // "0\r\n\r\n"
  for (size_t step : {size_t{1}, size_t{2}, size_t{7}, size_t{4096}}) {
    CAPTURE(step);
    CHECK(WithRequestParser(whole, step) == WithBeast(whole, step));
  }
}

TEST_CASE("RequestParser reads requests as Beast's request_parser did") {
  const std::string wire = GENERATE(
      std::string("GET /s/abc?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: wrk\r\n\r\n"),
      std::string("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"), std::string("GET / HTTP/1.0\r\n\r\n"),
      std::string("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
      std::string("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
      std::string("PATCH /p HTTP/1.1\r\nX-Pad:  \t spaced \t \r\nX-Empty:\r\n\r\n"),
      std::string("BREW /pot HTTP/1.1\r\nSet-Cookie: a\r\nX: y\r\nset-cookie: b\r\n\r\n"),
      std::string("GET / HTTP/1.1\r\nX-Fold: one\r\n two\r\n\r\n"),
      std::string("POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"),
      std::string("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"),
      // Errors: malformed, headers and body over the limits.
      std::string("GET / HTTP/1.1\r\nno colon here\r\n\r\n"),
      std::string("GET / HTTP/1.1\r\nX-Big: ") + std::string(300, 'h') + "\r\n\r\n",
      std::string("POST / HTTP/1.1\r\nContent-Length: 65\r\n\r\n"),
      std::string("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n") +
          std::string(65, 'b') + "\r\n0\r\n\r\n",
      std::string("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
      // Incomplete.
      std::string("GET / HTTP/1.1\r\nHost: h\r\n"));
  const size_t step = GENERATE(size_t{1}, size_t{7}, size_t{4096});
  CAPTURE(wire, step);
  const Parsed expected = WithBeast(wire, step);
  const Parsed actual = WithRequestParser(wire, step);
  CHECK(actual.error == expected.error);
  CHECK(actual.method == expected.method);
  CHECK(actual.target == expected.target);
  CHECK(actual.version == expected.version);
  CHECK(actual.headers == expected.headers);
  CHECK(actual.body == expected.body);
  CHECK(actual.keep_alive == expected.keep_alive);
  CHECK(actual.is_head == expected.is_head);
}

}  // namespace
}  // namespace qrcloud::http::internal
