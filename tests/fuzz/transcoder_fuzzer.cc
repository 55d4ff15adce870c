// The JSON transcoder both ways. The first byte picks a route of the real
// contracts; the rest is "<path>?<query>\n<JSON body>" turned into its gRPC
// request, and, as wire bytes, printed as each of a few response types.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/routes.h"
#include "gateway/transcoder.h"
#include "libs/core/validate.h"
#include "libs/service/policy.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/merchant.pb.h"
#include "qrcloud/v1/order.pb.h"

namespace {

const qrcloud::gateway::RouteTable& Routes() {
  static const auto* table = [] {
    std::vector<std::string> services;
    for (const auto* s : qrcloud::service::ContractServices()) services.push_back(s->full_name());
    return new qrcloud::gateway::RouteTable(*qrcloud::gateway::RouteTable::ForServices(services));
  }();
  return *table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& routes = Routes().routes();
  const auto& route = *routes[data[0] % routes.size()];
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t newline = input.find('\n');
  const std::string target = input.substr(0, newline);
  const std::string body = newline == std::string::npos ? "" : input.substr(newline + 1);
  const size_t q = target.find('?');
  const std::string path = target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : target.substr(q + 1);

  qrcloud::gateway::RouteTable::Miss miss;
  std::vector<std::string> allowed;
  if (auto match = Routes().Find(route.http_method, path, &miss, &allowed)) {
    auto request = qrcloud::gateway::BuildRequest(*match, query, body);
    if (!request.ok()) {
      // Errors go back to the client as JSON: it must be valid UTF-8.
      const std::string json = qrcloud::gateway::StatusJson(request.status());
      if (!qrcloud::core::IsValidUtf8(json)) __builtin_trap();
    }
  }
  for (const auto* type : {qrcloud::v1::Merchant::descriptor(), qrcloud::v1::Campaign::descriptor(),
                           qrcloud::v1::Order::descriptor()}) {
    auto printed = qrcloud::gateway::RenderResponse(type, input);
    if (printed.ok() && !qrcloud::core::IsValidUtf8(printed->body)) __builtin_trap();
  }
  return 0;
}
