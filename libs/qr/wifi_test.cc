#include "libs/qr/wifi.h"

#include <catch2/catch.hpp>

namespace qrcloud::qr {
namespace {

TEST_CASE("Wi-Fi payloads escape backslash, semicolon, comma, colon and quote") {
  CHECK(WifiPayload("Cafe", "secret", "WPA", false) == "WIFI:T:WPA;S:Cafe;P:secret;;");
  CHECK(WifiPayload(R"(a;b,c:d\e"f)", R"(p;w,d:\")", "WPA", false) ==
        R"(WIFI:T:WPA;S:a\;b\,c\:d\\e\"f;P:p\;w\,d\:\\\";;)");
  CHECK(WifiPayload("老王火锅", "12345678", "WEP", false) == "WIFI:T:WEP;S:老王火锅;P:12345678;;");
}

TEST_CASE("Open networks leave the password out and hidden ones say so") {
  CHECK(WifiPayload("Guest", "ignored", "nopass", false) == "WIFI:T:nopass;S:Guest;;");
  CHECK(WifiPayload("Back office", "pw", "WPA", true) == "WIFI:T:WPA;S:Back office;P:pw;H:true;;");
}

}  // namespace
}  // namespace qrcloud::qr
