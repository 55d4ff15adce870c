// The HTTP/1.1 request parser: any bytes, fed in pieces as a socket would.
#include <cstddef>
#include <cstdint>

#include "libs/http/internal/request_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks how the bytes arrive: whole, or in small reads.
  const size_t step = 1 + data[0] % 64;
  ++data;
  --size;
  qrcloud::http::internal::RequestParser parser(8192, 1 << 16);
  boost::beast::error_code ec;
  std::string buffer;
  for (size_t at = 0; at < size && !parser.is_done();) {
    const size_t n = std::min(step, size - at);
    buffer.append(reinterpret_cast<const char*>(data) + at, n);
    at += n;
    const size_t used = parser.put(boost::asio::buffer(buffer), ec);
    buffer.erase(0, used);
    if (ec == boost::beast::http::error::need_more) {
      ec = {};
      continue;
    }
    if (ec) break;
  }
  return 0;
}
