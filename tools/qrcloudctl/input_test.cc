#include "tools/qrcloudctl/input.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"
#include "qrcloud/v1/campaign.pb.h"

namespace qrcloud::ctl {
namespace {

TEST_CASE("A YAML campaign reads as the REST body would") {
  v1::Campaign campaign;
  std::vector<std::string> keys;
  REQUIRE(ParseDocument(R"(title: "Spring hotpot"
mode: ORDER
price: {currency: CNY, minor: 8800}
stock: 50
tags: [hotpot, 火锅]
startTime: 2026-12-01T00:00:00Z
)",
                        &campaign, &keys)
              .ok());
  CHECK(campaign.title() == "Spring hotpot");
  CHECK(campaign.mode() == v1::Campaign::ORDER);
  CHECK(campaign.price().minor() == 8800);
  CHECK(campaign.stock() == 50);
  REQUIRE(campaign.tags_size() == 2);
  CHECK(campaign.tags(1) == "火锅");
  CHECK(campaign.start_time().seconds() == 1796083200);
  CHECK(keys.size() == 6);
}

TEST_CASE("JSON is read too, and quoted numbers stay text") {
  v1::Campaign campaign;
  REQUIRE(ParseDocument(R"({"title": "8800", "stock": "12"})", &campaign).ok());
  CHECK(campaign.title() == "8800");
  CHECK(campaign.stock() == 12);
}

TEST_CASE("A document's mistakes name the field and say what is accepted") {
  v1::Campaign campaign;
  absl::Status unknown = ParseDocument("title: x\ncolour: red\n", &campaign);
  REQUIRE(unknown.code() == absl::StatusCode::kInvalidArgument);
  auto v = core::FieldViolations(unknown);
  REQUIRE(v.size() == 1);
  CHECK(v[0].description.find("unknown field \"colour\"") != std::string::npos);

  absl::Status wrong_type = ParseDocument("title: 5\n", &campaign);
  v = core::FieldViolations(wrong_type);
  REQUIRE(v.size() == 1);
  CHECK(v[0].field == "title");
  CHECK(v[0].description.find("expected string") != std::string::npos);

  absl::Status bad_enum = ParseDocument("mode: SELL\n", &campaign);
  v = core::FieldViolations(bad_enum);
  REQUIRE(v.size() == 1);
  CHECK(v[0].field == "mode");
  CHECK(v[0].description.find("SHOWCASE, ORDER, EXTERNAL") != std::string::npos);

  absl::Status syntax = ParseDocument("title: [unclosed\n", &campaign);
  CHECK(syntax.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(syntax.message()).find("line ") != std::string::npos);

  absl::Status twice = ParseDocument("title: a\ntitle: b\n", &campaign);
  CHECK(std::string(twice.message()).find("given twice") != std::string::npos);

  absl::Status list = ParseDocument("- a\n- b\n", &campaign);
  CHECK(list.code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Files that cannot be read, or are too large, say so by name") {
  auto missing = ReadInputFile("no-such-dir/campaign.yaml", 1024);
  REQUIRE(missing.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(missing.status().message()).find("no-such-dir/campaign.yaml") !=
        std::string::npos);
  auto large = ReadInputFile("/proc/self/exe", 16);
  CHECK(std::string(large.status().message()).find("larger than the 16 bytes") !=
        std::string::npos);
}

}  // namespace
}  // namespace qrcloud::ctl
