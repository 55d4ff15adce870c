#include "libs/qr/svg_renderer.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"
#include "libs/qr/encoder.h"
#include "libs/qr/testing/external_tools.h"
#include "libs/qr/testing/test_images.h"

namespace qrcloud::qr {
namespace {

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST_CASE("An SVG code is one path in a viewBox of modules, crisp, with the quiet zone") {
  Matrix matrix = Encode("https://qrcloud.example.com/s/abc123").value();  // 29 modules
  std::string svg = RenderSvg(matrix).value();
  CHECK(Count(svg, "<path") == 1);
  CHECK(svg.find("viewBox=\"0 0 37 37\"") != std::string::npos);
  CHECK(svg.find("shape-rendering=\"crispEdges\"") != std::string::npos);
  CHECK(svg.substr(0, svg.find('>')).find("width=") == std::string::npos);  // fills its box
  // Runs are merged: "M4 4h7v1h-7z" is the top edge of the top-left finder.
  CHECK(svg.find("d=\"M4 4h7v1h-7z") != std::string::npos);
  CHECK(svg.size() < 4000);
}

TEST_CASE("SVG size, colours and quiet zone follow the options") {
  Matrix matrix = Encode("hello").value();  // 21 modules
  SvgOptions options;
  options.size_px = 256;
  options.style.quiet_zone = 0;
  options.style.foreground = "#123456";
  options.style.background = "#FFFFF0";
  std::string svg = RenderSvg(matrix, options).value();
  CHECK(svg.find("width=\"256\" height=\"256\"") != std::string::npos);
  CHECK(svg.find("viewBox=\"0 0 21 21\"") != std::string::npos);
  CHECK(svg.find("fill=\"#123456\"") != std::string::npos);
  CHECK(svg.find("fill=\"#fffff0\"") != std::string::npos);
  CHECK(svg.find("d=\"M0 0h7v1h-7z") != std::string::npos);
}

TEST_CASE("SVG refuses bad colours, low contrast, a bad quiet zone and size") {
  Matrix matrix = Encode("hello").value();
  SvgOptions options;
  options.style.foreground = "#dddddd";
  CHECK(core::FieldViolations(RenderSvg(matrix, options).status()).at(0).field == "foreground");
  options = {};
  options.style.quiet_zone = -1;
  CHECK(core::FieldViolations(RenderSvg(matrix, options).status()).at(0).field == "quietZone");
  options = {};
  options.size_px = -5;
  CHECK(core::FieldViolations(RenderSvg(matrix, options).status()).at(0).field == "size");
}

TEST_CASE("An SVG logo is embedded as a PNG image over a cleared square") {
  EncodeOptions high;
  high.level = EcLevel::kHigh;
  Matrix matrix = Encode("https://qrcloud.example.com/s/abc123", high).value();
  SvgOptions options;
  options.style.logo = Logo{testing::LogoPng(64, 64), 0.08};
  std::string svg = RenderSvg(matrix, options).value();
  CHECK(Count(svg, "<path") == 1);
  CHECK(svg.find("<image") != std::string::npos);
  CHECK(svg.find("data:image/png;base64,iVBORw0KGgo") != std::string::npos);

  options.size_px = 330;
  testing::TempDir dir;
  testing::WriteFile(dir.File("logo.svg"), RenderSvg(matrix, options).value());
  testing::SvgsToPngs({dir.File("logo.svg")});
  CHECK(testing::ZbarBytes({dir.File("logo.png")}) == "https://qrcloud.example.com/s/abc123");
}

}  // namespace
}  // namespace qrcloud::qr
