#include "libs/qr/internal/module_outline.h"

#include <catch2/catch.hpp>

#include "libs/qr/encoder.h"

namespace qrcloud::qr::internal {
namespace {

// Twice the signed area (shoelace); positive for clockwise with y down.
long TwiceArea(const std::vector<GridPoint>& polygon) {
  long sum = 0;
  for (size_t i = 0; i < polygon.size(); ++i) {
    const GridPoint& a = polygon[i];
    const GridPoint& b = polygon[(i + 1) % polygon.size()];
    sum += static_cast<long>(a.x) * b.y - static_cast<long>(b.x) * a.y;
  }
  return sum;
}

// Non-zero winding number of the module centred at (x + ½, y + ½).
int Winding(const std::vector<std::vector<GridPoint>>& polygons, int x, int y) {
  int winding = 0;
  for (const auto& polygon : polygons) {
    for (size_t i = 0; i < polygon.size(); ++i) {
      const GridPoint& a = polygon[i];
      const GridPoint& b = polygon[(i + 1) % polygon.size()];
      // Vertical edges crossing the ray from the centre towards +x.
      if (a.x != b.x || a.x <= x) continue;
      if (std::min(a.y, b.y) <= y && y < std::max(a.y, b.y)) winding += b.y > a.y ? 1 : -1;
    }
  }
  return winding;
}

TEST_CASE("Outlines cover exactly the dark modules, holes included") {
  Matrix matrix = Encode("https://qrcloud.example.com/s/outline", {EcLevel::kHigh}).value();
  std::optional<LogoArea> logo = LogoAreaFor(matrix.size(), 0.08);
  for (const std::optional<LogoArea>& cleared : {std::optional<LogoArea>(), logo}) {
    auto polygons = TraceOutlines(matrix, cleared);
    long area = 0, dark = 0;
    for (const auto& polygon : polygons) area += TwiceArea(polygon);
    for (int y = 0; y < matrix.size(); ++y) {
      for (int x = 0; x < matrix.size(); ++x) {
        bool expected = matrix.dark(x, y) && !UnderLogo(cleared, x, y);
        dark += expected;
        if ((Winding(polygons, x, y) != 0) != expected) FAIL("module " << x << "," << y);
      }
    }
    CHECK(area == 2 * dark);
  }
}

TEST_CASE("A finder pattern is two outlines: the ring with its hole, and the centre") {
  Matrix matrix(7, 1, EcLevel::kLow);
  for (int y = 0; y < 7; ++y) {
    for (int x = 0; x < 7; ++x) {
      bool ring = x == 0 || y == 0 || x == 6 || y == 6;
      bool centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
      matrix.set_dark(x, y, ring || centre);
    }
  }
  auto polygons = TraceOutlines(matrix, std::nullopt);
  REQUIRE(polygons.size() == 3);
  CHECK(polygons[0] == std::vector<GridPoint>{{0, 0}, {7, 0}, {7, 7}, {0, 7}});
  CHECK(TwiceArea(polygons[1]) == -2 * 25);  // the light hole, anticlockwise
  CHECK(TwiceArea(polygons[2]) == 2 * 9);
}

TEST_CASE("Modules touching only at a corner stay separate squares") {
  Matrix matrix(2, 1, EcLevel::kLow);
  matrix.set_dark(0, 0, true);
  matrix.set_dark(1, 1, true);
  auto polygons = TraceOutlines(matrix, std::nullopt);
  REQUIRE(polygons.size() == 2);
  CHECK(polygons[0].size() == 4);
  CHECK(polygons[1].size() == 4);
}

}  // namespace
}  // namespace qrcloud::qr::internal
