#include "tools/qrcloudctl/output.h"

#include <catch2/catch.hpp>

#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/order.pb.h"
#include "tools/qrcloudctl/cli.h"
#include "tools/qrcloudctl/input.h"

namespace qrcloud::ctl {
namespace {

TEST_CASE("Lists print as a table of their short fields in text mode") {
  v1::ListCampaignsResponse list;
  auto* a = list.add_campaigns();
  a->set_id("cmp_1");
  a->set_title("火锅 special");
  a->set_state(v1::Campaign::PUBLISHED);
  a->set_description("long text that a table leaves out");
  a->mutable_price()->set_currency("CNY");
  a->mutable_price()->set_minor(8800);
  auto* b = list.add_campaigns();
  b->set_id("cmp_22");
  b->set_title("Tea");
  b->set_state(v1::Campaign::DRAFT);
  list.mutable_page()->set_next_page_token("cmp_22");
  const std::string text = Render(list, OutputFormat::kText);
  CHECK(text ==
        "ID      TITLE       PRICE      STATE\n"
        "cmp_1   火锅 special  88.00 CNY  PUBLISHED\n"
        "cmp_22  Tea                    DRAFT\n"
        "page.nextPageToken: cmp_22\n");
  CHECK(Render(v1::ListCampaignsResponse(), OutputFormat::kText) == "(none)\n");
  CHECK(Render(list, OutputFormat::kText, /*colour=*/true).rfind("\x1b[1mID", 0) == 0);
}

TEST_CASE("YAML output reads back as the same message") {
  v1::Campaign c;
  c.set_id("cmp_1");
  c.set_title("Spring: 50% off");
  c.set_stock(12);
  c.add_tags("hotpot");
  c.add_tags("true");
  c.mutable_price()->set_currency("CNY");
  c.mutable_price()->set_minor(8800);
  c.set_state(v1::Campaign::PUBLISHED);
  c.add_menu_items()->set_name("Beef");
  c.mutable_start_time()->set_seconds(1796083200);
  const std::string yaml = Render(c, OutputFormat::kYaml);
  CHECK(yaml.find("title: \"Spring: 50% off\"\n") != std::string::npos);
  CHECK(yaml.find("price:\n  currency: CNY\n  minor: 8800\n") != std::string::npos);
  CHECK(yaml.find("menuItems:\n- name: Beef\n") != std::string::npos);
  v1::Campaign back;
  REQUIRE(ParseDocument(yaml, &back).ok());
  CHECK(back.SerializeAsString() == c.SerializeAsString());
}

TEST_CASE("Exit statuses follow the class of the error") {
  CHECK(ExitCodeOf(absl::StatusCode::kOk) == 0);
  CHECK(ExitCodeOf(absl::StatusCode::kInternal) == kExitFailed);
  CHECK(ExitCodeOf(absl::StatusCode::kInvalidArgument) == kExitRefused);
  CHECK(ExitCodeOf(absl::StatusCode::kUnauthenticated) == kExitDenied);
  CHECK(ExitCodeOf(absl::StatusCode::kPermissionDenied) == kExitDenied);
  CHECK(ExitCodeOf(absl::StatusCode::kNotFound) == kExitNotFound);
  CHECK(ExitCodeOf(absl::StatusCode::kAlreadyExists) == kExitConflict);
  CHECK(ExitCodeOf(absl::StatusCode::kFailedPrecondition) == kExitConflict);
  CHECK(ExitCodeOf(absl::StatusCode::kUnavailable) == kExitUnavailable);
  CHECK(ExitCodeOf(absl::StatusCode::kResourceExhausted) == kExitUnavailable);
}

}  // namespace
}  // namespace qrcloud::ctl
