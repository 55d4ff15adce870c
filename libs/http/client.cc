#include "libs/http/client.h"

#include <chrono>
#include <limits>
#include <optional>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace qrcloud::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Beast's and Abseil's string_view are distinct types here (Debian builds
// Abseil with its own string_view).
absl::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

// Starts one asynchronous operation through `initiate` and runs `ioc` until
// it (and its tcp_stream timer) completed; returns the operation's error.
template <typename Initiate>
beast::error_code RunOne(net::io_context& ioc, Initiate&& initiate) {
  beast::error_code result;
  initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

// Errors after which a request on a reused connection is worth one retry:
// the server had closed the idle connection before it saw the request.
bool IsStaleConnection(beast::error_code ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

}  // namespace

class Client::Impl {
 public:
  Impl(std::string host, uint16_t port, ClientOptions options)
      : host_(std::move(host)),
        port_(port),
        options_(options),
        authority_(absl::StrCat(host_, ":", port_)) {}

  absl::StatusOr<Response> Send(std::string_view method, std::string_view target,
                                const HeaderList& headers, std::string_view body);

 private:
  absl::Status Connect();
  void Disconnect() {
    stream_.reset();
    buffer_.clear();
  }
  void Arm() {
    if (options_.timeout == absl::InfiniteDuration()) {
      stream_->expires_never();
    } else {
      stream_->expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          absl::ToChronoNanoseconds(options_.timeout)));
    }
  }
  beast::error_code RoundTrip(bhttp::request<bhttp::string_body>& request, Response* out);
  absl::Status ToStatus(beast::error_code ec) const;

  const std::string host_;
  const uint16_t port_;
  const ClientOptions options_;
  const std::string authority_;  // host:port, for Host and for messages
  net::io_context ioc_{1};
  std::optional<beast::tcp_stream> stream_;  // connected while set
  beast::flat_buffer buffer_;
};

absl::Status Client::Impl::Connect() {
  Disconnect();
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  const tcp::resolver::results_type endpoints = resolver.resolve(host_, std::to_string(port_), ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", authority_, ": ", ec.message()));
  }
  stream_.emplace(ioc_);
  Arm();
  ec = RunOne(ioc_, [&](auto handler) { stream_->async_connect(endpoints, std::move(handler)); });
  if (ec) {
    Disconnect();
    const std::string why =
        ec == beast::error::timeout ? "no answer within the timeout" : ec.message();
    return absl::UnavailableError(absl::StrCat("cannot connect to ", authority_, ": ", why));
  }
  stream_->socket().set_option(tcp::no_delay(true), ec);
  return absl::OkStatus();
}

beast::error_code Client::Impl::RoundTrip(bhttp::request<bhttp::string_body>& request,
                                          Response* out) {
  Arm();
  beast::error_code ec = RunOne(
      ioc_, [&](auto handler) { bhttp::async_write(*stream_, request, std::move(handler)); });
  if (ec) return ec;
  bhttp::response_parser<bhttp::string_body> parser;
  // No limit: this client trusts its server. (boost::none would trip a Beast
  // 1.74 comparison bug, so use the largest value instead.)
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.skip(request.method() == bhttp::verb::head);
  Arm();
  ec = RunOne(ioc_, [&](auto handler) {
    bhttp::async_read(*stream_, buffer_, parser, std::move(handler));
  });
  if (ec) return ec;
  bhttp::response<bhttp::string_body> message = parser.release();
  out->status = static_cast<int>(message.result_int());
  out->headers.clear();
  for (const auto& field : message) {
    out->headers.emplace_back(absl::AsciiStrToLower(View(field.name_string())),
                              std::string(View(field.value())));
  }
  out->body = std::move(message.body());
  if (!message.keep_alive()) Disconnect();
  return {};
}

absl::Status Client::Impl::ToStatus(beast::error_code ec) const {
  if (ec == beast::error::timeout) {
    return absl::DeadlineExceededError(absl::StrCat("no complete response from ", authority_,
                                                    " within ",
                                                    absl::FormatDuration(options_.timeout)));
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return absl::InternalError(
        absl::StrCat("malformed HTTP response from ", authority_, ": ", ec.message()));
  }
  return absl::UnavailableError(absl::StrCat("request to ", authority_, " failed: ", ec.message()));
}

absl::StatusOr<Response> Client::Impl::Send(std::string_view method, std::string_view target,
                                            const HeaderList& headers, std::string_view body) {
  bhttp::request<bhttp::string_body> request;
  request.method_string(beast::string_view(method.data(), method.size()));
  request.target(beast::string_view(target.data(), target.size()));
  request.version(11);
  bool has_host = false;
  for (const auto& [name, value] : headers) {
    has_host = has_host || absl::EqualsIgnoreCase(name, "host");
    request.insert(name, value);
  }
  if (!has_host) request.set(bhttp::field::host, authority_);
  request.body() = std::string(body);
  request.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    const bool reused = stream_.has_value();
    if (!reused) {
      if (absl::Status s = Connect(); !s.ok()) return s;
    }
    Response response;
    const beast::error_code ec = RoundTrip(request, &response);
    if (!ec) return response;
    Disconnect();
    if (attempt == 0 && reused && IsStaleConnection(ec)) continue;
    return ToStatus(ec);
  }
}

Client::Client(std::string host, uint16_t port, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(host), port, options)) {}

Client::~Client() = default;

absl::StatusOr<Response> Client::Send(std::string_view method, std::string_view target,
                                      const HeaderList& headers, std::string_view body) {
  return impl_->Send(method, target, headers, body);
}

absl::StatusOr<Response> Fetch(std::string_view host, uint16_t port, std::string_view method,
                               std::string_view target, const HeaderList& headers,
                               std::string_view body) {
  Client client(std::string(host), port);
  return client.Send(method, target, headers, body);
}

}  // namespace qrcloud::http
