#include "libs/qr/image_ops.h"

#include <catch2/catch.hpp>

namespace qrcloud::qr {
namespace {

TEST_CASE("A homography from four points maps them, and its inverse maps back") {
  std::array<PointF, 4> from = {PointF{0, 0}, PointF{100, 0}, PointF{100, 100}, PointF{0, 100}};
  std::array<PointF, 4> to = {PointF{10, 20}, PointF{90, 5}, PointF{120, 130}, PointF{-5, 95}};
  auto h = Homography::FromPoints(from, to);
  REQUIRE(h.has_value());
  for (int i = 0; i < 4; ++i) {
    PointF p = h->Apply(from[i]);
    CHECK(p.x == Approx(to[i].x));
    CHECK(p.y == Approx(to[i].y));
    PointF back = h->Inverse().Apply(to[i]);
    CHECK(back.x == Approx(from[i].x).margin(1e-9));
    CHECK(back.y == Approx(from[i].y).margin(1e-9));
  }
  std::array<PointF, 4> collinear = {PointF{0, 0}, PointF{1, 1}, PointF{2, 2}, PointF{3, 3}};
  CHECK_FALSE(Homography::FromPoints(from, collinear).has_value());
}

TEST_CASE("Resize keeps flat areas flat and reaches the requested size") {
  GrayImage flat(300, 200, 77);
  GrayImage small = Resize(flat, 31, 17);
  CHECK(small.width == 31);
  CHECK(small.height == 17);
  CHECK(std::all_of(small.pixels.begin(), small.pixels.end(), [](uint8_t v) { return v == 77; }));
  GrayImage big = Resize(flat, 700, 450);
  CHECK(big.at(699, 449) == 77);
}

TEST_CASE("Shrinking by blocks averages each block and drops the partial ones") {
  GrayImage image(7, 5, 0);
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 7; ++x) image.at(x, y) = static_cast<uint8_t>(10 * x + y);
  }
  GrayImage small = ShrinkByBlocks(image, 2);
  CHECK(small.width == 3);
  CHECK(small.height == 2);
  // The block of columns 2–3, rows 2–3: (22 + 32 + 23 + 33) / 4, rounded.
  CHECK(small.at(1, 1) == 28);
  CHECK(ShrinkByBlocks(image, 1).pixels == image.pixels);
}

TEST_CASE("Blurs average, sharpening steepens an edge") {
  GrayImage step(40, 10, 0);
  for (int y = 0; y < 10; ++y) {
    for (int x = 20; x < 40; ++x) step.at(x, y) = 200;
  }
  GrayImage blurred = BoxBlur(step, 2);
  CHECK(blurred.at(5, 5) == 0);
  CHECK(blurred.at(20, 5) == 120);  // 3 of 5 pixels at 200
  CHECK(blurred.at(35, 5) == 200);
  GrayImage sharp = Sharpen(GaussianBlur(step, 2), 2, 2);
  CHECK(sharp.at(21, 5) - sharp.at(18, 5) > blurred.at(21, 5) - blurred.at(18, 5));
}

TEST_CASE("Tone operations: stretch, gamma, inversion") {
  GrayImage image(100, 1);
  for (int x = 0; x < 100; ++x) image.at(x, 0) = static_cast<uint8_t>(100 + x / 5);  // 100..119
  StretchContrast(0.0, 1.0, &image);
  CHECK(image.at(0, 0) == 0);
  CHECK(image.at(99, 0) == 255);
  ApplyGamma(2.0, &image);
  CHECK(image.at(50, 0) < 128);
  Invert(&image);
  CHECK(image.at(0, 0) == 255);
}

TEST_CASE("Local contrast normalisation restores a faint pattern under a gradient") {
  GrayImage image(200, 50);
  for (int y = 0; y < 50; ++y) {
    for (int x = 0; x < 200; ++x) {
      int base = 60 + x;                     // uneven light, 60..259
      int mark = (x / 10) % 2 == 0 ? 0 : 8;  // 8-level stripes
      image.at(x, y) = static_cast<uint8_t>(std::min(255, base / 2 + mark));
    }
  }
  GrayImage normalized = NormalizeLocalContrast(image, 10, 40);
  // Dark and light stripes now sit on opposite sides of mid-grey everywhere.
  CHECK(normalized.at(15, 25) > 140);
  CHECK(normalized.at(25, 25) < 116);
  CHECK(normalized.at(175, 25) > 140);
  CHECK(normalized.at(185, 25) < 116);
}

TEST_CASE("Crop clips to the image and Paste clips to the target") {
  GrayImage image(10, 10, 5);
  GrayImage crop = Crop(image, 8, -3, 5, 5);
  CHECK(crop.width == 2);
  CHECK(crop.height == 2);
  GrayImage target(4, 4, 0);
  Paste(GrayImage(3, 3, 9), 2, 2, &target);
  CHECK(target.at(3, 3) == 9);
  CHECK(target.at(1, 1) == 0);
}

}  // namespace
}  // namespace qrcloud::qr
