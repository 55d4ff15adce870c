#include "libs/qr/encoder.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"
#include "libs/qr/decoder.h"
#include "libs/qr/png_renderer.h"

namespace qrcloud::qr {
namespace {

// What ZXing reads back from `matrix` rendered as a PNG.
std::string ReadBack(const Matrix& matrix) {
  PngOptions options;
  options.size = std::max(kMinPngSize, (matrix.size() + 8) * 4);
  auto results = Decode(RenderPng(matrix, options).value());
  REQUIRE(results.ok());
  REQUIRE(results->size() == 1);
  return (*results)[0].text;
}

TEST_CASE("A short URL encodes at the smallest version that holds it") {
  auto matrix = Encode("https://qr.example.com/s/abc123");  // 31 bytes
  REQUIRE(matrix.ok());
  CHECK(matrix->version() == 3);  // version 2-M holds 26 bytes, 3-M holds 42
  CHECK(matrix->size() == 29);
  CHECK(matrix->level() == EcLevel::kMedium);
  // Finder pattern in the top-left corner: a dark 7×7 ring round a light ring.
  CHECK(matrix->dark(0, 0));
  CHECK(matrix->dark(6, 6));
  CHECK_FALSE(matrix->dark(1, 1));
  CHECK(matrix->dark(3, 3));
  CHECK_FALSE(matrix->dark(7, 7));  // separator
}

TEST_CASE("A higher level or a version floor makes a bigger symbol") {
  EncodeOptions high;
  high.level = EcLevel::kHigh;
  CHECK(Encode("https://qr.example.com/s/abc123", high)->version() == 4);
  EncodeOptions floor;
  floor.min_version = 10;
  auto matrix = Encode("hi", floor);
  REQUIRE(matrix.ok());
  CHECK(matrix->version() == 10);
  CHECK(matrix->size() == 57);
  CHECK(ReadBack(*matrix) == "hi");
}

TEST_CASE("Every mode round-trips, and 8-bit is case-sensitive by default") {
  CHECK(ReadBack(*Encode("Mixed Case https://Example.com/A?b=C")) ==
        "Mixed Case https://Example.com/A?b=C");
  EncodeOptions numeric;
  numeric.mode = Mode::kNumeric;
  CHECK(ReadBack(*Encode("0123456789012345", numeric)) == "0123456789012345");
  EncodeOptions alphanumeric;
  alphanumeric.mode = Mode::kAlphanumeric;
  CHECK(ReadBack(*Encode("R1:ABC-123 $%*+./", alphanumeric)) == "R1:ABC-123 $%*+./");
  EncodeOptions byte;
  byte.mode = Mode::kByte;
  CHECK(ReadBack(*Encode("欢迎光临", byte)) == "欢迎光临");
}

TEST_CASE("Numeric and alphanumeric data make smaller symbols than 8-bit") {
  std::string digits(100, '7');
  EncodeOptions byte;
  byte.mode = Mode::kByte;
  CHECK(Encode(digits)->version() < Encode(digits, byte)->version());
}

TEST_CASE("Explicit segments mix modes in one symbol") {
  auto matrix = EncodeSegments({{Mode::kAlphanumeric, "HTTPS://QR.EXAMPLE.COM/R/"},
                                {Mode::kNumeric, "12345678901234567890"},
                                {Mode::kByte, "?x=ä"}});
  REQUIRE(matrix.ok());
  CHECK(ReadBack(*matrix) == "HTTPS://QR.EXAMPLE.COM/R/12345678901234567890?x=ä");
  auto bad = EncodeSegments({{Mode::kByte, "ok"}, {Mode::kNumeric, "12a"}});
  CHECK(core::FieldViolations(bad.status()).at(0).field == "segments[1]");
}

TEST_CASE("Characters a mode cannot hold are refused, naming the byte") {
  EncodeOptions alphanumeric;
  alphanumeric.mode = Mode::kAlphanumeric;
  auto status = Encode("ABCd", alphanumeric).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(status).at(0).field == "payload");
  CHECK(status.message().find("byte 3 ('d')") != std::string::npos);
  CHECK(status.message().find("A-Z") != std::string::npos);
  EncodeOptions numeric;
  numeric.mode = Mode::kNumeric;
  CHECK_FALSE(Encode("12.5", numeric).ok());
}

TEST_CASE("A payload over capacity is refused with its size, the capacity and a lower level") {
  EncodeOptions quartile;
  quartile.level = EcLevel::kQuartile;
  std::string url = "https://example.com/" + std::string(2000, 'a');  // 2020 bytes
  auto status = Encode(url, quartile).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(status).at(0).field == "payload");
  std::string message(status.message());
  CHECK(message.find("2020 characters") != std::string::npos);
  CHECK(message.find("level Q (1663 at version 40)") != std::string::npos);
  CHECK(message.find("lower level M (2331)") != std::string::npos);

  EncodeOptions low;
  low.level = EcLevel::kLow;
  std::string huge(3000, 'a');
  std::string too_big(Encode(huge, low).status().message());
  CHECK(too_big.find("shorten the payload (level L holds 2953)") != std::string::npos);
}

TEST_CASE("Exactly the version-40 capacity fits at every level, one more does not") {
  for (EcLevel level : {EcLevel::kLow, EcLevel::kMedium, EcLevel::kQuartile, EcLevel::kHigh}) {
    EncodeOptions options;
    options.level = level;
    std::string full(Capacity(level, Mode::kByte), 'x');
    auto matrix = Encode(full, options);
    REQUIRE(matrix.ok());
    CHECK(matrix->version() == 40);
    CHECK_FALSE(Encode(full + "x", options).ok());
    std::string digits(Capacity(level, Mode::kNumeric), '1');
    CHECK(Encode(digits, options).ok());
    CHECK_FALSE(Encode(digits + "1", options).ok());
  }
}

TEST_CASE("Empty payloads, NUL bytes and bad version floors") {
  CHECK(core::FieldViolations(Encode("").status()).at(0).field == "payload");
  std::string with_nul("a\0b", 3);
  auto matrix = Encode(with_nul);
  REQUIRE(matrix.ok());  // written as one 8-bit segment
  EncodeOptions options;
  options.min_version = 41;
  auto status = Encode("x", options).status();
  CHECK(core::FieldViolations(status).at(0).field == "minVersion");
  CHECK(status.message().find("1 to 40") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::qr
