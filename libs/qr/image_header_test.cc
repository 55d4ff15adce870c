#include "libs/qr/image_header.h"

#include <catch2/catch.hpp>
#include <string>

#include "libs/core/status.h"
#include "libs/qr/encoder.h"
#include "libs/qr/image_io.h"
#include "libs/qr/png_renderer.h"

namespace qrcloud::qr {
namespace {

std::string Png(int size) {
  PngOptions options;
  options.size = size;
  return RenderPng(Encode("https://qrcloud.example.com/s/abc").value(), options).value();
}

// A PNG whose IHDR declares width×height: the pixel data stays small.
std::string Declaring(std::string png, uint32_t width, uint32_t height) {
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = static_cast<char>(width >> (24 - 8 * i));
    png[20 + i] = static_cast<char>(height >> (24 - 8 * i));
  }
  return png;
}

std::string Le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(v >> (8 * i));
  return s;
}

// A lossless WebP of the given size (header only matters here), its RIFF
// length off by `skew`.
std::string WebpLossless(uint32_t width, uint32_t height, int skew = 0) {
  std::string payload = "\x2f" + Le32((width - 1) | (height - 1) << 14) + std::string(11, '\0');
  std::string chunk = "VP8L" + Le32(static_cast<uint32_t>(payload.size())) + payload;
  std::string body = "WEBP" + chunk;
  return "RIFF" + Le32(static_cast<uint32_t>(body.size() + skew)) + body;
}

std::string Message(const absl::StatusOr<ImageHeader>& h) {
  return std::string(h.status().message());
}

TEST_CASE("The type and size of PNG, JPEG and WebP come from their headers") {
  auto png = ProbeImage("data", Png(300));
  REQUIRE(png.ok());
  CHECK(png->content_type == "image/png");
  CHECK(png->width == 300);
  CHECK(png->height == 300);

  auto jpeg = ProbeImage("data", WriteJpeg(GrayImage(320, 200, 128), 80).value());
  REQUIRE(jpeg.ok());
  CHECK(jpeg->content_type == "image/jpeg");
  CHECK(jpeg->width == 320);
  CHECK(jpeg->height == 200);

  auto webp = ProbeImage("data", WebpLossless(640, 480));
  REQUIRE(webp.ok());
  CHECK(webp->content_type == "image/webp");
  CHECK(webp->width == 640);
  CHECK(webp->height == 480);
}

TEST_CASE("An image that declares more pixels than allowed is refused from its header") {
  std::string bomb = Declaring(Png(300), 16000, 16000);
  auto h = ProbeImage("data", bomb);
  REQUIRE(h.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(h.status()).at(0).field == "data");
  CHECK(Message(h).find("16000×16000 px; at most 8192 px per side") != std::string::npos);
  // The pixel count counts too, and the limits are the caller's.
  CHECK(!ProbeImage("data", Declaring(Png(300), 8000, 8000)).ok());
  CHECK(ProbeImage("data", Declaring(Png(300), 5000, 5000)).ok());
  CHECK(!ProbeImage("logo", Png(300), ImageLimits{256, 65536}).ok());
  CHECK(Message(ProbeImage("data", Declaring(Png(300), 0, 10))).find("0×10") != std::string::npos);
  CHECK(!ProbeImage("data", WebpLossless(16384, 16384)).ok());
}

TEST_CASE("Bytes that are not a whole, well-formed image are refused") {
  std::string png = Png(200);
  auto html = ProbeImage("data", png + "<html><script>alert(1)</script></html>");
  CHECK(Message(html).find("bytes follow its end") != std::string::npos);
  CHECK(Message(ProbeImage("data", png.substr(0, png.size() - 20))).find("not a well-formed PNG") !=
        std::string::npos);
  CHECK(!ProbeImage("data", png.substr(0, 40)).ok());

  std::string jpeg = WriteJpeg(GrayImage(64, 64, 10), 80).value();
  CHECK(Message(ProbeImage("data", jpeg + "<html>")).find("end-of-image") != std::string::npos);
  CHECK(!ProbeImage("data", jpeg.substr(0, 30)).ok());

  CHECK(Message(ProbeImage("data", WebpLossless(10, 10, 4))).find("RIFF length") !=
        std::string::npos);
  auto text = ProbeImage("data", "GIF89a, or any other text");
  CHECK(Message(text).find("is not a PNG, JPEG or WebP image") != std::string::npos);
  CHECK(!ProbeImage("data", "").ok());
  CHECK(!ProbeImage("data", std::string("\x89PNG\r\n\x1a\n", 8)).ok());
}

TEST_CASE("A logo that declares a huge image is refused before it is decoded") {
  EncodeOptions encode;
  encode.level = EcLevel::kHigh;
  Matrix matrix = Encode("https://qrcloud.example.com/s/abc", encode).value();
  PngOptions options;
  options.style.logo = Logo{Declaring(Png(300), 16000, 16000), 0.06};
  auto png = RenderPng(matrix, options);
  REQUIRE(png.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(png.status().message()).find("16000×16000 px; at most 4096 px per side") !=
        std::string::npos);
  options.style.logo = Logo{Png(300), 0.06};
  CHECK(RenderPng(matrix, options).ok());
}

}  // namespace
}  // namespace qrcloud::qr
