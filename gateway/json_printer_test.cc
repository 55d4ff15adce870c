#include "gateway/json_printer.h"

#include <catch2/catch.hpp>

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/wrappers.pb.h>

#include <cmath>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/validate.h"

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
  // Straight off the wire, the same text (Any and Struct go the other way).
  std::string wire;
  if (PrintJsonFromWire(m.GetDescriptor(), m.SerializeAsString(), &wire)) CHECK(wire == fast);
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
  CHECK(Fast(status).find(R"("@type":"type.googleapis.com/google.rpc.BadRequest")") !=
        std::string::npos);
  CheckAgreesWithProtobuf(status);
}

TEST_CASE("Timestamps and durations print as protobuf prints them, across the calendar") {
  // Leap days, century years, the epoch, before it, and the ends of the
  // range a Timestamp may hold; each nanosecond precision protobuf uses.
  const int64_t seconds[] = {0,           -1,           951782400,    951868799,
                             4107542399,  -62135596800, 253402300799, 1795691283,
                             -2208988800, 1709164800};
  const int32_t nanos[] = {0, 5, 969043000, 123456000, 1000};
  int64_t x = 88172645463325252;  // xorshift: a spread of dates between the ends
  for (int i = 0; i < 2000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const int64_t s =
        i < 10 ? seconds[i]
               : -62135596800 + static_cast<int64_t>(static_cast<uint64_t>(x) % 315537897600);
    google::protobuf::Timestamp t;
    t.set_seconds(s);
    t.set_nanos(nanos[i % 5]);
    std::string reference;  // MessageToJsonString appends
    REQUIRE(google::protobuf::util::MessageToJsonString(t, &reference).ok());
    INFO("seconds " << s);
    REQUIRE(Fast(t) == reference);
    reference.clear();
    google::protobuf::Duration d;
    d.set_seconds(s % 315576000000);
    d.set_nanos(s < 0 ? -nanos[i % 5] : nanos[i % 5]);
    REQUIRE(google::protobuf::util::MessageToJsonString(d, &reference).ok());
    REQUIRE(Fast(d) == reference);
  }
}

TEST_CASE("Strings escape exactly what protobuf escapes, in long runs too") {
  v1::Merchant m;
  // Every ASCII byte, the two JavaScript line ends, another three-byte
  // character that starts like them, and long plain runs between.
  std::string text;
  for (int c = 1; c < 128; ++c) text.push_back(static_cast<char>(c));
  text += "\xe2\x80\xa8 and \xe2\x80\xa9 and \xe2\x82\xac";
  m.set_description(absl::StrCat(std::string(300, 'a'), text, std::string(300, 'b'), "\"", text));
  std::string reference;
  REQUIRE(google::protobuf::util::MessageToJsonString(m, &reference).ok());
  CHECK(Fast(m) == reference);
  m.set_display_name("福州 \"x\" <b>\n\xe2\x80\xa9");
  reference.clear();
  REQUIRE(google::protobuf::util::MessageToJsonString(m, &reference).ok());
  CHECK(Fast(m) == reference);
}

TEST_CASE("A string field holding bytes that are not UTF-8 prints as valid UTF-8") {
  // Found by tests/fuzz/transcoder_fuzzer: a service can send such bytes
  // (protobuf only logs them), and the JSON went out broken.
  v1::Merchant m;
  m.set_display_name("shop \xff\xfe name");
  const std::string json = Fast(m);
  CHECK(core::IsValidUtf8(json));
  CHECK(json.find("shop \xef\xbf\xbd\xef\xbf\xbd name") != std::string::npos);
}

// ------------------------------------------------------------ wire printer

// A proto3 type with every kind of field the wire printer meets, built at
// run time (the contracts have no maps, oneofs or wrappers yet).
const google::protobuf::Descriptor* AllKinds() {
  using google::protobuf::FieldDescriptorProto;
  static const google::protobuf::Descriptor* type = [] {
    google::protobuf::FileDescriptorProto file;
    file.set_name("wiretest.proto");
    file.set_package("wiretest");
    file.set_syntax("proto3");
    for (const char* dep : {"google/protobuf/timestamp.proto", "google/protobuf/duration.proto",
                            "google/protobuf/wrappers.proto", "google/protobuf/field_mask.proto"}) {
      file.add_dependency(dep);
    }
    auto* color = file.add_enum_type();
    color->set_name("Color");
    int n = 0;
    for (const char* v : {"COLOR_UNSPECIFIED", "RED", "GREEN"}) {
      auto* value = color->add_value();
      value->set_name(v);
      value->set_number(n++);
    }
    auto* inner = file.add_message_type();
    inner->set_name("Inner");
    auto add = [](google::protobuf::DescriptorProto* m, const std::string& name, int number,
                  FieldDescriptorProto::Type field_type, const std::string& type_name = "",
                  FieldDescriptorProto::Label label = FieldDescriptorProto::LABEL_OPTIONAL) {
      auto* f = m->add_field();
      f->set_name(name);
      f->set_number(number);
      f->set_type(field_type);
      f->set_label(label);
      if (!type_name.empty()) f->set_type_name(type_name);
      return f;
    };
    add(inner, "s", 1, FieldDescriptorProto::TYPE_STRING);
    add(inner, "i", 2, FieldDescriptorProto::TYPE_INT32);
    auto* all = file.add_message_type();
    all->set_name("All");
    const auto kRep = FieldDescriptorProto::LABEL_REPEATED;
    int number = 1;
    for (auto t : {FieldDescriptorProto::TYPE_INT32, FieldDescriptorProto::TYPE_INT64,
                   FieldDescriptorProto::TYPE_UINT32, FieldDescriptorProto::TYPE_UINT64,
                   FieldDescriptorProto::TYPE_SINT32, FieldDescriptorProto::TYPE_SINT64,
                   FieldDescriptorProto::TYPE_FIXED32, FieldDescriptorProto::TYPE_FIXED64,
                   FieldDescriptorProto::TYPE_SFIXED32, FieldDescriptorProto::TYPE_SFIXED64,
                   FieldDescriptorProto::TYPE_BOOL, FieldDescriptorProto::TYPE_FLOAT,
                   FieldDescriptorProto::TYPE_DOUBLE, FieldDescriptorProto::TYPE_STRING,
                   FieldDescriptorProto::TYPE_BYTES}) {
      add(all, "f" + std::to_string(number), number, t);
      add(all, "r" + std::to_string(number), number + 100, t, "", kRep);  // packed where it can be
      ++number;
    }
    add(all, "color", 16, FieldDescriptorProto::TYPE_ENUM, ".wiretest.Color");
    add(all, "inner", 17, FieldDescriptorProto::TYPE_MESSAGE, ".wiretest.Inner");
    add(all, "colors", 18, FieldDescriptorProto::TYPE_ENUM, ".wiretest.Color", kRep);
    add(all, "inners", 19, FieldDescriptorProto::TYPE_MESSAGE, ".wiretest.Inner", kRep);
    add(all, "unpacked", 20, FieldDescriptorProto::TYPE_INT32, "", kRep)
        ->mutable_options()
        ->set_packed(false);
    // Maps: an entry type each, as protoc would write it.
    auto add_map = [&](const std::string& name, int field_number, FieldDescriptorProto::Type key,
                       FieldDescriptorProto::Type value, const std::string& value_type = "") {
      auto* entry = all->add_nested_type();
      std::string entry_name = name + "Entry";  // as protoc names it: ByNameEntry
      entry_name[0] = static_cast<char>(entry_name[0] - 'a' + 'A');
      entry->set_name(entry_name);
      entry->mutable_options()->set_map_entry(true);
      add(entry, "key", 1, key);
      add(entry, "value", 2, value, value_type);
      add(all, name, field_number, FieldDescriptorProto::TYPE_MESSAGE,
          ".wiretest.All." + entry_name, kRep);
    };
    add_map("byName", 21, FieldDescriptorProto::TYPE_STRING, FieldDescriptorProto::TYPE_INT32);
    add_map("byId", 22, FieldDescriptorProto::TYPE_INT64, FieldDescriptorProto::TYPE_MESSAGE,
            ".wiretest.Inner");
    add_map("byFlag", 23, FieldDescriptorProto::TYPE_BOOL, FieldDescriptorProto::TYPE_STRING);
    // A oneof, and a proto3 optional (a synthetic oneof of its own).
    all->add_oneof_decl()->set_name("choice");
    add(all, "cStr", 24, FieldDescriptorProto::TYPE_STRING)->set_oneof_index(0);
    add(all, "cInner", 25, FieldDescriptorProto::TYPE_MESSAGE, ".wiretest.Inner")
        ->set_oneof_index(0);
    all->add_oneof_decl()->set_name("_opt");
    auto* opt = add(all, "opt", 26, FieldDescriptorProto::TYPE_INT32);
    opt->set_oneof_index(1);
    opt->set_proto3_optional(true);
    add(all, "ts", 27, FieldDescriptorProto::TYPE_MESSAGE, ".google.protobuf.Timestamp");
    add(all, "du", 28, FieldDescriptorProto::TYPE_MESSAGE, ".google.protobuf.Duration");
    add(all, "wInt", 29, FieldDescriptorProto::TYPE_MESSAGE, ".google.protobuf.Int32Value");
    add(all, "wStr", 30, FieldDescriptorProto::TYPE_MESSAGE, ".google.protobuf.StringValue");
    add(all, "mask", 31, FieldDescriptorProto::TYPE_MESSAGE, ".google.protobuf.FieldMask");
    add(all, "far", 100000, FieldDescriptorProto::TYPE_UINT32);  // beyond the dense lookup
    static google::protobuf::DescriptorPool pool(
        google::protobuf::DescriptorPool::generated_pool());
    const google::protobuf::FileDescriptor* built = pool.BuildFile(file);
    REQUIRE(built != nullptr);
    return built->FindMessageTypeByName("All");
  }();
  return type;
}

// Fills `m` with random values: each field set with probability 1/2.
void Fill(google::protobuf::Message* m, std::mt19937_64& rng, int depth = 0) {
  using google::protobuf::FieldDescriptor;
  const auto* r = m->GetReflection();
  const auto* d = m->GetDescriptor();
  auto text = [&] {
    static const char* const kPieces[] = {"a",  "福", "\"",   "<", "\n", "\xe2\x80\xa8",
                                          "_x", "€",  "\x7f", " "};
    std::string t;
    for (int i = rng() % 6; i > 0; --i) t += kPieces[rng() % 10];
    return t;
  };
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (rng() % 2) continue;
    // One entry per map at most: two with the same key would leave the
    // serializer's bytes with a key twice.
    const int count = f->is_map() ? 1 : f->is_repeated() ? static_cast<int>(rng() % 4) : 1;
    for (int k = 0; k < count; ++k) {
      const bool zero = rng() % 4 == 0;  // defaults, which proto3 leaves off the wire
      const uint64_t bits = zero ? 0 : rng() >> (rng() % 64);
      switch (f->cpp_type()) {
#define QR_SET(T, ADD, SET, V)                          \
  f->is_repeated() ? r->ADD(m, f, V) : r->SET(m, f, V); \
  break;
        case FieldDescriptor::CPPTYPE_INT32:
          QR_SET(int32_t, AddInt32, SetInt32, static_cast<int32_t>(bits))
        case FieldDescriptor::CPPTYPE_INT64:
          QR_SET(int64_t, AddInt64, SetInt64, static_cast<int64_t>(bits * (rng() % 2 ? 1 : -1)))
        case FieldDescriptor::CPPTYPE_UINT32:
          QR_SET(uint32_t, AddUInt32, SetUInt32, static_cast<uint32_t>(bits))
        case FieldDescriptor::CPPTYPE_UINT64:
          QR_SET(uint64_t, AddUInt64, SetUInt64, bits)
        case FieldDescriptor::CPPTYPE_BOOL:
          QR_SET(bool, AddBool, SetBool, bits % 2 == 1)
        case FieldDescriptor::CPPTYPE_FLOAT:
          QR_SET(float, AddFloat, SetFloat, zero ? 0.0f : static_cast<float>(bits % 100000) / 7.0f)
        case FieldDescriptor::CPPTYPE_DOUBLE:
          QR_SET(double, AddDouble, SetDouble, zero ? 0.0 : static_cast<double>(bits) / 3.0)
        case FieldDescriptor::CPPTYPE_ENUM:
          QR_SET(int, AddEnumValue, SetEnumValue, zero ? 0 : static_cast<int>(bits % 4))
        case FieldDescriptor::CPPTYPE_STRING: {
          std::string v = zero ? "" : text();
          if (f->type() == FieldDescriptor::TYPE_BYTES && !zero)
            v.push_back(static_cast<char>(rng()));
          QR_SET(std::string, AddString, SetString, v)
        }
#undef QR_SET
        case FieldDescriptor::CPPTYPE_MESSAGE: {
          if (depth > 3) break;
          google::protobuf::Message* sub =
              f->is_repeated() ? r->AddMessage(m, f) : r->MutableMessage(m, f);
          const std::string& type = f->message_type()->full_name();
          if (type == "google.protobuf.Timestamp") {
            sub->GetReflection()->SetInt64(sub, sub->GetDescriptor()->field(0),
                                           static_cast<int64_t>(rng() % 253402300799));
            sub->GetReflection()->SetInt32(sub, sub->GetDescriptor()->field(1),
                                           static_cast<int32_t>(rng() % 1000) * 1000000);
          } else if (type == "google.protobuf.Duration") {
            const int64_t sec = static_cast<int64_t>(rng() % 100000) - 50000;
            sub->GetReflection()->SetInt64(sub, sub->GetDescriptor()->field(0), sec);
            sub->GetReflection()->SetInt32(sub, sub->GetDescriptor()->field(1),
                                           sec < 0 ? -5000 : 5000);
          } else if (type == "google.protobuf.FieldMask") {
            sub->GetReflection()->AddString(sub, sub->GetDescriptor()->field(0), "display_name");
            sub->GetReflection()->AddString(sub, sub->GetDescriptor()->field(0),
                                            "qualification.legal_name");
          } else {
            Fill(sub, rng, depth + 1);
          }
          break;
        }
      }
    }
  }
}

std::string ViaParse(const google::protobuf::Message& m) {
  std::string out;
  PrintJson(m, &out);
  return out;
}

TEST_CASE("The wire printer prints what parsing and printing would, for every kind of field") {
  google::protobuf::DynamicMessageFactory factory;
  const google::protobuf::Message* prototype = factory.GetPrototype(AllKinds());
  std::mt19937_64 rng(20261126);
  int printed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::unique_ptr<google::protobuf::Message> m(prototype->New());
    Fill(m.get(), rng);
    const std::string bytes = m->SerializeAsString();
    std::string wire;
    const bool ok = PrintJsonFromWire(AllKinds(), bytes, &wire);
    INFO("message: " << m->ShortDebugString());
    INFO("wire:    " << wire);
    REQUIRE(ok);  // a serializer's own output is always taken
    // Maps may come in another order; everything else is the same text.
    std::string reference;
    REQUIRE(google::protobuf::util::MessageToJsonString(*m, &reference).ok());
    google::protobuf::Value a, b;
    REQUIRE(google::protobuf::util::JsonStringToMessage(wire, &a).ok());
    REQUIRE(google::protobuf::util::JsonStringToMessage(reference, &b).ok());
    INFO("protobuf: " << reference);
    REQUIRE(google::protobuf::util::MessageDifferencer::Equals(a, b));
    if (wire == ViaParse(*m)) ++printed;
  }
  CHECK(printed > 1000);  // the map-free ones, byte for byte
}

TEST_CASE("Bytes a serializer would not write go the parse-and-print way, never printed wrong") {
  google::protobuf::DynamicMessageFactory factory;
  const google::protobuf::Message* prototype = factory.GetPrototype(AllKinds());
  std::mt19937_64 rng(7);
  int declined = 0, taken = 0;
  for (int i = 0; i < 3000; ++i) {
    std::unique_ptr<google::protobuf::Message> a(prototype->New()), b(prototype->New());
    Fill(a.get(), rng);
    Fill(b.get(), rng);
    std::string bytes;
    switch (i % 4) {
      case 0:
        bytes = a->SerializeAsString() + b->SerializeAsString();
        break;  // a merge
      case 1:
        bytes = a->SerializeAsString().substr(0, rng() % (a->ByteSizeLong() + 1));
        break;
      case 2:  // a flipped byte
        bytes = a->SerializeAsString();
        if (!bytes.empty()) bytes[rng() % bytes.size()] ^= static_cast<char>(1 << (rng() % 8));
        break;
      case 3:
        bytes = b->SerializeAsString() + a->SerializeAsString().substr(0, 3);
        break;
    }
    std::string wire;
    const bool ok = PrintJsonFromWire(AllKinds(), bytes, &wire);
    std::unique_ptr<google::protobuf::Message> parsed(prototype->New());
    const bool parses = parsed->ParseFromString(bytes);
    if (!ok) {
      CHECK(wire.empty());
      ++declined;
      continue;
    }
    ++taken;
    INFO("bytes that printed: " << absl::CHexEscape(bytes));
    REQUIRE(parses);
    std::string reference = ViaParse(*parsed);
    google::protobuf::Value x, y;
    REQUIRE(google::protobuf::util::JsonStringToMessage(wire, &x).ok());
    REQUIRE(google::protobuf::util::JsonStringToMessage(reference, &y).ok());
    REQUIRE(google::protobuf::util::MessageDifferencer::Equals(x, y));
  }
  CHECK(declined > 100);
  CHECK(taken > 100);
}

TEST_CASE("The wire printer declines Any and Struct, and the answer is the same either way") {
  google::rpc::Status status;
  status.set_message("bad");
  google::rpc::BadRequest bad;
  bad.add_field_violations()->set_field("x");
  status.add_details()->PackFrom(bad);
  std::string out = "kept";
  CHECK_FALSE(PrintJsonFromWire(status.GetDescriptor(), status.SerializeAsString(), &out));
  CHECK(out == "kept");
  v1::Merchant m;
  m.set_id("x");
  m.mutable_create_time()->set_seconds(1);
  out.clear();
  REQUIRE(PrintJsonFromWire(m.GetDescriptor(), m.SerializeAsString(), &out));
  CHECK(out == R"({"id":"x","createTime":"1970-01-01T00:00:01Z"})");
}

}  // namespace
}  // namespace qrcloud::gateway
