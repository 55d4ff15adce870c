#include "libs/http/internal/request_parser.h"

#include <algorithm>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace qrcloud::http::internal {
namespace {

namespace bhttp = boost::beast::http;

std::string_view Std(boost::beast::string_view s) { return {s.data(), s.size()}; }

std::string_view TrimSpaceAndTab(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

RequestParser::RequestParser(size_t max_header_bytes, size_t max_body_bytes) {
  header_limit(static_cast<uint32_t>(
      std::min<size_t>(max_header_bytes, std::numeric_limits<uint32_t>::max())));
  body_limit(max_body_bytes);
}

void RequestParser::on_request_impl(bhttp::verb method, string_view method_str, string_view target,
                                    int version, error_code& /*ec*/) {
  request_.method = Std(method_str);
  request_.target = Std(target);
  request_.version = version;
  is_head_ = method == bhttp::verb::head;
}

void RequestParser::on_response_impl(int /*code*/, string_view /*reason*/, int /*version*/,
                                     error_code& /*ec*/) {}  // never called for requests

void RequestParser::on_field_impl(bhttp::field /*name*/, string_view name_string, string_view value,
                                  error_code& /*ec*/) {
  std::string& name =
      request_.headers.emplace_back(Std(name_string), TrimSpaceAndTab(Std(value))).first;
  absl::AsciiStrToLower(&name);
}

void RequestParser::on_header_impl(error_code& ec) {
  // Only "chunked" is understood. Any other transfer coding would leave the
  // body's bytes to be read as the next request (a request-smuggling shape):
  // refused (answered 501) and the connection closed, per RFC 9112 6.1.
  for (const auto& [name, value] : request_.headers) {
    if (name == "transfer-encoding" && !absl::EqualsIgnoreCase(value, "chunked")) {
      ec = bhttp::error::bad_transfer_encoding;
      return;
    }
  }
}

void RequestParser::on_body_init_impl(const boost::optional<uint64_t>& content_length,
                                      error_code& /*ec*/) {
  // body_limit has already refused a length over max_body_bytes.
  if (content_length) request_.body.reserve(static_cast<size_t>(*content_length));
}

size_t RequestParser::on_body_impl(string_view body, error_code& /*ec*/) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(uint64_t /*size*/, string_view /*extensions*/,
                                         error_code& /*ec*/) {}

size_t RequestParser::on_chunk_body_impl(uint64_t /*remain*/, string_view body,
                                         error_code& /*ec*/) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code& /*ec*/) {}

}  // namespace qrcloud::http::internal
