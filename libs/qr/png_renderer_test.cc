#include "libs/qr/png_renderer.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/qr/decoder.h"
#include "libs/qr/encoder.h"
#include "libs/qr/image_io.h"
#include "libs/qr/testing/external_tools.h"
#include "libs/qr/testing/test_images.h"

namespace qrcloud::qr {
namespace {

TEST_CASE("A PNG is exactly the requested size, at every size in range") {
  Matrix matrix = Encode("https://qrcloud.example.com/s/abc123").value();
  for (int size : {64, 100, 255, 300, 301, 1000, 4096}) {
    PngOptions options;
    options.size = size;
    std::string png = RenderPng(matrix, options).value();
    testing::PngHeader header = testing::ReadPngHeader(png);
    CHECK(header.width == size);
    CHECK(header.height == size);
  }
}

TEST_CASE("PNG modules are whole pixels and the remainder is split as margin") {
  Matrix matrix = Encode("https://qrcloud.example.com/s/abc123").value();  // 29 + 8 = 37 modules
  PngOptions options;
  options.size = 300;  // 8 px a module uses 296; 2 px extra margin each side
  GrayImage image = ReadImage(RenderPng(matrix, options).value()).value();
  int origin = 2 + 4 * 8;
  for (int y = 0; y < matrix.size(); ++y) {
    for (int x = 0; x < matrix.size(); ++x) {
      uint8_t expected = matrix.dark(x, y) ? 0 : 255;
      // Every pixel of every module has the module's colour.
      bool uniform = true;
      for (int dy = 0; dy < 8; ++dy) {
        for (int dx = 0; dx < 8; ++dx) {
          uniform = uniform && image.at(origin + x * 8 + dx, origin + y * 8 + dy) == expected;
        }
      }
      if (!uniform) FAIL("module " << x << "," << y << " is not uniform");
    }
  }
  CHECK(image.at(origin - 1, origin) == 255);  // quiet zone
  CHECK(image.at(0, 0) == 255);
  CHECK(image.at(299, 299) == 255);
}

TEST_CASE("PNGs are 1-bit palette images by default and 8-bit RGB on request") {
  Matrix matrix = Encode("hello").value();
  testing::PngHeader one_bit = testing::ReadPngHeader(RenderPng(matrix).value());
  CHECK(one_bit.bit_depth == 1);
  CHECK(one_bit.color_type == 3);
  PngOptions options;
  options.color = PngColor::kRgb;
  options.style.foreground = "#7a1f1f";
  std::string png = RenderPng(matrix, options).value();
  testing::PngHeader rgb = testing::ReadPngHeader(png);
  CHECK(rgb.bit_depth == 8);
  CHECK(rgb.color_type == 2);
  CHECK(Decode(png)->at(0).text == "hello");
}

TEST_CASE("PNG sizes outside 64..4096, or too small for the modules, are refused") {
  Matrix matrix = Encode("hello").value();
  for (int size : {0, 63, 4097}) {
    PngOptions options;
    options.size = size;
    auto status = RenderPng(matrix, options).status();
    CHECK(core::FieldViolations(status).at(0).field == "size");
    CHECK(status.message().find("64 to 4096") != std::string::npos);
  }
  Matrix v40 = Encode(std::string(2331, 'x')).value();  // 177 + 8 modules
  REQUIRE(v40.version() == 40);
  PngOptions options;
  options.size = 150;
  auto status = RenderPng(v40, options).status();
  CHECK(core::FieldViolations(status).at(0).field == "size");
  CHECK(status.message().find("at least 185 px") != std::string::npos);
}

// Level-H codes of many versions with the largest logo allowed must still
// read, with ZXing (ours) and with ZBar.
TEST_CASE("A logo at the maximum area keeps codes of every size readable") {
  testing::TempDir dir;
  std::vector<std::string> files;
  std::string expected;
  for (int version : {1, 2, 3, 5, 7, 10, 14, 20, 27, 33, 40}) {
    EncodeOptions encode;
    encode.level = EcLevel::kHigh;
    encode.min_version = version;
    std::string payload = absl::StrCat("https://qrcloud.example.com/s/logo", version);
    Matrix matrix = Encode(payload, encode).value();
    PngOptions options;
    options.size = (matrix.size() + 8) * 4;
    options.style.logo = Logo{testing::LogoPng(120, 90), kMaxLogoArea};
    std::string png = RenderPng(matrix, options).value();
    CHECK(testing::ReadPngHeader(png).color_type == 2);
    auto ours = Decode(png);
    INFO("version " << version);
    REQUIRE(ours.ok());
    CHECK(ours->size() == 1);
    CHECK(ours->at(0).text == payload);
    files.push_back(dir.File(absl::StrCat(version, ".png")));
    testing::WriteFile(files.back(), png);
    expected += payload;
  }
  CHECK(testing::ZbarBytes(files) == expected);
}

TEST_CASE("A logo clears a centred square of whole modules") {
  LogoArea area = LogoAreaFor(21, 0.08);  // 0.08 × 441 = 35.3 → 5×5
  CHECK(area.modules == 5);
  CHECK(area.first == 8);
  CHECK(LogoAreaFor(177, 0.08).modules * LogoAreaFor(177, 0.08).modules <= 0.08 * 177 * 177);
}

TEST_CASE("Logos are refused when too large, on codes below level H, or not PNG") {
  EncodeOptions high;
  high.level = EcLevel::kHigh;
  Matrix matrix = Encode("https://qrcloud.example.com/s/abc", high).value();
  PngOptions options;
  options.style.logo = Logo{testing::LogoPng(50, 50), 0.12};
  auto status = RenderPng(matrix, options).status();
  CHECK(core::FieldViolations(status).at(0).field == "logo.area");
  CHECK(status.message().find("at most 0.08") != std::string::npos);

  options.style.logo = Logo{testing::LogoPng(50, 50), 0.05};
  Matrix medium = Encode("https://qrcloud.example.com/s/abc").value();
  status = RenderPng(medium, options).status();
  CHECK(core::FieldViolations(status).at(0).field == "logo");
  CHECK(status.message().find("level H") != std::string::npos);

  options.style.logo = Logo{"GIF89a...", 0.05};
  CHECK(core::FieldViolations(RenderPng(matrix, options).status()).at(0).field == "logo.png");

  options.style.logo = Logo{testing::LogoPng(50, 50), 0.05};
  options.color = PngColor::kOneBit;
  CHECK(core::FieldViolations(RenderPng(matrix, options).status()).at(0).field == "color");
}

}  // namespace
}  // namespace qrcloud::qr
