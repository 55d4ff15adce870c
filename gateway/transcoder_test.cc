#include "gateway/transcoder.h"

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "google/api/httpbody.pb.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "qrcloud/v1/auth.pb.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/geo.pb.h"
#include "qrcloud/v1/merchant.pb.h"
#include "qrcloud/v1/order.pb.h"

namespace qrcloud::gateway {
namespace {

struct Fixture {
  RouteTable table = *RouteTable::ForServices(
      {"qrcloud.v1.AuthService", "qrcloud.v1.MerchantService", "qrcloud.v1.GeoService",
       "qrcloud.v1.CampaignService", "qrcloud.v1.CodeService"});

  RouteMatch Find(const char* method, const char* path) {
    RouteTable::Miss miss;
    std::vector<std::string> allowed;
    auto m = table.Find(method, path, &miss, &allowed);
    REQUIRE(m.has_value());
    return *m;
  }
};

std::string Field(const absl::Status& s) {
  auto v = core::FieldViolations(s);
  return v.empty() ? "" : v[0].field;
}

TEST_CASE("Routes come from the descriptors, with 404 and 405 told apart") {
  Fixture f;
  CHECK(f.Find("GET", "/v1/merchants/m1").route->method->name() == "GetMerchant");
  CHECK(f.Find("PATCH", "/v1/merchants/m1").route->method->name() == "UpdateMerchant");
  CHECK(f.Find("POST", "/v1/campaigns/c1:submit").route->method->name() == "SubmitCampaign");
  CHECK(f.Find("GET", "/v1/campaigns:nearby").route->method->name() == "NearbyCampaigns");
  CHECK(f.Find("HEAD", "/v1/merchants/m1").route->method->name() == "GetMerchant");
  RouteTable::Miss miss;
  std::vector<std::string> allowed;
  CHECK_FALSE(f.table.Find("DELETE", "/v1/merchants/m1", &miss, &allowed).has_value());
  CHECK(miss == RouteTable::Miss::kMethodNotAllowed);
  CHECK(allowed == std::vector<std::string>{"GET", "PATCH"});
  allowed.clear();
  CHECK_FALSE(f.table.Find("GET", "/v1/nothing", &miss, &allowed).has_value());
  CHECK(miss == RouteTable::Miss::kNotFound);
}

TEST_CASE("A body:* request takes the JSON body and the path variables") {
  Fixture f;
  auto req = BuildRequest(f.Find("POST", "/v1/merchants/m7/qualification"), "",
                          R"({"licenseNumber":"91350100M000100Y43","legalName":"福州小店"})");
  REQUIRE(req.ok());
  const auto& q = static_cast<const v1::SubmitQualificationRequest&>(**req);
  CHECK(q.id() == "m7");
  CHECK(q.license_number() == "91350100M000100Y43");
  CHECK(q.legal_name() == "福州小店");
}

TEST_CASE("A body:field request parses into the field and infers the update mask") {
  Fixture f;
  auto req = BuildRequest(f.Find("PATCH", "/v1/merchants/m7"), "",
                          R"({"displayName":"New","websiteUrl":"https://x.cn"})");
  REQUIRE(req.ok());
  const auto& u = static_cast<const v1::UpdateMerchantRequest&>(**req);
  CHECK(u.id() == "m7");
  CHECK(u.merchant().display_name() == "New");
  REQUIRE(u.update_mask().paths_size() == 2);
  CHECK(u.update_mask().paths(0) == "display_name");
  CHECK(u.update_mask().paths(1) == "website_url");

  auto explicit_mask = BuildRequest(f.Find("PATCH", "/v1/merchants/m7"), "updateMask=description",
                                    R"({"displayName":"New","description":"d"})");
  REQUIRE(explicit_mask.ok());
  const auto& e = static_cast<const v1::UpdateMerchantRequest&>(**explicit_mask);
  REQUIRE(e.update_mask().paths_size() == 1);
  CHECK(e.update_mask().paths(0) == "description");
}

TEST_CASE("Query parameters fill scalar, repeated, enum and nested fields") {
  Fixture f;
  auto req = BuildRequest(f.Find("GET", "/v1/campaigns:nearby"),
                          "lat=26.07&lng=119.29&radiusM=500&tags=hotpot&tags=noodles&limit=5", "");
  REQUIRE(req.ok());
  const auto& n = static_cast<const v1::NearbyCampaignsRequest&>(**req);
  CHECK(n.lat() == Approx(26.07));
  CHECK(n.radius_m() == 500);
  CHECK(n.tags_size() == 2);
  CHECK(n.tags(1) == "noodles");

  auto list =
      BuildRequest(f.Find("GET", "/v1/merchants"),
                   "qualificationState=PENDING_AUDIT&page.pageSize=10&page.page_token=abc%3D", "");
  REQUIRE(list.ok());
  const auto& l = static_cast<const v1::ListMerchantsRequest&>(**list);
  CHECK(l.qualification_state() == v1::Qualification::PENDING_AUDIT);
  CHECK(l.page().page_size() == 10);
  CHECK(l.page().page_token() == "abc=");
}

TEST_CASE("Bad input names the field and says what is accepted") {
  Fixture f;
  auto create = f.Find("POST", "/v1/accounts");

  auto malformed = BuildRequest(create, "", R"({"kind": "MERCHANT",)");
  CHECK(malformed.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(Field(malformed.status()) == "body");

  auto wrong_type = BuildRequest(f.Find("GET", "/v1/campaigns:nearby"), "radiusM=far", "");
  CHECK(Field(wrong_type.status()) == "radiusM");
  CHECK(wrong_type.status().message().find("\"far\" is not a 32-bit integer") != std::string::npos);

  auto bad_enum = BuildRequest(create, "", R"({"kind":"EMPEROR","login":"a@b.cn"})");
  CHECK(Field(bad_enum.status()) == "kind");
  CHECK(bad_enum.status().message().find("PERSON, MERCHANT, AGENT, PARTNER") != std::string::npos);

  auto json_type = BuildRequest(f.Find("POST", "/v1/merchants/m1/qualification"), "",
                                R"({"licenseNumber": 12})");
  CHECK(json_type.status().code() == absl::StatusCode::kInvalidArgument);

  auto unknown_field = BuildRequest(create, "", R"({"kind":"PERSON","logn":"a@b.cn"})");
  CHECK(Field(unknown_field.status()) == "logn");
  CHECK(unknown_field.status().message().find("unknown field \"logn\"") != std::string::npos);

  auto unknown_param = BuildRequest(f.Find("GET", "/v1/merchants/m1"), "fields=all", "");
  CHECK(Field(unknown_param.status()) == "fields");

  auto body_on_get = BuildRequest(f.Find("GET", "/v1/merchants/m1"), "", "{}");
  CHECK(body_on_get.status().message().find("takes no request body") != std::string::npos);
}

TEST_CASE("Responses render as protobuf JSON, HttpBody raw, errors as google.rpc.Status") {
  v1::CreateAccountResponse resp;
  resp.mutable_account()->set_id("a1");
  resp.mutable_account()->set_kind(v1::Account::MERCHANT);
  auto json = RenderResponse(v1::CreateAccountResponse::descriptor(), resp.SerializeAsString());
  REQUIRE(json.ok());
  CHECK(json->content_type == "application/json");
  CHECK(json->body == R"({"account":{"id":"a1","kind":"MERCHANT"}})");

  google::api::HttpBody body;
  body.set_content_type("image/svg+xml");
  body.set_data("<svg/>");
  auto raw = RenderResponse(google::api::HttpBody::descriptor(), body.SerializeAsString());
  REQUIRE(raw.ok());
  CHECK(raw->content_type == "image/svg+xml");
  CHECK(raw->body == "<svg/>");

  const std::string error = StatusJson(core::InvalidField("password", "too short"));
  CHECK(error.find(R"("code":3)") != std::string::npos);
  CHECK(error.find(R"("message":"password: too short")") != std::string::npos);
  CHECK(error.find(R"("@type":"type.googleapis.com/google.rpc.BadRequest")") != std::string::npos);
  CHECK(error.find(R"("field":"password")") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::gateway

namespace qrcloud::gateway {
namespace {

TEST_CASE("An error naming a query key that is not UTF-8 is valid UTF-8 JSON (fuzzer finding)") {
  const absl::Status s = core::InvalidField("q(\xc0\xa5\xeb\xdc\xff\xff", "unknown \xff");
  const std::string json = StatusJson(s);
  INFO(absl::CEscape(json));
  CHECK(core::IsValidUtf8(json));
  CHECK(json.find("fieldViolations") != std::string::npos);
}

TEST_CASE("Responses of any bytes print as valid UTF-8 JSON (fuzzer finding)") {
  std::string wire;
  REQUIRE(absl::Base64Unescape("L3YxL2NhbXBhaWduczpzZWFyY2g/cSjApevc//9hZ3M9Ygo=", &wire));
  for (const auto* type :
       {v1::Merchant::descriptor(), v1::Campaign::descriptor(), v1::Order::descriptor()}) {
    INFO(type->full_name());
    auto printed = RenderResponse(type, wire);
    if (!printed.ok()) continue;
    INFO(absl::CEscape(printed->body));
    CHECK(core::IsValidUtf8(printed->body));
  }
}

}  // namespace
}  // namespace qrcloud::gateway
