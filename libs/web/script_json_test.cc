#include "libs/web/script_json.h"

#include <catch2/catch.hpp>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace qrcloud::web {
namespace {

TEST_CASE("Script JSON escapes what could end or confuse a <script> element") {
  CHECK(ScriptJsonString("</script>") == R"("\u003c/script\u003e")");
  CHECK(ScriptJsonString("<!--") == R"("\u003c!--")");
  CHECK(ScriptJsonString("a&b") == R"("a\u0026b")");
  CHECK(ScriptJsonString("\xE2\x80\xA8\xE2\x80\xA9") == R"("\u2028\u2029")");
  CHECK(ScriptJsonString("say \"hi\"\\") == R"("say \"hi\"\\")");
  CHECK(ScriptJsonString(std::string("a\nb\tc\x01\0", 7)) == R"("a\nb\tc\u0001\u0000")");
  CHECK(ScriptJsonString("老王 'x'") == R"("老王 'x'")");
}

TEST_CASE("Script JSON replaces bytes that are not UTF-8") {
  CHECK(ScriptJsonString("a\xFF"
                         "b") == R"("a\ufffdb")");
  CHECK(ScriptJsonString("\xE4\xB8") == R"("\ufffd\ufffd")");             // truncated 中
  CHECK(ScriptJsonString("\xC0\xAF") == R"("\ufffd\ufffd")");             // overlong /
  CHECK(ScriptJsonString("\xED\xA0\x80") == R"("\ufffd\ufffd\ufffd")");   // a surrogate
  CHECK(ScriptJsonString("\xF0\x9F\x8D\xB2") == "\"\xF0\x9F\x8D\xB2\"");  // 🍲 stays
}

TEST_CASE("Script JSON objects read back as the same values") {
  ScriptJsonObject inner;
  inner.AddString("msg", "</script>\xE2\x80\xA8");
  ScriptJsonObject o;
  o.AddString("id", "a<b").AddInt("max", 99).AddBool("fence", true).AddObject("t", inner);
  CHECK(o.Json() ==
        R"({"id":"a\u003cb","max":99,"fence":true,"t":{"msg":"\u003c/script\u003e\u2028"}})");
  google::protobuf::Struct parsed;
  REQUIRE(google::protobuf::util::JsonStringToMessage(o.Json(), &parsed).ok());
  CHECK(parsed.fields().at("id").string_value() == "a<b");
  CHECK(parsed.fields().at("max").number_value() == 99);
  CHECK(parsed.fields().at("fence").bool_value());
  CHECK(parsed.fields().at("t").struct_value().fields().at("msg").string_value() ==
        "</script>\xE2\x80\xA8");
}

}  // namespace
}  // namespace qrcloud::web
