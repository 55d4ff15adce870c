#include "libs/qr/color.h"

#include <catch2/catch.hpp>

#include "libs/core/status.h"

namespace qrcloud::qr {
namespace {

TEST_CASE("Colours parse as #rrggbb and nothing else") {
  CHECK(*ParseColor("foreground", "#1A2b3C") == Rgb{0x1a, 0x2b, 0x3c});
  for (const char* bad : {"", "#fff", "000000", "#00000g", "#0000000", "red"}) {
    auto status = ParseColor("foreground", bad).status();
    CHECK(core::FieldViolations(status).at(0).field == "foreground");
    CHECK(status.message().find("#rrggbb") != std::string::npos);
  }
  CHECK(FormatColor(Rgb{255, 0, 16}) == "#ff0010");
}

TEST_CASE("Contrast ratios follow WCAG 2") {
  CHECK(ContrastRatio({0, 0, 0}, {255, 255, 255}) == Approx(21.0));
  CHECK(ContrastRatio({255, 255, 255}, {0, 0, 0}) == Approx(21.0));
  CHECK(ContrastRatio({119, 119, 119}, {255, 255, 255}) == Approx(4.48).epsilon(0.01));
}

TEST_CASE("Dark-on-light pairs of 3:1 or more are accepted") {
  auto palette = MakePalette("#003366", "#fff8e7", false);
  REQUIRE(palette.ok());
  CHECK(palette->foreground == Rgb{0x00, 0x33, 0x66});
}

TEST_CASE("Low contrast is refused with the measured ratio") {
  auto status = MakePalette("#999999", "#bbbbbb", false).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(status).at(0).field == "foreground");
  CHECK(status.message().find("contrast ratio of 1.") != std::string::npos);
  CHECK(status.message().find("at least 3:1") != std::string::npos);
  CHECK_FALSE(MakePalette("#999999", "#bbbbbb", true).ok());  // allowing inversion is no help
}

TEST_CASE("Light on dark is refused unless allowed") {
  auto status = MakePalette("#ffffff", "#000000", false).status();
  CHECK(core::FieldViolations(status).at(0).field == "foreground");
  CHECK(status.message().find("lighter than the background") != std::string::npos);
  CHECK(MakePalette("#ffffff", "#000000", true).ok());
}

TEST_CASE("A malformed background is named as such") {
  CHECK(core::FieldViolations(MakePalette("#000000", "white", false).status()).at(0).field ==
        "background");
}

}  // namespace
}  // namespace qrcloud::qr
