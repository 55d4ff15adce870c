#include "libs/qr/internal/grid_sampler.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <numbers>
#include <optional>
#include <utility>

namespace qrcloud::qr::internal {
namespace {

constexpr double kPi = std::numbers::pi;

// Out along a profile from a finder pattern's dark centre, past its light
// ring and its dark ring: the index of the first sample lighter than
// `threshold` beyond them, or `n` if the profile ends first.
int OuterRingEnd(const double* profile, int n, double threshold) {
  int i = 0;
  while (i < n && profile[i] < threshold) ++i;
  while (i < n && profile[i] >= threshold) ++i;
  while (i < n && profile[i] < threshold) ++i;
  return i;
}

// Centres of the alignment patterns along each axis, versions 2..40
// (ISO/IEC 18004, annex E); version 1 has none.
constexpr std::array<std::array<int, 7>, 41> kAlignment = {{
    {},
    {},
    {6, 18},
    {6, 22},
    {6, 26},
    {6, 30},
    {6, 34},
    {6, 22, 38},
    {6, 24, 42},
    {6, 26, 46},
    {6, 28, 50},
    {6, 30, 54},
    {6, 32, 58},
    {6, 34, 62},
    {6, 26, 46, 66},
    {6, 26, 48, 70},
    {6, 26, 50, 74},
    {6, 30, 54, 78},
    {6, 30, 56, 82},
    {6, 30, 58, 86},
    {6, 34, 62, 90},
    {6, 28, 50, 72, 94},
    {6, 26, 50, 74, 98},
    {6, 30, 54, 78, 102},
    {6, 28, 54, 80, 106},
    {6, 32, 58, 84, 110},
    {6, 30, 58, 86, 114},
    {6, 34, 62, 90, 118},
    {6, 26, 50, 74, 98, 122},
    {6, 30, 54, 78, 102, 126},
    {6, 26, 52, 78, 104, 130},
    {6, 30, 56, 82, 108, 134},
    {6, 34, 60, 86, 112, 138},
    {6, 30, 58, 86, 114, 142},
    {6, 34, 62, 90, 118, 146},
    {6, 30, 54, 78, 102, 126, 150},
    {6, 24, 50, 76, 102, 128, 154},
    {6, 28, 54, 80, 106, 132, 158},
    {6, 32, 58, 84, 110, 136, 162},
    {6, 26, 54, 82, 110, 138, 166},
    {6, 30, 58, 86, 114, 142, 170},
}};

// A module whose colour every code of its size shares.
struct Known {
  int x = 0;
  int y = 0;
  bool dark = false;
};

// The finder patterns with their separators, the timing patterns and the
// alignment patterns of a code `size` modules a side.
std::vector<Known> FunctionModules(int size) {
  std::vector<Known> known;
  auto finder = [&](int x0, int y0) {
    for (int dy = -1; dy <= 7; ++dy) {
      for (int dx = -1; dx <= 7; ++dx) {
        int x = x0 + dx, y = y0 + dy;
        if (x < 0 || y < 0 || x >= size || y >= size) continue;
        int ring = std::max(std::abs(dx - 3), std::abs(dy - 3));
        known.push_back({x, y, ring <= 1 || ring == 3});
      }
    }
  };
  finder(0, 0);
  finder(size - 7, 0);
  finder(0, size - 7);
  for (int i = 8; i < size - 8; ++i) {
    known.push_back({i, 6, i % 2 == 0});
    known.push_back({6, i, i % 2 == 0});
  }
  int version = (size - 17) / 4;
  const std::array<int, 7>& at = kAlignment[version];
  for (int cy : at) {
    for (int cx : at) {
      if (cx == 0 || cy == 0) continue;
      // Not where the finder patterns are.
      if ((cx == 6 && cy == 6) || (cx == 6 && cy == size - 7) || (cx == size - 7 && cy == 6)) {
        continue;
      }
      for (int dy = -2; dy <= 2; ++dy) {
        for (int dx = -2; dx <= 2; ++dx) {
          int ring = std::max(std::abs(dx), std::abs(dy));
          known.push_back({cx + dx, cy + dy, ring != 1});
        }
      }
    }
  }
  known.push_back({8, size - 8, true});  // the dark module
  return known;
}

// The mean of a module's middle, from n×n points over its middle half.
double ModuleMean(const GrayImage& image, const Homography& h, int x, int y, int n) {
  double sum = 0;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      PointF p = h.Apply({x + 0.25 + 0.5 * (i + 0.5) / n, y + 0.25 + 0.5 * (j + 0.5) / n});
      sum += SampleClamped(image, p.x, p.y);
    }
  }
  return sum / (n * n);
}

// The four points a grid is fitted by: the three finder patterns' centres
// and the point as far from the top-right and bottom-left ones as they are
// from the top-left, in the photo.
struct Corners {
  PointF tl, tr, bl, br;
};

std::optional<Homography> GridTransform(int size, const Corners& c) {
  double far = size - 3.5;
  return Homography::FromPoints(
      {PointF{3.5, 3.5}, PointF{far, 3.5}, PointF{3.5, far}, PointF{far, far}},
      {c.tl, c.tr, c.bl, c.br});
}

// Mean light minus mean dark over the known modules: high when the grid
// lies on the code.
double Fit(const GrayImage& image, int size, const std::vector<Known>& known, const Corners& c) {
  std::optional<Homography> h = GridTransform(size, c);
  if (!h) return -1e9;
  double dark = 0, light = 0;
  int darks = 0, lights = 0;
  for (const Known& k : known) {
    // Near the module's corners: a grid half a module off puts some of
    // these in the neighbours, where sampling the centre would not notice.
    double v = 0;
    for (PointF d : {PointF{0.2, 0.2}, PointF{0.8, 0.2}, PointF{0.2, 0.8}, PointF{0.8, 0.8}}) {
      PointF p = h->Apply({k.x + d.x, k.y + d.y});
      v += SampleClamped(image, p.x, p.y);
    }
    if (k.dark) {
      dark += v;
      ++darks;
    } else {
      light += v;
      ++lights;
    }
  }
  return light / std::max(lights, 1) - dark / std::max(darks, 1);
}

PointF Add(PointF a, PointF b) { return {a.x + b.x, a.y + b.y}; }
PointF Sub(PointF a, PointF b) { return {a.x - b.x, a.y - b.y}; }
PointF Mul(PointF a, double k) { return {a.x * k, a.y * k}; }
double Length(PointF a) { return std::hypot(a.x, a.y); }

// Moves one corner at a time by `step` pixels in eight directions while the
// fit improves.
void Polish(const GrayImage& image, int size, const std::vector<Known>& known, double step,
            Corners* c, double* fit) {
  static constexpr int kDirs[8][2] = {{1, 0}, {-1, 0}, {0, 1},  {0, -1},
                                      {1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
  for (int round = 0; round < 3; ++round) {
    bool moved = false;
    for (PointF* p : {&c->tl, &c->tr, &c->bl, &c->br}) {
      for (const auto& d : kDirs) {
        PointF keep = *p;
        *p = Add(keep, {d[0] * step, d[1] * step});
        double f = Fit(image, size, known, *c);
        if (f > *fit + 1e-9) {
          *fit = f;
          moved = true;
        } else {
          *p = keep;
        }
      }
    }
    if (!moved) break;
  }
}

// The triple's centres as top-left, top-right and bottom-left (clockwise
// in the picture, y down), the fourth corner completing the parallelogram.
Corners Oriented(const FinderTriple& triple) {
  Corners c{triple.corner.center, triple.b.center, triple.c.center, {}};
  PointF ab = Sub(c.tr, c.tl), ac = Sub(c.bl, c.tl);
  if (ab.x * ac.y - ab.y * ac.x < 0) std::swap(c.tr, c.bl);
  c.br = Sub(Add(c.tr, c.bl), c.tl);
  return c;
}

// The versions the patterns' spacing and module allow: the module is
// measured down a column, which a turned pattern makes up to √2 too long;
// perspective shortens one side. At most 9, round the middle, when chance
// patterns far apart allow more.
std::pair<int, int> VersionRange(double spacing, double module) {
  if (module <= 0) return {1, 0};
  int lo = static_cast<int>(std::floor((spacing / (module * 1.15) + 7 - 17) / 4));
  int hi = static_cast<int>(std::ceil((spacing / (module / 1.6) + 7 - 17) / 4));
  lo = std::max(lo, 1), hi = std::min(hi, 40);
  if (hi - lo > 8) {
    int mid = (lo + hi) / 2;
    lo = std::max(1, mid - 4), hi = std::min(40, mid + 4);
  }
  return {lo, hi};
}

// The same for a triple: its mean module, its longer side.
std::pair<int, int> Versions(const FinderTriple& triple, const Corners& c) {
  double module = (triple.corner.module + triple.b.module + triple.c.module) / 3;
  double spacing = std::max(Length(Sub(c.tr, c.tl)), Length(Sub(c.bl, c.tl)));
  return VersionRange(spacing, module);
}

// The finder patterns' dark ring (3 modules out) against their light one
// (2 out), over the middle three modules of the four sides of each, for
// module vectors `ex` and `ey`: mean light minus mean dark.
double RingContrast(const GrayImage& image, std::initializer_list<PointF> centres, PointF ex,
                    PointF ey) {
  double dark = 0, light = 0;
  int count = 0;
  for (PointF centre : centres) {
    for (auto [e, f] : {std::pair{ex, ey}, std::pair{ey, ex}, std::pair{Mul(ex, -1), ey},
                        std::pair{Mul(ey, -1), ex}}) {
      for (int k = -1; k <= 1; ++k) {
        PointF d3 = Add(centre, Add(Mul(e, 3), Mul(f, k)));
        PointF l2 = Add(centre, Add(Mul(e, 2), Mul(f, k)));
        dark += SampleClamped(image, d3.x, d3.y);
        light += SampleClamped(image, l2.x, l2.y);
        ++count;
      }
    }
  }
  return (light - dark) / count;
}

// Light minus dark along one timing pattern — modules 8..size−9 (even
// dark) of the line from `from` to `to` (the finder centres, 3.5 modules in
// from the symbol's edges) moved by `offset` — at the 1-D perspective along
// it that fits best (w² is the ratio of the module's length at the far end
// to that at the near one), as a share of the spread within the dark and
// the light modules: a real timing pattern stands clear of its spread,
// noise does not. Each module is the mean of 4 points round its middle.
struct Alternation {
  double contrast = 0;
  double clarity = 0;  // contrast / spread
};

Alternation TimingAlternation(const GrayImage& image, int size, PointF from, PointF to,
                              PointF offset, PointF across) {
  Alternation best{-1e9, 0};
  PointF along = Mul(Sub(to, from), 1.0 / (size - 7));
  std::vector<double> v, d;
  for (double w : {0.75, 0.85, 0.93, 1.0, 1.07, 1.17, 1.33}) {
    // Perspective turns the line three modules off the finder centres'
    // against it: its far end slides along by up to a module.
    for (double shear : {-1.0, -0.5, 0.0, 0.5, 1.0}) {
      v.clear();
      for (int i = 8; i < size - 8; ++i) {
        double t = (i + 0.5 - 3.5) / (size - 7);
        double warped = w * t / (1 + (w - 1) * t);
        PointF p = Add(Add(from, Mul(Sub(to, from), warped)), Add(offset, Mul(along, shear * t)));
        double value = 0;
        for (PointF e :
             {PointF{-0.2, -0.2}, PointF{0.2, -0.2}, PointF{-0.2, 0.2}, PointF{0.2, 0.2}}) {
          PointF q = Add(p, Add(Mul(along, e.x), Mul(across, e.y)));
          value += SampleClamped(image, q.x, q.y) / 4;
        }
        v.push_back(value);
      }
      if (v.size() < 5) return {};
      // Each module against the mean of its two neighbours, signed so that
      // a timing pattern makes it positive; the two largest and smallest
      // left out: a shadow edge across the line changes two of these (and
      // not, as with the means of the light and the dark modules, all).
      d.clear();
      for (size_t k = 1; k + 1 < v.size(); ++k) {
        int i = 8 + static_cast<int>(k);
        d.push_back((v[k] - (v[k - 1] + v[k + 1]) / 2) * (i % 2 == 1 ? 1 : -1));
      }
      std::sort(d.begin(), d.end());
      size_t trim = d.size() >= 9 ? 2 : 0;
      double sum = 0, squares = 0;
      int count = 0;
      for (size_t k = trim; k + trim < d.size(); ++k) sum += d[k], squares += d[k] * d[k], ++count;
      double contrast = sum / count;
      double var = std::max(squares / count - contrast * contrast, 1.0);
      if (contrast > best.contrast) best = {contrast, contrast / std::sqrt(var)};
    }
  }
  return best;
}

}  // namespace

TimingCheck CheckTiming(const GrayImage& image, const FinderTriple& triple) {
  // The least contrast a timing pattern has over the spread of its dark
  // and its light modules.
  constexpr double kMinClarity = 1.5;
  Corners c = Oriented(triple);
  auto [lo, hi] = Versions(triple, c);
  TimingCheck check;
  for (int version = lo; version <= hi; ++version) {
    int size = 17 + 4 * version;
    PointF ex = Mul(Sub(c.tr, c.tl), 1.0 / (size - 7));
    PointF ey = Mul(Sub(c.bl, c.tl), 1.0 / (size - 7));
    double finder = RingContrast(image, {c.tl, c.tr, c.bl}, ex, ey);
    if (finder < 2) continue;
    // Row 6 runs 3 modules below the line through the top finder centres,
    // column 6 3 modules right of the left ones.
    Alternation row = TimingAlternation(image, size, c.tl, c.tr, Mul(ey, 3), ey);
    Alternation column = TimingAlternation(image, size, c.tl, c.bl, Mul(ex, 3), ex);
    // A timing pattern much stronger than the finder patterns' rings is
    // not theirs (noise measured them faint); one lost in its own spread
    // is not there.
    double score = std::min(row.contrast, column.contrast) / finder;
    if (score > 1.6 || std::min(row.clarity, column.clarity) < kMinClarity) continue;
    if (score > check.score) check = {score, size};
  }
  return check;
}

TimingCheck CheckSideTiming(const GrayImage& image, const FinderPattern& a, const FinderPattern& b,
                            int side) {
  constexpr double kMinClarity = 1.5;
  double module = (a.module + b.module) / 2;
  double spacing = Length(Sub(b.center, a.center));
  if (module <= 0 || spacing <= 0) return {};
  auto [lo, hi] = VersionRange(spacing, module);
  TimingCheck check;
  for (int version = lo; version <= hi; ++version) {
    int size = 17 + 4 * version;
    PointF along = Mul(Sub(b.center, a.center), 1.0 / (size - 7));
    PointF across = Mul(PointF{-along.y, along.x}, side);
    double finder = RingContrast(image, {a.center, b.center}, along, across);
    if (finder < 2) continue;
    // The code's own across may be off the perpendicular (perspective,
    // skew): the line is tried a quarter module either side.
    Alternation row;
    for (double off : {3.0, 2.75, 3.25}) {
      Alternation r = TimingAlternation(image, size, a.center, b.center, Mul(across, off), across);
      if (r.contrast > row.contrast) row = r;
    }
    double score = row.contrast / finder;
    if (score > 1.6 || row.clarity < kMinClarity) continue;
    if (score > check.score) check = {score, size};
  }
  return check;
}

PatternShape PatternSides(const GrayImage& image, const FinderPattern& p) {
  const double m = p.module;  // up to twice the real module
  if (m <= 0) return {};
  // The code's two axes at the pattern: the two strongest orientations of
  // the gradient (mod 180°, in 3° bins, weighted by its strength) within
  // 5 modules of its centre — the pattern's and nearby modules' edges all
  // run along them.
  constexpr int kBins = 60;
  std::array<double, kBins> histogram{};
  int reach = static_cast<int>(std::ceil(5 * m));
  int cx = static_cast<int>(std::lround(p.center.x)),
      cy = static_cast<int>(std::lround(p.center.y));
  for (int y = std::max(1, cy - reach); y < std::min(image.height - 1, cy + reach); ++y) {
    for (int x = std::max(1, cx - reach); x < std::min(image.width - 1, cx + reach); ++x) {
      double gx = image.at(x + 1, y) - image.at(x - 1, y);
      double gy = image.at(x, y + 1) - image.at(x, y - 1);
      double strength = gx * gx + gy * gy;
      if (strength < 16) continue;
      double angle = std::atan2(gy, gx);
      if (angle < 0) angle += kPi;
      int bin = static_cast<int>(angle / kPi * kBins) % kBins;
      histogram[bin] += std::sqrt(strength);
    }
  }
  std::array<double, kBins> smooth;
  for (int k = 0; k < kBins; ++k) {
    smooth[k] = histogram[(k + kBins - 1) % kBins] + 2 * histogram[k] + histogram[(k + 1) % kBins];
  }
  int first = static_cast<int>(std::max_element(smooth.begin(), smooth.end()) - smooth.begin());
  int second = -1;
  for (int k = 0; k < kBins; ++k) {
    int apart = std::abs(k - first);
    apart = std::min(apart, kBins - apart);
    if (apart * 3 < 40) continue;  // perspective skews the axes, not that far
    if (second < 0 || smooth[k] > smooth[second]) second = k;
  }
  if (second < 0 || smooth[second] <= 0) return {};
  auto gradient = [&](int bin) {
    // The peak placed between bins (a parabola through it and its two
    // neighbours): a bin is 3°, a module's worth across 20 modules.
    double before = smooth[(bin + kBins - 1) % kBins], at = smooth[bin],
           after = smooth[(bin + 1) % kBins];
    double curve = before - 2 * at + after;
    double shift = curve < 0 ? std::clamp(0.5 * (before - after) / curve, -0.5, 0.5) : 0;
    double angle = (bin + 0.5 + shift) * kPi / kBins;
    return PointF{std::cos(angle), std::sin(angle)};  // across the edges of that orientation
  };
  // Edges whose gradient is g run across g: along the other axis. Each axis
  // as the direction its edges run.
  PointF g1 = gradient(first), g2 = gradient(second);
  PointF e1{-g1.y, g1.x}, e2{-g2.y, g2.x};  // edges along e1 have gradient g1
  // For each of the four sides, the profile out from the centre along the
  // other axis, each point the mean over ±2.5 modules along the side; out
  // from the dark centre, the light ring, the dark ring, then the outer
  // edge, against halfway from the centre to the paper.
  PatternShape shape;
  double extent = 0;
  constexpr int kSamples = 57;  // 7 modules (of m) in eighths
  for (auto [along, out] : {std::pair{e1, e2}, std::pair{e2, e1}}) {
    for (double sign : {1.0, -1.0}) {
      PointF dir = Mul(out, sign);
      std::array<double, kSamples> profile;
      for (int i = 0; i < kSamples; ++i) {
        double sum = 0;
        for (int j = -5; j <= 5; ++j) {
          PointF q = Add(p.center, Add(Mul(dir, i * m / 8), Mul(along, j * m / 4)));
          sum += SampleClamped(image, q.x, q.y);
        }
        profile[i] = sum / 11;
      }
      double centre = (profile[0] + profile[1] + profile[2]) / 3;
      double paper = *std::max_element(profile.begin(), profile.end());
      if (paper - centre < 8) return {};
      double threshold = (centre + paper) / 2;
      int i = OuterRingEnd(profile.data(), kSamples, threshold);
      if (i == 0 || i >= kSamples) return {};
      double t = (i - 0.5) * m / 8;
      // The side's own direction: the edge found again along single lines
      // at offsets across ±2.5 modules (of the edge's 3.5), each within a
      // module of t, and a line fitted through them.
      double sj = 0, st = 0, sjj = 0, sjt = 0;
      int count = 0;
      for (int j = -5; j <= 5; ++j) {
        PointF base = Add(p.center, Mul(along, j * t / 7));
        double last = -1;
        for (double u = t - m / 2; u <= t + m / 2; u += m / 16) {
          PointF q = Add(base, Mul(dir, u));
          if (SampleClamped(image, q.x, q.y) < threshold) last = u;
        }
        if (last < 0 || last >= t + m / 2 - m / 16) continue;
        double o = last + m / 32;
        sj += j, st += o, sjj += j * j, sjt += j * o, ++count;
      }
      PointF side = along;
      if (count >= 5) {
        double slope = (count * sjt - sj * st) / (count * sjj - sj * sj);  // per step of t/7
        t = (st - slope * sj) / count;
        side = Add(along, Mul(dir, slope * 7 / t));
        side = Mul(side, 1 / Length(side));
      }
      // The side: through the edge point; its normal square to it,
      // pointing out.
      PointF normal{-side.y, side.x};
      if (normal.x * dir.x + normal.y * dir.y < 0) normal = Mul(normal, -1);
      shape.sides.push_back({Add(p.center, Mul(dir, t)), side, normal});
      extent += t;
    }
  }
  // Each pair of sides is 7 modules apart.
  shape.module = extent / 2 / 7;
  return shape;
}

// PatternSides by rays: where the outer dark ring ends along rays round
// the centre, its nearest directions the sides' normals, each side a line
// fitted to its rays' edge points.
PatternShape PatternSidesAlongRays(const GrayImage& image, const FinderPattern& p) {
  constexpr int kRays = 120;  // every 3°
  constexpr double kStep = 2 * kPi / kRays;
  const double m = p.module;
  if (m <= 0) return {};
  constexpr int kSamples = 57;
  std::vector<std::array<double, kSamples>> profiles(kRays);
  std::vector<double> all;
  all.reserve(kRays * kSamples);
  double centre = 0;
  for (int k = 0; k < kRays; ++k) {
    PointF dir{std::cos(k * kStep), std::sin(k * kStep)};
    for (int i = 0; i < kSamples; ++i) {
      PointF q = Add(p.center, Mul(dir, i * m / 8));
      profiles[k][i] = SampleClamped(image, q.x, q.y);
      all.push_back(profiles[k][i]);
    }
    for (int i = 0; i < 4; ++i) centre += profiles[k][i] / (4 * kRays);
  }
  // One threshold for the pattern: halfway from its dark centre to its
  // paper (the lighter fifth of what the rays cross), so that dark clutter
  // beyond the quiet zone does not make the print look light.
  std::nth_element(all.begin(), all.begin() + all.size() * 4 / 5, all.end());
  double paper = all[all.size() * 4 / 5];
  if (paper - centre < 8) return {};
  double threshold = (centre + paper) / 2;
  std::array<double, kRays> edge;
  int valid = 0;
  for (int k = 0; k < kRays; ++k) {
    const std::array<double, kSamples>& profile = profiles[k];
    edge[k] = -1;
    int i = OuterRingEnd(profile.data(), kSamples, threshold);
    if (i > 0 && i < kSamples && profile[0] < threshold) {
      edge[k] = (i - 0.5) * m / 8;
      ++valid;
    }
  }
  if (valid < kRays * 2 / 3) return {};
  std::array<double, kRays / 2> folded;
  for (int k = 0; k < kRays / 2; ++k) {
    double sum = 0;
    int n = 0;
    for (int d = -1; d <= 1; ++d) {
      for (int half : {0, kRays / 2}) {
        double e = edge[(k + d + half + kRays) % kRays];
        if (e > 0) sum += e, ++n;
      }
    }
    folded[k] = n >= 3 ? sum / n : 1e9;
  }
  int first = static_cast<int>(std::min_element(folded.begin(), folded.end()) - folded.begin());
  int second = -1;
  for (int k = 0; k < kRays / 2; ++k) {
    int apart = std::abs(k - first);
    apart = std::min(apart, kRays / 2 - apart);
    if (apart * 3 < 40) continue;
    if (second < 0 || folded[k] < folded[second]) second = k;
  }
  if (second < 0 || folded[first] > 1e8 || folded[second] > 1e8) return {};
  PatternShape shape;
  double offsets = 0;
  for (int normal : {first, second, first + kRays / 2, second + kRays / 2}) {
    PointF n{std::cos(normal * kStep), std::sin(normal * kStep)};
    PointF along{-n.y, n.x};
    std::vector<PointF> points;
    for (int d = -8; d <= 8; ++d) {
      int k = (normal + d + kRays) % kRays;
      if (edge[k] <= 0) continue;
      points.push_back(
          Add(p.center, Mul(PointF{std::cos(k * kStep), std::sin(k * kStep)}, edge[k])));
    }
    if (points.size() < 5) return {};
    // In the frame of the guessed side: offset = a + b·t, t along it.
    double st = 0, so = 0, stt = 0, sto = 0;
    for (PointF q : points) {
      PointF r = Sub(q, p.center);
      double t = r.x * along.x + r.y * along.y, o = r.x * n.x + r.y * n.y;
      st += t, so += o, stt += t * t, sto += t * o;
    }
    double count = points.size();
    double denominator = count * stt - st * st;
    if (std::abs(denominator) < 1e-9) return {};
    double slope = (count * sto - st * so) / denominator;
    double offset = (so - slope * st) / count;
    PointF direction = Mul(Add(along, Mul(n, slope)), 1 / std::hypot(1.0, slope));
    shape.sides.push_back({Add(p.center, Mul(n, offset)), direction, n});
    offsets += std::abs(offset);
  }
  shape.module = offsets / 4 / 3.5;
  return shape;
}

std::optional<PointF> Intersection(const Line& a, const Line& b) {
  double det = a.direction.x * (-b.direction.y) - a.direction.y * (-b.direction.x);
  if (std::abs(det) < 0.2) return std::nullopt;  // nearly parallel
  PointF d = Sub(b.point, a.point);
  double s = (d.x * (-b.direction.y) - d.y * (-b.direction.x)) / det;
  return Add(a.point, Mul(a.direction, s));
}

std::vector<PatternShape> PatternShapes(const GrayImage& image, const FinderPattern& p) {
  return {PatternSides(image, p), PatternSidesAlongRays(image, p)};
}

std::vector<PointF> DiagonalCorners(const GrayImage& image, const FinderPattern& a,
                                    const FinderPattern& b) {
  return DiagonalCorners(image, a, PatternShapes(image, a), b, PatternShapes(image, b));
}

std::vector<PointF> DiagonalCorners(const GrayImage& image, const FinderPattern& a,
                                    const std::vector<PatternShape>& shapes_a,
                                    const FinderPattern& b,
                                    const std::vector<PatternShape>& shapes_b) {
  std::vector<PointF> corners;
  for (size_t method = 0; method < std::min(shapes_a.size(), shapes_b.size()); ++method) {
    const PatternShape &shape_a = shapes_a[method], &shape_b = shapes_b[method];
    if (shape_a.sides.empty() || shape_b.sides.empty()) continue;
    double module = (shape_a.module + shape_b.module) / 2;
    PointF ab = Sub(b.center, a.center);
    for (const Line& u : shape_a.sides) {
      // The code's edges run along the patterns' outer sides: those facing
      // away from the other pattern.
      if (u.normal.x * ab.x + u.normal.y * ab.y > 0) continue;
      for (const Line& v : shape_b.sides) {
        if (v.normal.x * ab.x + v.normal.y * ab.y < 0) continue;
        std::optional<PointF> x = Intersection(u, v);
        if (!x) continue;
        PointF to_a = Sub(a.center, *x), to_b = Sub(b.center, *x);
        double la = Length(to_a), lb = Length(to_b);
        if (la < 8 * module || lb < 8 * module || la > 2 * lb || lb > 2 * la) continue;
        double cosine = (to_a.x * to_b.x + to_a.y * to_b.y) / (la * lb);
        if (std::abs(cosine) > 0.64) continue;  // 50–130°
        // The symbol's corner; the third pattern's centre 3.5 modules (the
        // patterns' own) in along both edges.
        PointF centre = Add(*x, Add(Mul(to_a, 3.5 * module / la), Mul(to_b, 3.5 * module / lb)));
        if (centre.x < 0 || centre.y < 0 || centre.x >= image.width || centre.y >= image.height) {
          continue;
        }
        bool seen = std::any_of(corners.begin(), corners.end(),
                                [&](PointF c) { return Length(Sub(c, centre)) < 2 * module; });
        if (!seen) corners.push_back(centre);
      }
    }
  }
  return corners;
}

std::vector<Grid> FitGrids(const GrayImage& image, const FinderTriple& triple, int max_grids) {
  Corners base = Oriented(triple);
  auto [lo, hi] = Versions(triple, base);
  struct Candidate {
    int size;
    double fit;
  };
  std::vector<Candidate> sizes;
  for (int version = lo; version <= hi; ++version) {
    int size = 17 + 4 * version;
    sizes.push_back({size, Fit(image, size, FunctionModules(size), base)});
  }
  std::sort(sizes.begin(), sizes.end(),
            [](const Candidate& a, const Candidate& b) { return a.fit > b.fit; });
  if (static_cast<int>(sizes.size()) > max_grids) sizes.resize(max_grids);

  std::vector<Grid> grids;
  for (const Candidate& candidate : sizes) {
    int size = candidate.size;
    std::vector<Known> known = FunctionModules(size);
    PointF ex = Mul(Sub(base.tr, base.tl), 1.0 / (size - 7));
    PointF ey = Mul(Sub(base.bl, base.tl), 1.0 / (size - 7));
    Corners best = base;
    double fit = candidate.fit;
    if (size > 21) {
      // The fourth corner: perspective moves it off the parallelogram by up
      // to a few modules; whole modules first, then quarters.
      int reach = std::min(6, size / 6);
      Corners start = best;
      for (int dv = -reach; dv <= reach; dv += 2) {
        for (int du = -reach; du <= reach; du += 2) {
          Corners c = start;
          c.br = Add(start.br, Add(Mul(ex, du), Mul(ey, dv)));
          double f = Fit(image, size, known, c);
          if (f > fit) fit = f, best = c;
        }
      }
      for (double step : {1.0, 0.5, 0.25}) {
        start = best;
        for (int dv = -1; dv <= 1; ++dv) {
          for (int du = -1; du <= 1; ++du) {
            Corners c = start;
            c.br = Add(start.br, Add(Mul(ex, du * step), Mul(ey, dv * step)));
            double f = Fit(image, size, known, c);
            if (f > fit) fit = f, best = c;
          }
        }
      }
    }
    double step = Length(ex);
    for (double share : {1.0, 0.5, 0.25}) Polish(image, size, known, step * share, &best, &fit);
    std::optional<Homography> h = GridTransform(size, best);
    if (h) grids.push_back({size, *h, fit});
  }
  std::sort(grids.begin(), grids.end(), [](const Grid& a, const Grid& b) { return a.fit > b.fit; });
  return grids;
}

std::vector<double> SampleModules(const GrayImage& image, const Grid& grid) {
  std::vector<double> modules(static_cast<size_t>(grid.size) * grid.size);
  for (int y = 0; y < grid.size; ++y) {
    for (int x = 0; x < grid.size; ++x) {
      modules[static_cast<size_t>(y) * grid.size + x] = ModuleMean(image, grid.to_image, x, y, 4);
    }
  }
  return modules;
}

GrayImage RenderModules(const std::vector<double>& modules, int size, int radius, int scale) {
  // Sums over the modules above and left of each, for the local means.
  std::vector<double> sums(static_cast<size_t>(size + 1) * (size + 1), 0);
  auto sum_at = [&](int x, int y) -> double& {
    return sums[static_cast<size_t>(y) * (size + 1) + x];
  };
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      sum_at(x + 1, y + 1) = modules[static_cast<size_t>(y) * size + x] + sum_at(x, y + 1) +
                             sum_at(x + 1, y) - sum_at(x, y);
    }
  }
  int r = radius > 0 ? radius : size;
  std::vector<bool> dark(static_cast<size_t>(size) * size);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      int x0 = std::max(0, x - r), x1 = std::min(size, x + r + 1);
      int y0 = std::max(0, y - r), y1 = std::min(size, y + r + 1);
      double mean = (sum_at(x1, y1) - sum_at(x0, y1) - sum_at(x1, y0) + sum_at(x0, y0)) /
                    ((x1 - x0) * (y1 - y0));
      dark[static_cast<size_t>(y) * size + x] = modules[static_cast<size_t>(y) * size + x] < mean;
    }
  }
  // The function patterns as they must be: they carry no data, and ZXing's
  // reader of clean pictures expects perfect finder patterns (Debian's
  // build asserts on a finder pattern whose centre is light).
  for (const Known& k : FunctionModules(size)) dark[static_cast<size_t>(k.y) * size + k.x] = k.dark;
  constexpr int kQuiet = 4;
  int side = (size + 2 * kQuiet) * scale;
  GrayImage out(side, side, 255);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      if (!dark[static_cast<size_t>(y) * size + x]) continue;
      for (int dy = 0; dy < scale; ++dy) {
        uint8_t* row = out.row((kQuiet + y) * scale + dy);
        std::fill_n(row + (kQuiet + x) * scale, scale, 0);
      }
    }
  }
  return out;
}

}  // namespace qrcloud::qr::internal
