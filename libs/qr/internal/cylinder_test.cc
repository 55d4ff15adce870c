#include "libs/qr/internal/cylinder.h"

#include <catch2/catch.hpp>

#include <cmath>

#include "libs/qr/encoder.h"

namespace qrcloud::qr::internal {
namespace {

constexpr int kModule = 8, kQuiet = 4;

// The code drawn flat, `kModule` pixels a module, dark 0 and light 255.
GrayImage Flat(const Matrix& matrix) {
  int side = (matrix.size() + 2 * kQuiet) * kModule;
  GrayImage image(side, side, 255);
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      int mx = x / kModule - kQuiet, my = y / kModule - kQuiet;
      if (mx >= 0 && my >= 0 && mx < matrix.size() && my < matrix.size() && matrix.dark(mx, my)) {
        image.at(x, y) = 0;
      }
    }
  }
  return image;
}

double Near(PointF a, double x, double y) { return std::hypot(a.x - x, a.y - y); }

TEST_CASE("The three finder patterns of a flat code are found, and placed as one code's") {
  Matrix matrix = Encode("https://qrcloud.example.com/s/finder").value();
  std::vector<FinderPattern> patterns = FindFinderPatterns(Flat(matrix), 8);
  REQUIRE(patterns.size() >= 3);
  // Finder centres are 3.5 modules in from the symbol's corners.
  double lo = (kQuiet + 3.5) * kModule, hi = (kQuiet + matrix.size() - 3.5) * kModule;
  int corners = 0;
  for (int i = 0; i < 3; ++i) {
    const PointF& c = patterns[i].center;
    if (Near(c, lo, lo) < 2 || Near(c, hi, lo) < 2 || Near(c, lo, hi) < 2) ++corners;
    CHECK(patterns[i].module == Approx(kModule).epsilon(0.15));
  }
  CHECK(corners == 3);
  std::vector<FinderTriple> triples = FinderTriples(patterns);
  REQUIRE_FALSE(triples.empty());
  CHECK(Near(triples[0].corner.center, lo, lo) < 2);
}

TEST_CASE("A code wrapped round a cylinder suggests unrolling it at about its radius") {
  Matrix matrix = Encode("https://qrcloud.example.com/s/cylinder").value();
  GrayImage flat = Flat(matrix);
  // Wrapped so the code's edges are ±0.9 rad round the cylinder, seen from
  // the front (orthographic), centred in a wider picture.
  double code_half = matrix.size() * kModule / 2.0;
  double radius = code_half / 0.9;
  int width = flat.width + 200, height = flat.height;
  GrayImage wrapped(width, height, 255);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      double u = (x - width / 2.0) / radius;
      if (std::abs(u) >= 1) continue;
      double px = flat.width / 2.0 + radius * std::asin(u);
      if (px < 0 || px > flat.width - 1) continue;
      wrapped.at(x, y) = SampleBilinear(flat, px, y, 255) < 128 ? 0 : 255;
    }
  }
  std::vector<Unroll> plans = PlanUnrolls(wrapped, 40);
  REQUIRE_FALSE(plans.empty());
  GrayImage view = RenderUnroll(wrapped, plans[0]);
  CHECK(view.width * view.height <= 1'100'000);

  // The code faces the camera: its finder centres alone place the
  // cylinder, closer than the patterns' widths can (and where they cannot
  // be measured: a squeezed far pattern under a highlight).
  CHECK(plans[0].radius == Approx(radius).epsilon(0.03));
  CHECK(plans[0].axis == Approx(width / 2.0).margin(kModule / 2.0));
}

}  // namespace
}  // namespace qrcloud::qr::internal
