// The fast JSON path against protobuf's own parser: whatever it accepts, it
// must read exactly as JsonStringToMessage (ignore_unknown_fields) does, and
// what protobuf itself prints it must accept.
#include "libs/core/fast_json.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/order.pb.h"
#include "qrcloud/v1/partner.pb.h"

namespace qrcloud::core {
namespace {

using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

// Protobuf's verdict on `json`, as the events' readers (unknown fields
// ignored) or the requests' (refused) ask for it.
bool ProtobufParse(const std::string& json, Message* out, bool ignore_unknown) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = ignore_unknown;
  return google::protobuf::util::JsonStringToMessage(json, out, options).ok();
}

// The one promise: a fast success is protobuf's success with the same
// message, in either mode. Returns whether the fast path took it (ignoring
// unknown fields).
template <typename M>
bool Agrees(const std::string& json) {
  M strict;
  if (FastJsonToMessage(json, &strict, /*ignore_unknown_fields=*/false)) {
    M slow;
    INFO("json (unknown fields refused): " << json);
    REQUIRE(ProtobufParse(json, &slow, false));
    REQUIRE(MessageDifferencer::Equals(strict, slow));
  }
  M fast;
  const bool took = FastJsonToMessage(json, &fast);
  if (took) {
    M slow;
    INFO("json: " << json);
    REQUIRE(ProtobufParse(json, &slow, true));
    INFO("fast: " << fast.ShortDebugString() << "\nprotobuf: " << slow.ShortDebugString());
    REQUIRE(MessageDifferencer::Equals(fast, slow));
  }
  return took;
}

v1::Order SampleOrder(std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::vector<std::string> texts = {"",
                                          "o-1",
                                          "蜀香园 川菜",
                                          "quote \" backslash \\ slash /",
                                          "tab\tnew\nline",
                                          "emoji 😀 and 𝄞",
                                          "\x01 control",
                                          "é\xC3\xA9",
                                          "<script>&amp;</script>"};
  v1::Order o;
  o.set_id(texts[pick(texts.size())] + std::to_string(rng()));
  o.set_merchant_id(texts[pick(texts.size())]);
  o.set_quantity(static_cast<int32_t>(rng()));
  o.mutable_total()->set_currency("CNY");
  o.mutable_total()->set_minor(static_cast<int64_t>(rng()));
  o.set_state(static_cast<v1::Order::State>(pick(6)));
  o.set_source(static_cast<v1::Order::Source>(pick(3)));
  o.set_landing_status(static_cast<v1::Order::LandingStatus>(pick(6)));
  if (pick(2)) {
    o.mutable_receipt()->set_number(texts[pick(texts.size())]);
    o.mutable_receipt()->mutable_expire_time()->set_seconds(
        static_cast<int64_t>(rng() % 253402300799ull));
    o.mutable_receipt()->mutable_expire_time()->set_nanos(
        pick(3) == 0 ? 0 : static_cast<int32_t>(rng() % 1000000000));
  }
  for (int i = pick(4); i > 0; --i) {
    v1::OrderItem* item = o.add_items();
    item->set_menu_item_id(texts[pick(texts.size())]);
    item->set_name(texts[pick(texts.size())]);
    item->set_quantity(-pick(1000));
    item->mutable_unit_price()->set_minor(-static_cast<int64_t>(rng() >> 1));
  }
  if (pick(2)) o.mutable_create_time()->set_seconds(static_cast<int64_t>(rng() % 4000000000ull));
  return o;
}

v1::Campaign SampleCampaign(std::mt19937_64& rng) {
  v1::Campaign c;
  c.set_id(std::to_string(rng()));
  c.set_title("春季特惠 Spring offer");
  c.set_per_person_limit(static_cast<int32_t>(rng() % 100));
  c.set_has_pending_revision(rng() % 2 == 0);
  for (int i = static_cast<int>(rng() % 3); i > 0; --i) c.add_tags("tag" + std::to_string(i));
  c.mutable_fence()->mutable_origin()->set_lat(
      std::uniform_real_distribution<double>(-90, 90)(rng));
  c.mutable_fence()->mutable_origin()->set_lng(
      std::uniform_real_distribution<double>(-180, 180)(rng));
  c.mutable_fence()->set_radius_m(static_cast<int32_t>(rng() % 100000));
  v1::MenuItem* item = c.add_menu_items();
  item->set_name("麻婆豆腐");
  item->set_sold_out(true);
  item->mutable_price()->set_minor(1990);
  return c;
}

template <typename M>
void RoundTrips(const M& original) {
  for (int variant = 0; variant < 4; ++variant) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = (variant & 1) != 0;
    options.always_print_primitive_fields = (variant & 2) != 0;
    std::string json;
    REQUIRE(google::protobuf::util::MessageToJsonString(original, &json, options).ok());
    INFO("json: " << json);
    M fast;
    REQUIRE(FastJsonToMessage(json, &fast));
    CHECK(MessageDifferencer::Equals(fast, original));
  }
}

TEST_CASE("What protobuf prints, the fast path reads back exactly") {
  std::mt19937_64 rng(20261206);
  for (int i = 0; i < 300; ++i) {
    RoundTrips(SampleOrder(rng));
    RoundTrips(SampleCampaign(rng));
  }
}

TEST_CASE("The events that come in bulk take the fast path and read as protobuf reads them") {
  CHECK(Agrees<v1::PartnerScanValid>(
      R"({"scanEventId":"bench-scan-000000001","partnerId":"p-1","placementId":"pl",)"
      R"("cpc":{"currency":"CNY","minor":"5"},"scanTime":"2026-12-06T20:00:00.123Z"})"));
  CHECK(Agrees<v1::Order>(
      R"({"id":"o1","merchantId":"m1","total":{"currency":"CNY","minor":"1990"},)"
      R"("state":"REDEEMED","items":[{"name":"a","quantity":2}],"newerField":{"x":[1,2,{"y":null}]}})"));
  CHECK(Agrees<v1::Order>(R"(  {"merchant_id":"m1","quantity":-3,"total":{"minor":12}} )"));
  CHECK(Agrees<v1::Order>(R"({"id":"\u86c7\ud83d\ude00\n\"\\\/"})"));
  CHECK(Agrees<v1::Order>(R"({"items":[]})"));
  CHECK(Agrees<v1::Campaign>(
      R"({"fence":{"origin":{"lat":-0,"lng":1e2}},"hasPendingRevision":false})"));
  CHECK(Agrees<v1::Order>(R"({"createTime":"2026-12-06T20:00:00+08:00"})"));
  // A request's unknown field is left to protobuf, whose error names it.
  v1::Order o;
  CHECK_FALSE(FastJsonToMessage(R"({"id":"o1","colour":"red"})", &o, false));
  o.Clear();
  CHECK(FastJsonToMessage(R"({"id":"o1","colour":"red"})", &o, true));
  CHECK(o.id() == "o1");
}

TEST_CASE("Input the fast path is unsure of is left to protobuf, never read differently") {
  const std::vector<std::string> inputs = {
      "",
      "null",
      "[]",
      "{",
      R"({"id":"a",})",
      R"({"id":"a"} x)",
      R"({"id":null})",
      R"({"id":"a","id":"b"})",
      R"({"id":"a","merchant_id":"m","merchantId":"n"})",
      R"({"quantity":"12"})",
      R"({"quantity":1.0})",
      R"({"quantity":1e2})",
      R"({"quantity":2147483648})",
      R"({"quantity":-2147483649})",
      R"({"quantity":012})",
      R"({"quantity":"-0"})",
      R"({"quantity":" 1"})",
      R"({"total":{"minor":"9223372036854775808"}})",
      R"({"total":{"minor":-9223372036854775808}})",
      R"({"state":3})",
      R"({"state":"redeemed"})",
      R"({"state":"NO_SUCH_STATE"})",
      R"({"id":"\ud800"})",
      R"({"id":"\udc00x"})",
      "{\"id\":\"\xC3\x28\"}",
      "{\"id\":\"\xE0\x80\xAF\"}",
      "{\"id\":\"\xED\xA0\x80\"}",
      "{\"id\":\"\xF4\x90\x80\x80\"}",
      "{\"id\":\"a\tb\"}",
      R"({"id":"\x"})",
      R"({"createTime":"yesterday"})",
      R"({"createTime":"2026-13-01T00:00:00Z"})",
      R"({"createTime":{"seconds":1}})",
      R"({"items":[null]})",
      R"({"items":{}})",
      R"({"receipt":"r"})",
      R"({"unknown":[1,2,)",
      R"({"unknown":tru})",
      R"({"unknown":-})",
      R"({"unknown":1.})",
      R"({"unknown":"\ud800"})",
  };
  for (const std::string& json : inputs) Agrees<v1::Order>(json);
  Agrees<v1::Campaign>(R"({"fence":{"origin":{"lat":"1.5"}}})");
  Agrees<v1::Campaign>(R"({"fence":{"origin":{"lat":1e999}}})");
  Agrees<v1::Campaign>(R"({"hasPendingRevision":"true"})");
  // A few it must not take, whatever protobuf says of them.
  v1::Order o;
  CHECK_FALSE(FastJsonToMessage(R"({"id":null})", &o));
  o.Clear();
  CHECK_FALSE(FastJsonToMessage(R"({"id":"a"} x)", &o));
  o.Clear();
  CHECK_FALSE(FastJsonToMessage("{\"id\":\"\xC3\x28\"}", &o));
}

TEST_CASE("Mangled events are read as protobuf reads them or left to it") {
  std::mt19937_64 rng(7);
  std::vector<std::string> seeds;
  for (int i = 0; i < 20; ++i) {
    std::string json;
    REQUIRE(google::protobuf::util::MessageToJsonString(SampleOrder(rng), &json).ok());
    seeds.push_back(json);
  }
  const std::string alphabet = "{}[]\":,\\ 0123456789-.eEtrufalsnu\x80\xC3\xE6";
  int taken = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string json = seeds[rng() % seeds.size()];
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0 && !json.empty(); --edits) {
      const size_t at = rng() % json.size();
      switch (rng() % 3) {
        case 0:
          json.erase(at, 1);
          break;
        case 1:
          json.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          json[at] = alphabet[rng() % alphabet.size()];
          break;
      }
    }
    if (Agrees<v1::Order>(json)) ++taken;
  }
  CHECK(taken > 0);  // some mangled events are still events, and agree
}

}  // namespace
}  // namespace qrcloud::core
