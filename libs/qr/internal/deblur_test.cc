#include "libs/qr/internal/deblur.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "libs/qr/encoder.h"
#include "libs/qr/image_ops.h"

namespace qrcloud::qr::internal {
namespace {

// A code 10 pixels a module on grey paper, smeared by a straight streak.
GrayImage Shaken(double length, double angle) {
  Matrix matrix = Encode("https://qrcloud.example.com/s/shaken").value();
  int module = 10, side = (matrix.size() + 8) * module + 100;
  GrayImage sharp(side, side, 200);
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      int mx = (x - 50) / module - 4, my = (y - 50) / module - 4;
      if (x >= 50 && y >= 50 && mx >= 0 && my >= 0 && mx < matrix.size() && my < matrix.size() &&
          matrix.dark(mx, my)) {
        sharp.at(x, y) = 30;
      }
    }
  }
  GrayImage out(side, side);
  int taps = static_cast<int>(length) + 1;
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      double sum = 0;
      for (int k = 0; k < taps; ++k) {
        double t = (static_cast<double>(k) / (taps - 1) - 0.5) * length;
        sum += SampleBilinear(sharp, std::clamp(x + t * std::cos(angle), 0.0, side - 1.0),
                              std::clamp(y + t * std::sin(angle), 0.0, side - 1.0), 0);
      }
      out.at(x, y) = static_cast<uint8_t>(sum / taps + 0.5);
    }
  }
  return out;
}

TEST_CASE("A streak's direction and length are estimated from the photo") {
  for (auto [length, angle] : {std::pair{14.0, 0.3}, std::pair{18.0, 2.0}}) {
    GrayImage shaken = Shaken(length, angle);
    std::optional<MotionBlur> blur = EstimateMotionBlur(shaken);
    REQUIRE(blur.has_value());
    // Directions are the same modulo π.
    double off = std::abs(std::remainder(blur->angle - angle, std::numbers::pi));
    CHECK(off < 0.15);
    CHECK(blur->length == Approx(length).epsilon(0.25));
    GrayImage sharp = RemoveMotionBlur(shaken, *blur);
    CHECK(sharp.width == shaken.width);
    CHECK(sharp.height == shaken.height);
  }
}

TEST_CASE("Tiny images are not deblurred") {
  CHECK_FALSE(EstimateMotionBlur(GrayImage(20, 20, 128)).has_value());
  CHECK_FALSE(EstimateMotionBlur(GrayImage(200, 200, 128)).has_value());  // flat: no direction
}

}  // namespace
}  // namespace qrcloud::qr::internal
