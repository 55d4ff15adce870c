#include "gateway/json_printer.h"

#include <catch2/catch.hpp>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <cmath>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "qrcloud/v1/auth.pb.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/code.pb.h"
#include "qrcloud/v1/merchant.pb.h"

namespace qrcloud::gateway {
namespace {

std::string Fast(const google::protobuf::Message& m) {
  std::string out;
  PrintJson(m, &out);
  return out;
}

// Both printers' output, parsed as JSON, must be the same document, and the
// fast output must parse back into the same message.
void CheckAgreesWithProtobuf(const google::protobuf::Message& m) {
  std::string reference;
  REQUIRE(google::protobuf::util::MessageToJsonString(m, &reference).ok());
  const std::string fast = Fast(m);
  INFO("fast:      " << fast);
  INFO("protobuf:  " << reference);
  google::protobuf::Value a, b;
  REQUIRE(google::protobuf::util::JsonStringToMessage(fast, &a).ok());
  REQUIRE(google::protobuf::util::JsonStringToMessage(reference, &b).ok());
  CHECK(google::protobuf::util::MessageDifferencer::Equals(a, b));
  std::unique_ptr<google::protobuf::Message> back(m.New());
  REQUIRE(google::protobuf::util::JsonStringToMessage(fast, back.get()).ok());
  CHECK(google::protobuf::util::MessageDifferencer::Equals(m, *back));
}

TEST_CASE("The fast printer agrees with protobuf's on qrcloud messages") {
  v1::Merchant m;
  m.set_id("01m8brmwptthmyakmhvj3pdv03");
  m.set_display_name("福州小店 \"quoted\" <b>&\n\t\x01 \xe2\x80\xa8");
  m.mutable_qualification()->set_state(v1::Qualification::PENDING_AUDIT);
  m.mutable_qualification()->add_reasons("a");
  m.mutable_qualification()->add_reasons("b");
  m.mutable_location()->set_lat(26.0745);
  m.mutable_location()->set_lng(-119.29650000000001);
  m.set_cloud_business_enabled(true);
  m.mutable_create_time()->set_seconds(1795691283);
  m.mutable_create_time()->set_nanos(969043000);
  m.mutable_update_time()->set_seconds(1795691283);
  m.mutable_update_time()->set_nanos(5);
  CheckAgreesWithProtobuf(m);
  CHECK(Fast(m).find(R"("lat":26.0745)") != std::string::npos);
  CHECK(Fast(m).find(R"("createTime":"2026-11-26T11:08:03.969043Z")") != std::string::npos);

  v1::Campaign c;
  c.mutable_price()->set_currency("CNY");
  c.mutable_price()->set_minor(-1990);
  c.set_stock(int64_t{1} << 60);
  c.set_per_person_limit(-1);
  c.add_tags("火锅");
  c.add_tags("");
  c.mutable_fence()->set_radius_m(500);
  c.mutable_fence()->mutable_origin();  // present but empty
  CheckAgreesWithProtobuf(c);
  CHECK(Fast(c).find(R"("minor":"-1990")") != std::string::npos);

  v1::UploadMediaRequest bytes;
  bytes.set_data(std::string("\x00\xff\x10 binary", 9));
  CheckAgreesWithProtobuf(bytes);

  v1::UpdateMerchantRequest mask;
  mask.mutable_update_mask()->add_paths("display_name");
  mask.mutable_update_mask()->add_paths("qualification.license_number");
  CheckAgreesWithProtobuf(mask);

  v1::DecodeImageResponse nested;
  nested.add_results()->set_text("WIFI:T:WPA;S:a\\;b;P:p;;");
  nested.add_results()->set_format("QR_CODE");
  CheckAgreesWithProtobuf(nested);

  v1::CreateAccountResponse empty;
  CHECK(Fast(empty) == "{}");
}

TEST_CASE("Doubles print shortest and exact, NaN and infinities as strings") {
  v1::GeoPoint p;
  p.set_lat(0.1);
  p.set_lng(1e300);
  CheckAgreesWithProtobuf(p);
  p.set_lat(std::nan(""));
  p.set_lng(-INFINITY);
  CHECK(Fast(p) == R"({"lat":"NaN","lng":"-Infinity"})");
}

TEST_CASE("Messages holding Any fall back to protobuf's resolver") {
  google::rpc::Status status;
  status.set_code(3);
  status.set_message("bad");
  google::rpc::BadRequest bad;
  bad.add_field_violations()->set_field("x");
  status.add_details()->PackFrom(bad);
  CHECK(Fast(status).find(R"("@type":"type.googleapis.com/google.rpc.BadRequest")") != std::string::npos);
  CheckAgreesWithProtobuf(status);
}

}  // namespace
}  // namespace qrcloud::gateway
