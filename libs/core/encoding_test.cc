#include "libs/core/encoding.h"

#include <catch2/catch.hpp>

namespace qrcloud::core {
namespace {

TEST_CASE("Hex and base64url round-trip and refuse garbage") {
  const std::string bytes("\x00\x01\xfe\xff qr", 6);
  CHECK(HexEncode(bytes) == "0001feff2071");
  CHECK(*HexDecode("0001feff2071") == bytes);
  CHECK_FALSE(HexDecode("abc").has_value());
  CHECK_FALSE(HexDecode("zz").has_value());
  CHECK(*Base64UrlDecode(Base64UrlEncode(bytes)) == bytes);
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
  CHECK_FALSE(Base64UrlDecode("***").has_value());
}

TEST_CASE("SHA-256 matches the FIPS 180-2 test vector") {
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("The keyed hash is BLAKE2b and depends on its key") {
  // Reference: Python's hashlib.blake2b(b"abc", key=b"key", digest_size=16).
  CHECK(KeyedHashHex("key", "abc", 16) == "2cf02ae16ac225ee731f9d359d8a1c38");
  CHECK(KeyedHashHex("other", "abc", 16) != KeyedHashHex("key", "abc", 16));
  CHECK(HexEncode(std::string("\x00\xff\x10", 3)) == "00ff10");
}

TEST_CASE("HTML escaping leaves no markup and no way out of a quoted attribute") {
  CHECK(HtmlEscape(R"(<a href="x" title='y'>Tom & Jerry</a>)") ==
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;");
  CHECK(HtmlEscape("老王火锅") == "老王火锅");
}

}  // namespace
}  // namespace qrcloud::core
