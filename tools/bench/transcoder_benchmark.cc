// What the gateway spends per request in-process: route matching, building
// the gRPC request from path and query, and rendering the JSON response.
#include <benchmark/benchmark.h>

#include <google/protobuf/util/json_util.h>

#include "gateway/json_printer.h"
#include "gateway/routes.h"
#include "gateway/transcoder.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::gateway {
namespace {

const RouteTable& Table() {
  static const RouteTable* t = new RouteTable(*RouteTable::ForServices(
      {"qrcloud.v1.AuthService", "qrcloud.v1.MerchantService", "qrcloud.v1.CampaignService",
       "qrcloud.v1.CodeService", "qrcloud.v1.OrderService", "qrcloud.v1.WalletService"}));
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

// A merchant as GET /v1/merchants/{id} answers it, serialized.
std::string MerchantBytes() {
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
  merchant.mutable_update_time()->set_seconds(1795691283);
  merchant.mutable_update_time()->set_nanos(969043000);
  return merchant.SerializeAsString();
}

// The gateway's path: JSON straight from the wire bytes.
void BM_RenderMerchant(benchmark::State& state) {
  const std::string bytes = MerchantBytes();
  for (auto _ : state) {
    auto out = RenderResponse(v1::Merchant::descriptor(), bytes);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RenderMerchant);

// The fallback: parse, then the reflection printer.
void BM_RenderMerchantParsed(benchmark::State& state) {
  const std::string bytes = MerchantBytes();
  for (auto _ : state) {
    v1::Merchant m;
    m.ParseFromString(bytes);
    std::string out;
    PrintJson(m, &out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RenderMerchantParsed);

// The reference: protobuf's own printer, after the same parse.
void BM_RenderMerchantProtobuf(benchmark::State& state) {
  const std::string bytes = MerchantBytes();
  for (auto _ : state) {
    v1::Merchant m;
    m.ParseFromString(bytes);
    std::string out;
    (void)google::protobuf::util::MessageToJsonString(m, &out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RenderMerchantProtobuf);

}  // namespace
}  // namespace qrcloud::gateway

BENCHMARK_MAIN();
