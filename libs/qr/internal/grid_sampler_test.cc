#include "libs/qr/internal/grid_sampler.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "libs/qr/encoder.h"
#include "libs/qr/internal/cylinder.h"

namespace qrcloud::qr::internal {
namespace {

constexpr int kModule = 8, kQuiet = 6;

// The code printed `contrast` grey levels darker than its paper (200), seen
// in perspective on a 640×640 photo, with sensor noise of σ 3. With
// `finders_only`, only its three finder patterns are printed.
GrayImage Photographed(const Matrix& matrix, int contrast, std::array<PointF, 4>* corners,
                       bool finders_only = false) {
  int side = (matrix.size() + 2 * kQuiet) * kModule;
  GrayImage paper(side, side, 200);
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      int mx = x / kModule - kQuiet, my = y / kModule - kQuiet;
      int n = matrix.size();
      bool in_finder = (mx < 8 || mx >= n - 8) && (my < 8 || my >= n - 8) && !(mx >= 8 && my >= 8);
      if (finders_only && !in_finder) continue;
      if (mx >= 0 && my >= 0 && mx < n && my < n && matrix.dark(mx, my)) {
        paper.at(x, y) = static_cast<uint8_t>(200 - contrast);
      }
    }
  }
  double s = side;
  std::array<PointF, 4> from = {PointF{0, 0}, PointF{s, 0}, PointF{s, s}, PointF{0, s}};
  std::array<PointF, 4> to = {PointF{90, 60}, PointF{560, 110}, PointF{600, 590}, PointF{50, 520}};
  Homography h = *Homography::FromPoints(from, to);
  GrayImage photo = WarpPerspective(paper, h, 640, 640, 120);
  uint32_t state = 7;
  for (uint8_t& v : photo.pixels) {
    double noise = 0;
    for (int i = 0; i < 4; ++i) {
      state = state * 1664525 + 1013904223;
      noise += (state >> 8) / double(1 << 24) - 0.5;
    }
    v = static_cast<uint8_t>(std::clamp(v + noise * 3 * std::sqrt(3.0), 0.0, 255.0));
  }
  // The symbol's corners in the photo.
  double a = kQuiet * kModule, b = (kQuiet + matrix.size()) * kModule;
  *corners = {h.Apply({a, a}), h.Apply({b, a}), h.Apply({b, b}), h.Apply({a, b})};
  return photo;
}

// The finder patterns' centres, as the decoder's search would give them.
FinderTriple Finders(const std::array<PointF, 4>& corners, int size) {
  std::array<PointF, 4> symbol = {PointF{0, 0}, PointF{1.0 * size, 0},
                                  PointF{1.0 * size, 1.0 * size}, PointF{0, 1.0 * size}};
  Homography to_photo = *Homography::FromPoints(symbol, corners);
  double module = std::hypot(corners[1].x - corners[0].x, corners[1].y - corners[0].y) / size;
  auto at = [&](double x, double y) { return FinderPattern{to_photo.Apply({x, y}), module, 7}; };
  return {at(3.5, 3.5), at(size - 3.5, 3.5), at(3.5, size - 3.5)};
}

int Wrong(const GrayImage& rendered, const Matrix& matrix, int scale) {
  int wrong = 0;
  for (int y = 0; y < matrix.size(); ++y) {
    for (int x = 0; x < matrix.size(); ++x) {
      bool dark = rendered.at((4 + x) * scale + scale / 2, (4 + y) * scale + scale / 2) < 128;
      if (dark != matrix.dark(x, y)) ++wrong;
    }
  }
  return wrong;
}

TEST_CASE("A faint code's grid is fitted to its function patterns and its modules read back") {
  Matrix matrix = Encode("https://m.qrcloud.example.cn/m/grid2sampler?ch=table&t=7").value();
  std::array<PointF, 4> corners;
  // Six grey levels under noise of σ 3: one pixel a module is often wrong.
  GrayImage photo = Photographed(matrix, 6, &corners);
  std::vector<Grid> grids = FitGrids(photo, Finders(corners, matrix.size()), 3);
  REQUIRE_FALSE(grids.empty());
  CHECK(grids[0].size == matrix.size());
  // The fitted grid puts the symbol's far corner within half a module.
  double n = matrix.size();
  PointF far = grids[0].to_image.Apply({n, n});
  double module = std::hypot(corners[1].x - corners[0].x, corners[1].y - corners[0].y) / n;
  CHECK(std::hypot(far.x - corners[2].x, far.y - corners[2].y) < module / 2);
  // Averaged over their middles, the modules come back all but a few.
  GrayImage rendered = RenderModules(SampleModules(photo, grids[0]), grids[0].size, 3, 3);
  CHECK(Wrong(rendered, matrix, 3) <= matrix.size() * matrix.size() / 100);
}

TEST_CASE(
    "A code's timing patterns bear out its finder patterns, but three lone patterns find no "
    "timing") {
  Matrix matrix = Encode("https://m.qrcloud.example.cn/m/timing?ch=sheet&t=12").value();
  std::array<PointF, 4> corners;
  GrayImage code = Photographed(matrix, 60, &corners);
  TimingCheck check = CheckTiming(code, Finders(corners, matrix.size()));
  CHECK(check.score > 0.7);
  CHECK(check.size == matrix.size());
  // The same three finder patterns with nothing between them: what chance
  // patterns in clutter look like to the search.
  GrayImage lone = Photographed(matrix, 60, &corners, /*finders_only=*/true);
  CHECK(CheckTiming(lone, Finders(corners, matrix.size())).score < 0.3);
}

TEST_CASE("A shadow edge across a code's timing patterns does not hide them") {
  Matrix matrix = Encode("https://m.qrcloud.example.cn/m/shadow?ch=sheet&t=3").value();
  std::array<PointF, 4> corners;
  GrayImage code = Photographed(matrix, 60, &corners);
  FinderTriple finders = Finders(corners, matrix.size());
  // A hard shadow over the lower right half, its edge crossing the timing
  // row and column between the finder patterns: light paper in the shadow
  // is darker than dark print out of it.
  PointF tl = finders.corner.center, tr = finders.b.center, bl = finders.c.center;
  PointF mid{(tr.x + bl.x) / 2, (tr.y + bl.y) / 2};
  for (int y = 0; y < code.height; ++y) {
    for (int x = 0; x < code.width; ++x) {
      if ((x - tl.x) + (y - tl.y) > ((mid.x - tl.x) + (mid.y - tl.y)) * 0.6) {
        code.at(x, y) = static_cast<uint8_t>(code.at(x, y) * 0.35);
      }
    }
  }
  TimingCheck check = CheckTiming(code, finders);
  CHECK(check.score > 0.5);
  CHECK(check.size == matrix.size());
}

TEST_CASE("Two finder patterns are borne out as a side by the timing pattern between them") {
  Matrix matrix = Encode("https://m.qrcloud.example.cn/m/side?ch=sheet&t=4").value();
  std::array<PointF, 4> corners;
  GrayImage code = Photographed(matrix, 60, &corners);
  FinderTriple f = Finders(corners, matrix.size());
  // Top-left to top-right: the code lies to the left of that direction
  // (y down); to its right is the quiet zone.
  TimingCheck inside = CheckSideTiming(code, f.corner, f.b, 1);
  CHECK(inside.score > 0.7);
  CHECK(inside.size == matrix.size());
  CHECK(CheckSideTiming(code, f.corner, f.b, -1).score < 0.3);
  // Top-left to bottom-left: the code lies to the right.
  CHECK(CheckSideTiming(code, f.corner, f.c, -1).score > 0.7);
  GrayImage lone = Photographed(matrix, 60, &corners, /*finders_only=*/true);
  CHECK(CheckSideTiming(lone, f.corner, f.b, 1).score < 0.3);
}

TEST_CASE("A finder pattern's sides give its code's edges and its real module") {
  Matrix matrix = Encode("https://m.qrcloud.example.cn/m/sides?ch=sheet&t=5").value();
  std::array<PointF, 4> corners;
  GrayImage code = Photographed(matrix, 60, &corners);
  FinderTriple f = Finders(corners, matrix.size());
  double module = f.corner.module;
  // The search's module, down a column, may be up to twice the real one.
  FinderPattern top_right = f.b;
  top_right.module *= 1.8;
  for (auto sides_of : {&PatternSides, &PatternSidesAlongRays}) {
    PatternShape shape = sides_of(code, top_right);
    REQUIRE(shape.sides.size() == 4);
    CHECK(std::abs(shape.module - module) < 0.2 * module);
    // One side lies along the code's top edge: the line through the
    // symbol's top corners (within a module or two at the far one, 30
    // modules away).
    bool on_top_edge = std::any_of(shape.sides.begin(), shape.sides.end(), [&](const Line& l) {
      auto distance = [&](PointF q) {
        return std::abs((q.x - l.point.x) * l.normal.x + (q.y - l.point.y) * l.normal.y);
      };
      return distance(corners[1]) < 0.5 * module && distance(corners[0]) < 2 * module;
    });
    CHECK(on_top_edge);
  }
}

TEST_CASE("Two finder patterns at a diagonal's ends place the third") {
  Matrix matrix = Encode("https://m.qrcloud.example.cn/m/diagonal?ch=sheet&t=6").value();
  std::array<PointF, 4> corners;
  GrayImage code = Photographed(matrix, 60, &corners);
  FinderTriple f = Finders(corners, matrix.size());
  std::vector<PointF> places = DiagonalCorners(code, f.b, f.c);
  // The top-left pattern's centre is among them (the other: the corner
  // beyond the diagonal, where a code without it would have one).
  bool top_left = std::any_of(places.begin(), places.end(), [&](PointF q) {
    return std::hypot(q.x - f.corner.center.x, q.y - f.corner.center.y) < 1.5 * f.corner.module;
  });
  CHECK(top_left);
  CHECK(places.size() <= 2);
}

TEST_CASE("Rendered modules keep perfect finder patterns and a quiet zone") {
  Matrix matrix = Encode("finder").value();
  int n = matrix.size();
  // Modules all alike: nothing is darker than its neighbours.
  GrayImage rendered = RenderModules(std::vector<double>(n * n, 100.0), n, 3, 2);
  CHECK(rendered.width == (n + 8) * 2);
  CHECK(rendered.at(0, 0) == 255);
  for (auto [x, y] : {std::pair{0, 0}, std::pair{n - 7, 0}, std::pair{0, n - 7}}) {
    CHECK(rendered.at((4 + x + 3) * 2, (4 + y + 3) * 2) == 0);    // centre
    CHECK(rendered.at((4 + x + 1) * 2, (4 + y + 3) * 2) == 255);  // light ring
    CHECK(rendered.at((4 + x) * 2, (4 + y) * 2) == 0);            // dark ring
  }
}

}  // namespace
}  // namespace qrcloud::qr::internal
