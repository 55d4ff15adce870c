#include "libs/qr/internal/cylinder.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <utility>

namespace qrcloud::qr::internal {
namespace {

bool Dark(const GrayImage& binary, int x, int y) { return binary.at(x, y) < 128; }

// Whether five runs are in the proportions 1:1:3:1:1, loosely: blur and
// the cylinder's foreshortening make real patterns ragged.
bool FinderRatio(const std::array<double, 5>& runs) {
  double total = 0;
  for (double r : runs) {
    if (r <= 0) return false;
    total += r;
  }
  if (total < 7) return false;
  double unit = total / 7;
  double slack = unit * 0.7;
  return std::abs(runs[0] - unit) < slack && std::abs(runs[1] - unit) < slack &&
         std::abs(runs[2] - 3 * unit) < 3 * slack && std::abs(runs[3] - unit) < slack &&
         std::abs(runs[4] - unit) < slack;
}

// The pattern's extent along a unit direction through `center`: from the
// outer edge of the dark ring on one side to that on the other, or nullopt
// if the five runs are not there (within `limit` pixels). Sampled every
// half pixel.
std::optional<double> Extent(const GrayImage& binary, PointF center, PointF dir, double limit) {
  auto dark_at = [&](double t) -> std::optional<bool> {
    int x = static_cast<int>(std::lround(center.x + t * dir.x));
    int y = static_cast<int>(std::lround(center.y + t * dir.y));
    if (x < 0 || y < 0 || x >= binary.width || y >= binary.height) return std::nullopt;
    return Dark(binary, x, y);
  };
  constexpr double kStep = 0.5;
  std::array<double, 3> forward{}, backward{};  // centre half, light, dark ring
  for (int side = 0; side < 2; ++side) {
    double sign = side == 0 ? 1 : -1;
    std::array<double, 3>& runs = side == 0 ? forward : backward;
    int state = 0;
    for (double t = 0; state < 3; t += kStep) {
      if (t > limit) return std::nullopt;
      std::optional<bool> dark = dark_at(sign * t);
      if (!dark) return std::nullopt;
      bool want_dark = state != 1;
      if (*dark == want_dark) {
        runs[state] += kStep;
      } else if (state == 2) {
        break;  // the ring ended
      } else {
        ++state;
        runs[state] += kStep;
      }
      if (state == 2 && runs[2] > limit) return std::nullopt;
    }
    if (state < 2) return std::nullopt;
  }
  std::array<double, 5> runs = {backward[2], backward[1], forward[0] + backward[0], forward[1],
                                forward[2]};
  if (!FinderRatio(runs)) return std::nullopt;
  double total = 0;
  for (double r : runs) total += r;
  return total;
}

struct Candidate {
  double x = 0;
  double y = 0;
  double width = 0;   // along the row
  double height = 0;  // along the column
};

// Checks a row hit down the column at x: the centre run must continue
// vertically into a 1:1:3:1:1 pattern. Returns the centre's y and the
// pattern's height.
std::optional<std::pair<double, double>> CrossCheckColumn(const GrayImage& binary, int x, int y,
                                                          double limit) {
  auto extent = Extent(binary, {static_cast<double>(x), static_cast<double>(y)}, {0, 1}, limit);
  if (!extent) return std::nullopt;
  // The centre run's midpoint, for a centre independent of the row that hit.
  int top = y, bottom = y;
  while (top > 0 && Dark(binary, x, top - 1)) --top;
  while (bottom + 1 < binary.height && Dark(binary, x, bottom + 1)) ++bottom;
  return std::make_pair((top + bottom) / 2.0, *extent);
}

}  // namespace

std::vector<FinderPattern> FindFinderPatterns(const GrayImage& binary, int max_patterns) {
  struct Cluster {
    Candidate sum;
    int hits = 0;
    Candidate Mean() const {
      return {sum.x / hits, sum.y / hits, sum.width / hits, sum.height / hits};
    }
  };
  std::vector<Cluster> clusters;
  // Photos of clutter or noise can produce many row hits; past this many
  // clusters the search gives up rather than grow without bound.
  constexpr size_t kMaxClusters = 4000;
  std::vector<std::pair<int, int>> runs;  // start, length
  for (int y = 0; y < binary.height; ++y) {
    runs.clear();
    int start = 0;
    for (int x = 1; x <= binary.width; ++x) {
      if (x == binary.width || Dark(binary, x, y) != Dark(binary, start, y)) {
        runs.emplace_back(start, x - start);
        start = x;
      }
    }
    size_t first_dark = Dark(binary, 0, y) ? 0 : 1;
    for (size_t i = first_dark; i + 4 < runs.size(); i += 2) {
      std::array<double, 5> r;
      for (int k = 0; k < 5; ++k) r[k] = runs[i + k].second;
      if (!FinderRatio(r)) continue;
      double width = r[0] + r[1] + r[2] + r[3] + r[4];
      int cx = runs[i + 2].first + runs[i + 2].second / 2;
      // A pattern round a cylinder is narrower than it is tall, never much
      // wider: allow up to 8 times taller.
      auto column = CrossCheckColumn(binary, cx, y, width * 8);
      if (!column || column->second < width * 0.7) continue;
      Candidate c{runs[i + 2].first + runs[i + 2].second / 2.0, column->first, width,
                  column->second};
      bool merged = false;
      for (Cluster& cluster : clusters) {
        Candidate m = cluster.Mean();
        if (std::abs(m.x - c.x) < m.width / 7 * 2 && std::abs(m.y - c.y) < m.height / 7 * 2 &&
            c.height < m.height * 1.5 && c.height * 1.5 > m.height) {
          cluster.sum.x += c.x;
          cluster.sum.y += c.y;
          cluster.sum.width += c.width;
          cluster.sum.height += c.height;
          ++cluster.hits;
          merged = true;
          break;
        }
      }
      if (!merged) {
        if (clusters.size() >= kMaxClusters) return {};
        clusters.push_back({c, 1});
      }
    }
  }
  // A cluster that started on a pattern's edge can drift onto another's
  // centre: merge the pairs that ended up together.
  for (size_t i = 0; i < clusters.size(); ++i) {
    for (size_t j = i + 1; j < clusters.size(); ++j) {
      Candidate a = clusters[i].Mean(), b = clusters[j].Mean();
      if (std::abs(a.x - b.x) < a.width / 7 && std::abs(a.y - b.y) < a.height / 7) {
        clusters[i].sum.x += clusters[j].sum.x;
        clusters[i].sum.y += clusters[j].sum.y;
        clusters[i].sum.width += clusters[j].sum.width;
        clusters[i].sum.height += clusters[j].sum.height;
        clusters[i].hits += clusters[j].hits;
        clusters.erase(clusters.begin() + j);
        --j;
      }
    }
  }
  std::sort(clusters.begin(), clusters.end(),
            [](const Cluster& a, const Cluster& b) { return a.hits > b.hits; });
  std::vector<FinderPattern> patterns;
  for (const Cluster& cluster : clusters) {
    if (cluster.hits < 2 || static_cast<int>(patterns.size()) >= max_patterns) break;
    Candidate m = cluster.Mean();
    patterns.push_back({{m.x, m.y}, m.height / 7, cluster.hits});
  }
  return patterns;
}

namespace {

PointF Sub(PointF a, PointF b) { return {a.x - b.x, a.y - b.y}; }
double Dot(PointF a, PointF b) { return a.x * b.x + a.y * b.y; }
double Length(PointF a) { return std::hypot(a.x, a.y); }

}  // namespace

GrayImage RenderUnroll(const GrayImage& image, const Unroll& u) {
  int width = static_cast<int>((u.s1 - u.s0) / u.step);
  int height = static_cast<int>((u.t1 - u.t0) / u.step);
  GrayImage out(std::max(width, 1), std::max(height, 1), 255);
  for (int i = 0; i < out.width; ++i) {
    double theta = (u.s0 + i * u.step) / u.radius;
    double across = u.axis + u.radius * std::sin(theta);
    double drop = u.radius * (1 - std::cos(theta)) * u.bend;
    for (int j = 0; j < out.height; ++j) {
      double along = u.t0 + j * u.step - drop;
      double x = across * u.e_h.x + along * u.e_v.x;
      double y = across * u.e_h.y + along * u.e_v.y;
      out.at(i, j) = SampleBilinear(image, x, y, 255);
    }
  }
  return out;
}

namespace {

// The unrollings of a cylinder of radius `r` round `axis` (along e_h) on
// which the code's near and far finder columns stand at x_near and x_far:
// the camera level and above or below it by two amounts either way.
void AddPlans(PointF e_h, PointF e_v, double axis, double r, double x_near, double x_far,
              double module, const FinderPattern& corner, const FinderPattern& along,
              std::vector<Unroll>* plans) {
  if (std::abs(x_near - axis) >= r || std::abs(x_far - axis) >= r) return;
  double th0 = std::asin((x_near - axis) / r), th1 = std::asin((x_far - axis) / r);
  for (double bend : {0.0, 0.12, -0.12, 0.25, -0.25}) {
    Unroll u;
    u.e_h = e_h;
    u.e_v = e_v;
    u.axis = axis;
    u.radius = r;
    u.bend = bend;
    double margin = 8 * module;  // the finder's half (3.5) and the quiet zone
    double limit_s = 1.45 * r;
    u.s0 = std::max(r * th0 - margin, -limit_s);
    u.s1 = std::min(r * th1 + margin, limit_s);
    double drop = r * (1 - std::cos(th0)) * bend;
    double t_corner = Dot(corner.center, e_v) + drop;
    double t_along = Dot(along.center, e_v) + drop;
    u.t0 = std::min(t_corner, t_along) - margin;
    u.t1 = std::max(t_corner, t_along) + margin;
    // About 6 output pixels a module, and at most ~1 MP.
    u.step = std::max(module / 6, 0.5);
    double area = (u.s1 - u.s0) * (u.t1 - u.t0) / (u.step * u.step);
    if (area > 1e6) u.step *= std::sqrt(area / 1e6);
    if (u.s1 - u.s0 < 2 * u.step || u.t1 - u.t0 < 2 * u.step) continue;
    plans->push_back(u);
  }
}

// The half-angle θ in (0, π/2) with θ / sin θ = `ratio` (≥ 1), by bisection.
double HalfAngle(double ratio) {
  double lo = 0, hi = std::numbers::pi / 2;
  for (int i = 0; i < 40; ++i) {
    double mid = (lo + hi) / 2;
    (mid / std::sin(mid) < ratio ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// Nearly flat codes: the other passes had their chance; unrolling adds
// nothing.
constexpr double kMinCurve = 0.35;

// The unrollings for one finder triple: `corner` is the pattern at the
// code's right angle, `along` the one on the same side of the cylinder (the
// axis runs from corner to along), `across` the one round the cylinder.
void PlanTriple(const GrayImage& binary, const FinderPattern& corner, const FinderPattern& along,
                const FinderPattern& across, std::vector<Unroll>* plans) {
  PointF e_v = Sub(along.center, corner.center);
  double span_v = Length(e_v);
  if (span_v < 1) return;
  e_v = {e_v.x / span_v, e_v.y / span_v};
  PointF e_h = {-e_v.y, e_v.x};
  if (Dot(Sub(across.center, corner.center), e_h) < 0) e_h = {e_v.y, -e_v.x};
  double module = (corner.module + along.module + across.module) / 3;
  double x_near = Dot(corner.center, e_h), x_far = Dot(across.center, e_h);
  // First the code facing the camera, which needs no widths (a squeezed
  // pattern on the far side, blurred or under a highlight, often has none
  // to measure): its finder columns stand symmetrically about the axis, and
  // the arc between them is as long as the side along the axis (both are
  // the code's size less 7 modules): θ / sin θ = arc / chord.
  double half_chord = (x_far - x_near) / 2, half_arc = span_v / 2;
  if (half_chord > 0 && half_arc > half_chord) {
    double theta = HalfAngle(half_arc / half_chord);
    if (theta >= kMinCurve) {
      AddPlans(e_h, e_v, (x_near + x_far) / 2, half_arc / theta, x_near, x_far, module, corner,
               along, plans);
    }
  }
  // Then turned: each column's angle from its patterns' squeeze.
  double limit = module * 20;
  std::array<const FinderPattern*, 3> three = {&corner, &along, &across};
  std::array<double, 3> squeeze;  // width / height: cos θ
  for (int i = 0; i < 3; ++i) {
    auto w = Extent(binary, three[i]->center, e_h, limit);
    auto h = Extent(binary, three[i]->center, e_v, limit);
    if (!w || !h) return;
    squeeze[i] = std::clamp(*w / *h, 0.05, 1.0);
  }
  double near = std::acos((squeeze[0] + squeeze[1]) / 2), far = std::acos(squeeze[2]);
  if (std::max(near, far) < kMinCurve) return;
  // Which sides of the line of sight the two columns are on: the code
  // facing the camera straddles it; a code turned away has both on one.
  std::vector<std::pair<double, double>> angles = {{-near, far}};
  if (far > near + 0.1) angles.push_back({near, far});
  if (near > far + 0.1) angles.push_back({-near, -far});
  for (auto [theta_near, theta_far] : angles) {
    double denominator = std::sin(theta_far) - std::sin(theta_near);
    if (denominator < 0.05) continue;
    double radius = (x_far - x_near) / denominator;
    double axis = x_near - radius * std::sin(theta_near);
    // Widths are measured to a few per cent; a larger radius errs on the
    // safe side, so it comes second.
    for (double factor : {1.0, 1.2}) {
      AddPlans(e_h, e_v, axis, radius * factor, x_near, x_far, module, corner, along, plans);
    }
  }
}

}  // namespace

std::vector<FinderTriple> FinderTriples(const std::vector<FinderPattern>& patterns) {
  std::vector<FinderTriple> triples;
  int n = static_cast<int>(patterns.size());
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      for (int k = j + 1; k < n; ++k) {
        std::array<const FinderPattern*, 3> p = {&patterns[i], &patterns[j], &patterns[k]};
        double lo = std::min({p[0]->module, p[1]->module, p[2]->module});
        double hi = std::max({p[0]->module, p[1]->module, p[2]->module});
        if (hi > lo * 1.6) continue;
        // The corner is opposite the longest side.
        std::array<double, 3> side = {Length(Sub(p[1]->center, p[2]->center)),
                                      Length(Sub(p[0]->center, p[2]->center)),
                                      Length(Sub(p[0]->center, p[1]->center))};
        int c = static_cast<int>(std::max_element(side.begin(), side.end()) - side.begin());
        const FinderPattern* corner = p[c];
        const FinderPattern* b = p[(c + 1) % 3];
        const FinderPattern* d = p[(c + 2) % 3];
        PointF cb = Sub(b->center, corner->center), cd = Sub(d->center, corner->center);
        double module = (lo + hi) / 2;
        // Versions 1..40 put 14..170 modules between finder centres; a side
        // round a cylinder or seen steeply may look much shorter.
        double lb = Length(cb) / module, ld = Length(cd) / module;
        if (std::max(lb, ld) < 12 || std::max(lb, ld) > 200 || std::min(lb, ld) < 4) continue;
        // Roughly a right angle at the corner (60–120°: perspective skews it).
        if (std::abs(Dot(cb, cd)) > 0.5 * Length(cb) * Length(cd)) continue;
        triples.push_back({*corner, *b, *d});
      }
    }
  }
  return triples;
}

std::vector<Unroll> PlanUnrolls(const GrayImage& binary, int max_plans) {
  std::vector<Unroll> plans;
  for (const FinderTriple& t : FinderTriples(FindFinderPatterns(binary, 8))) {
    if (static_cast<int>(plans.size()) >= max_plans) break;
    // The axis may run along either side of the code.
    PlanTriple(binary, t.corner, t.b, t.c, &plans);
    PlanTriple(binary, t.corner, t.c, t.b, &plans);
  }
  if (static_cast<int>(plans.size()) > max_plans) plans.resize(max_plans);
  return plans;
}

}  // namespace qrcloud::qr::internal
