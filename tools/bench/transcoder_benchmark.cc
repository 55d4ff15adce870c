// What the gateway spends per request in-process: route matching, building
// the gRPC request from path and query, and rendering the JSON response.
#include <benchmark/benchmark.h>

#include "gateway/routes.h"
#include "gateway/transcoder.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::gateway {
namespace {

const RouteTable& Table() {
  static const RouteTable* t = new RouteTable(*RouteTable::ForServices(
      {"qrcloud.v1.AuthService", "qrcloud.v1.MerchantService", "qrcloud.v1.CampaignService",
       "qrcloud.v1.CodeService", "qrcloud.v1.OrderService", "qrcloud.v1.PersonalService"}));
  return *t;
}

void BM_RouteFind(benchmark::State& state) {
  RouteTable::Miss miss;
  std::vector<std::string> allowed;
  for (auto _ : state) {
    auto m = Table().Find("GET", "/v1/merchants/01m8brmwptthmyakmhvj3pdv03", &miss, &allowed);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_RouteFind);

void BM_BuildGetMerchant(benchmark::State& state) {
  RouteTable::Miss miss;
  std::vector<std::string> allowed;
  auto m = *Table().Find("GET", "/v1/merchants/01m8brmwptthmyakmhvj3pdv03", &miss, &allowed);
  for (auto _ : state) {
    auto req = BuildRequest(m, "", "");
    benchmark::DoNotOptimize(req);
  }
}
BENCHMARK(BM_BuildGetMerchant);

void BM_RenderMerchant(benchmark::State& state) {
  v1::Merchant merchant;
  merchant.set_id("01m8brmwptthmyakmhvj3pdv03");
  merchant.set_display_name("福州小店");
  merchant.set_description("Hotpot since 1998");
  merchant.set_contact_phone("+86 591 8888 0000");
  merchant.mutable_qualification()->set_state(v1::Qualification::PENDING_AUDIT);
  merchant.mutable_qualification()->set_license_number("91350100M000100Y43");
  merchant.mutable_location()->set_lat(26.0745);
  merchant.mutable_location()->set_lng(119.2965);
  merchant.mutable_create_time()->set_seconds(1795691283);
  const std::string bytes = merchant.SerializeAsString();
  for (auto _ : state) {
    auto out = RenderResponse(v1::Merchant::descriptor(), bytes);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RenderMerchant);

}  // namespace
}  // namespace qrcloud::gateway

BENCHMARK_MAIN();
