#include "gateway/path_template.h"

#include <catch2/catch.hpp>

namespace qrcloud::gateway {
namespace {

PathTemplate T(const char* text) {
  auto t = PathTemplate::Parse(text);
  REQUIRE(t.ok());
  return *t;
}

TEST_CASE("Literal and single-variable templates match whole segments") {
  auto t = T("/v1/merchants/{id}");
  auto b = t.Match("/v1/merchants/abc");
  REQUIRE(b.has_value());
  CHECK(*b == PathTemplate::Bindings{{"id", "abc"}});
  CHECK_FALSE(t.Match("/v1/merchants").has_value());
  CHECK_FALSE(t.Match("/v1/merchants/").has_value());
  CHECK_FALSE(t.Match("/v1/merchants/abc/stats").has_value());
  CHECK_FALSE(t.Match("/v1/merchant/abc").has_value());
}

TEST_CASE("Variables are percent-decoded") {
  auto b = T("/v1/things/{name}").Match("/v1/things/a%20b%2Fc");
  REQUIRE(b.has_value());
  CHECK((*b)[0].second == "a b/c");
  CHECK_FALSE(T("/v1/things/{name}").Match("/v1/things/bad%zz").has_value());
}

TEST_CASE("Custom verbs match only with their verb") {
  auto t = T("/v1/campaigns/{id}:submit");
  auto b = t.Match("/v1/campaigns/c1:submit");
  REQUIRE(b.has_value());
  CHECK((*b)[0].second == "c1");
  CHECK_FALSE(t.Match("/v1/campaigns/c1").has_value());
  CHECK_FALSE(t.Match("/v1/campaigns/c1:pause").has_value());
  auto nearby = T("/v1/campaigns:nearby");
  CHECK(nearby.Match("/v1/campaigns:nearby").has_value());
  CHECK_FALSE(nearby.Match("/v1/campaigns").has_value());
  CHECK_FALSE(T("/v1/campaigns/{id}").Match("/v1/campaigns:nearby").has_value());
}

TEST_CASE("{name=**} captures the rest of the path, slashes included") {
  auto t = T("/v1/{name=files/**}");
  auto b = t.Match("/v1/files/a/b/c.png");
  REQUIRE(b.has_value());
  CHECK((*b)[0] == std::make_pair(std::string("name"), std::string("files/a/b/c.png")));
  CHECK_FALSE(t.Match("/v1/files").has_value());
  auto nested = T("/v1/{parent=shops/*}/items/{item.id}");
  auto nb = nested.Match("/v1/shops/s1/items/i9");
  REQUIRE(nb.has_value());
  CHECK((*nb)[0].second == "shops/s1");
  CHECK((*nb)[1] == std::make_pair(std::string("item.id"), std::string("i9")));
}

TEST_CASE("Bad templates are refused with a reason") {
  CHECK_FALSE(PathTemplate::Parse("v1/x").ok());
  CHECK_FALSE(PathTemplate::Parse("/v1/{id").ok());
  CHECK_FALSE(PathTemplate::Parse("/v1/**/x").ok());
  CHECK_FALSE(PathTemplate::Parse("/v1/{1bad}").ok());
  CHECK_FALSE(PathTemplate::Parse("/v1/x/").ok());
  CHECK(PathTemplate::Parse("/v1/x:").status().message().find("empty verb") != std::string::npos);
}

TEST_CASE("More literal templates are more specific, OpenAPI paths name variables") {
  CHECK(T("/v1/me/orders").Specificity() > T("/v1/me/{id}").Specificity());
  CHECK(T("/v1/campaigns/{id}:submit").Specificity() > T("/v1/campaigns/{id}").Specificity());
  CHECK(T("/v1/{name=files/**}").OpenApiPath() == "/v1/{name}");
  CHECK(T("/v1/campaigns/{id}:submit").OpenApiPath() == "/v1/campaigns/{id}:submit");
}

}  // namespace
}  // namespace qrcloud::gateway
