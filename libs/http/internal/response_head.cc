#include "libs/http/internal/response_head.h"

#include <charconv>
#include <cstdint>
#include <ostream>  // boost/beast/http/status.hpp uses it without including it
#include <vector>

#include <boost/beast/http/status.hpp>

#include "absl/strings/match.h"

namespace qrcloud::http::internal {
namespace {

// Debian builds Abseil with its own string_view, distinct from std's.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

// Set by the server, never copied from the handler.
bool IsFramingField(std::string_view name) {
  return EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "transfer-encoding") ||
         EqualsIgnoreCase(name, "connection");
}

std::string_view TrimSpaceAndTab(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

void AppendField(std::string_view name, std::string_view value, std::string* out) {
  out->append(name).append(": ").append(TrimSpaceAndTab(value)).append("\r\n");
}

void AppendNumber(uint64_t n, std::string* out) {
  char digits[20];
  out->append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
}

}  // namespace

bool AsksToClose(const HeaderList& headers) {
  for (const auto& [name, value] : headers) {
    if (EqualsIgnoreCase(name, "connection") && EqualsIgnoreCase(value, "close")) return true;
  }
  return false;
}

void AppendResponseHead(int status, const HeaderList& headers, const ResponseFraming& framing,
                        std::string* out) {
  out->append("HTTP/");
  out->push_back(static_cast<char>('0' + framing.version / 10 % 10));
  out->push_back('.');
  out->push_back(static_cast<char>('0' + framing.version % 10));
  out->push_back(' ');
  AppendNumber(static_cast<uint64_t>(status), out);
  out->push_back(' ');
  const auto reason = boost::beast::http::obsolete_reason(
      static_cast<boost::beast::http::status>(static_cast<unsigned>(status)));
  out->append(reason.data(), reason.size()).append("\r\n");

  bool has_server = false;
  // Responses have a handful of fields, mostly each name once: looking ahead
  // for namesakes costs less than any index would.
  std::vector<bool> written;  // allocated only once a namesake turns up
  for (size_t i = 0; i < headers.size(); ++i) {
    const std::string_view name = headers[i].first;
    if (IsFramingField(name) || (!written.empty() && written[i])) continue;
    has_server = has_server || EqualsIgnoreCase(name, "server");
    AppendField(name, headers[i].second, out);
    for (size_t j = i + 1; j < headers.size(); ++j) {
      if (!EqualsIgnoreCase(headers[j].first, name)) continue;
      if (written.empty()) written.resize(headers.size());
      written[j] = true;
      AppendField(headers[j].first, headers[j].second, out);
    }
  }
  if (!has_server && !framing.server.empty()) AppendField("Server", framing.server, out);
  if (framing.version < 11 && framing.keep_alive) AppendField("Connection", "keep-alive", out);
  if (framing.version >= 11 && !framing.keep_alive) AppendField("Connection", "close", out);
  if (framing.content_length) {
    out->append("Content-Length: ");
    AppendNumber(*framing.content_length, out);
    out->append("\r\n");
  }
  if (framing.chunked && framing.version >= 11) AppendField("Transfer-Encoding", "chunked", out);
  out->append("\r\n");
}

}  // namespace qrcloud::http::internal
