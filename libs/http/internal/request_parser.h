// An HTTP/1.1 request parser that fills the server's Request as it goes: the
// Beast parser underneath, without a Beast message (and its allocation per
// field) in between. Not part of the public API.
#ifndef QRCLOUD_LIBS_HTTP_INTERNAL_REQUEST_PARSER_H_
#define QRCLOUD_LIBS_HTTP_INTERNAL_REQUEST_PARSER_H_

#include <cstddef>
#include <cstdint>

#include <boost/beast/http/basic_parser.hpp>

#include "libs/http/http_types.h"

namespace qrcloud::http::internal {

// Parses one request; make a new one for the next. Feed it with put() as
// basic_parser documents. Limits and errors are basic_parser's: header_limit
// for a request line and headers over `max_header_bytes`, body_limit for a
// body over `max_body_bytes`, and the parse errors of boost::beast::http.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser(size_t max_header_bytes, size_t max_body_bytes);

  // What has been parsed: method, target, version and headers (names
  // lower-cased, values without surrounding blanks, trailers of a chunked
  // body after them) once is_header_done(); the body too once is_done().
  // path, query and the peer fields are left to the caller.
  Request& request() { return request_; }
  const Request& request() const { return request_; }
  bool is_head() const { return is_head_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<uint64_t>& content_length, error_code& ec) override;
  size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(uint64_t size, string_view extensions, error_code& ec) override;
  size_t on_chunk_body_impl(uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  Request request_;
  bool is_head_ = false;
};

}  // namespace qrcloud::http::internal

#endif  // QRCLOUD_LIBS_HTTP_INTERNAL_REQUEST_PARSER_H_
