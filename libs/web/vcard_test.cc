#include "libs/web/vcard.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_split.h"

namespace qrcloud::web {
namespace {

TEST_CASE("vCard text values escape backslash, semicolon, comma and newlines") {
  CHECK(VCardEscape(R"(a\b;c,d)") == R"(a\\b\;c\,d)");
  CHECK(VCardEscape("one\ntwo\r\nthree\rfour") == R"(one\ntwo\nthree\nfour)");
  CHECK(VCardEscape("老王: 火锅") == "老王: 火锅");  // colons need no escape in values
}

TEST_CASE("A merchant's vCard 3.0 has every field it knows, escaped, with CRLF line ends") {
  v1::Merchant m;
  m.set_display_name("Wang, Lao; Hotpot");
  m.set_description("Open late\nNo reservations");
  m.set_contact_phone("+86 138-0000-0000");
  m.set_contact_email("hi@laowang.example");
  m.set_website_url("https://laowang.example/a,b;c");
  m.set_address("88 Jianguo Rd, Chaoyang");
  m.mutable_location()->set_lat(39.9087);
  m.mutable_location()->set_lng(116.3975);
  CHECK(VCard(m, "https://q.example/c/m1") ==
        "BEGIN:VCARD\r\n"
        "VERSION:3.0\r\n"
        "FN:Wang\\, Lao\\; Hotpot\r\n"
        "N:Wang\\, Lao\\; Hotpot;;;;\r\n"
        "ORG:Wang\\, Lao\\; Hotpot\r\n"
        "NOTE:Open late\\nNo reservations\r\n"
        "TEL;TYPE=WORK,VOICE:+86 138-0000-0000\r\n"
        "EMAIL;TYPE=INTERNET:hi@laowang.example\r\n"
        "ADR;TYPE=WORK:;;88 Jianguo Rd\\, Chaoyang;;;;\r\n"
        "GEO:39.908700;116.397500\r\n"
        "URL:https://laowang.example/a,b;c\r\n"
        "SOURCE:https://q.example/c/m1\r\n"
        "END:VCARD\r\n");
}

TEST_CASE("A vCard leaves out what the merchant has not filled in") {
  v1::Merchant m;
  m.set_display_name("小店");
  CHECK(VCard(m, "") ==
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:小店\r\nN:小店;;;;\r\nORG:小店\r\nEND:VCARD\r\n");
  CHECK(VCard(m, "https://q.example/c/1").find("URL:https://q.example/c/1\r\n") !=
        std::string::npos);
}

TEST_CASE("Long vCard lines fold at 75 octets, never inside a character") {
  v1::Merchant m;
  m.set_display_name("店");
  m.set_description(std::string(100, 'x') + "火锅火锅火锅火锅火锅火锅火锅火锅火锅火锅");
  const std::string card = VCard(m, "");
  std::string note;
  for (absl::string_view line : absl::StrSplit(card, "\r\n")) {
    CHECK(line.size() <= 75);
    if (line.substr(0, 5) == "NOTE:") {
      note = std::string(line);
    } else if (!note.empty() && !line.empty() && line[0] == ' ') {
      note += std::string(line.substr(1));  // unfold
    }
  }
  CHECK(note == "NOTE:" + m.description());
}

}  // namespace
}  // namespace qrcloud::web
