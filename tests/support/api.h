// Small helpers for end-to-end tests that speak the REST contract: JSON
// lookups and an HTTP client that remembers a bearer token.
#ifndef QRCLOUD_TESTS_SUPPORT_API_H_
#define QRCLOUD_TESTS_SUPPORT_API_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "libs/http/client.h"

namespace qrcloud::testing {

// Parsed JSON; an unparseable body gives a null value.
google::protobuf::Value ParseJson(absl::string_view json);

// The value at a dotted path ("account.merchantId", "details.0.fieldViolations.0.field")
// as text: strings as they are, numbers and booleans printed, "" if absent.
std::string JsonAt(const google::protobuf::Value& v, absl::string_view path);
std::string JsonAt(absl::string_view json, absl::string_view path);

struct ApiResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string At(absl::string_view path) const { return JsonAt(body, path); }
  std::string Header(absl::string_view name) const;
};

// The User-Agent Api sends unless a call gives its own: a phone's browser.
inline constexpr char kBrowserUserAgent[] =
    "Mozilla/5.0 (Linux; Android 14; qrcloud-e2e) AppleWebKit/537.36 Mobile Safari/537.36";

class Api {
 public:
  Api(std::string host, int port, http::ClientOptions options = {})
      : client_(std::make_unique<http::Client>(std::move(host), static_cast<uint16_t>(port),
                                               options)) {}
  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }

  ApiResponse Call(absl::string_view method, absl::string_view target, absl::string_view body = "",
                   std::vector<std::pair<std::string, std::string>> headers = {});
  ApiResponse Get(absl::string_view target) { return Call("GET", target); }
  ApiResponse Post(absl::string_view target, absl::string_view body) {
    return Call("POST", target, body);
  }

 private:
  std::unique_ptr<http::Client> client_;
  std::string token_;
};

}  // namespace qrcloud::testing

#endif  // QRCLOUD_TESTS_SUPPORT_API_H_
