#include "libs/qr/photo_set.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numbers>
#include <optional>
#include <random>

#include "absl/strings/str_cat.h"
#include "libs/qr/encoder.h"
#include "libs/qr/image_io.h"
#include "libs/qr/image_ops.h"
#include "libs/qr/wifi.h"

namespace qrcloud::qr {
namespace {

constexpr double kPi = std::numbers::pi;

// Draws from mt19937_64 with our own conversions (the standard
// distributions differ between libraries), so a seed gives the same photos
// everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  double Uniform(double lo, double hi) {
    return lo + (hi - lo) * (static_cast<double>(engine_() >> 11) * 0x1.0p-53);
  }
  // Inclusive of both ends.
  int Int(int lo, int hi) { return lo + static_cast<int>(engine_() % (hi - lo + 1)); }
  bool Chance(double p) { return Uniform(0, 1) < p; }
  double Normal() {  // Box–Muller
    double u = Uniform(1e-12, 1);
    double v = Uniform(0, 1);
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * kPi * v);
  }

 private:
  std::mt19937_64 engine_;
};

// ---- Payloads ---------------------------------------------------------------

std::string Slug(Random& rng, int length, absl::string_view alphabet) {
  std::string out;
  for (int i = 0; i < length; ++i) out.push_back(alphabet[rng.Int(0, alphabet.size() - 1)]);
  return out;
}

std::string RandomPayload(Random& rng) {
  static constexpr absl::string_view kLower = "abcdefghijkmnpqrstuvwxyz23456789";
  static constexpr absl::string_view kUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  static constexpr const char* kShops[] = {"老王火锅", "福州鱼丸",   "星光咖啡",
                                           "小林面馆", "海鲜大排档", "一品茶楼"};
  switch (rng.Int(0, 4)) {
    case 0:
      return absl::StrCat("https://qrcloud.example.com/s/", Slug(rng, 8, kLower));
    case 1:
      return absl::StrCat("https://m.qrcloud.example.cn/m/", Slug(rng, 10, kLower),
                          "?ch=table&t=", rng.Int(1, 99));
    case 2:
      return absl::StrCat("欢迎光临", kShops[rng.Int(0, 5)], "，", rng.Int(1, 60), "号桌扫码点餐");
    case 3:
      return WifiPayload(absl::StrCat("Shop-", Slug(rng, 4, kUpper)),
                         absl::StrCat("pw;", Slug(rng, 8, kLower), ":x"), "WPA", false);
    default:
      return absl::StrCat("R1:", Slug(rng, 26, kUpper));
  }
}

EcLevel RandomLevel(Random& rng) {
  double u = rng.Uniform(0, 1);
  if (u < 0.1) return EcLevel::kLow;
  if (u < 0.6) return EcLevel::kMedium;
  if (u < 0.85) return EcLevel::kQuartile;
  return EcLevel::kHigh;
}

// ---- Drawing the printed code and the scene -----------------------------------

struct Ink {
  uint8_t dark = 30;
  uint8_t light = 235;
};

// Modules of paper round the symbol: the quiet zone and a little more.
constexpr int kPaperMargin = 4 + 2;

// The code on its paper, `module` pixels a module.
GrayImage Paper(const Matrix& matrix, int module, Ink ink) {
  int margin = kPaperMargin;
  int side = (matrix.size() + 2 * margin) * module;
  GrayImage paper(side, side, ink.light);
  for (int y = 0; y < matrix.size(); ++y) {
    for (int x = 0; x < matrix.size(); ++x) {
      if (!matrix.dark(x, y)) continue;
      for (int dy = 0; dy < module; ++dy) {
        uint8_t* row = paper.row((margin + y) * module + dy);
        std::fill_n(row + (margin + x) * module, module, ink.dark);
      }
    }
  }
  return paper;
}

// A cluttered table-top: a gradient, boxes, lines and rows of "print".
GrayImage Clutter(Random& rng, int width, int height) {
  GrayImage scene(width, height);
  double a = rng.Uniform(60, 200), b = rng.Uniform(60, 200);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      scene.at(x, y) = static_cast<uint8_t>(a + (b - a) * (x + y) / (width + height));
    }
  }
  int boxes = width * height / 20000;
  for (int i = 0; i < boxes; ++i) {
    int w = rng.Int(10, width / 4), h = rng.Int(10, height / 4);
    GrayImage box(w, h, static_cast<uint8_t>(rng.Int(0, 255)));
    Paste(box, rng.Int(-w / 2, width), rng.Int(-h / 2, height), &scene);
  }
  int text_rows = width * height / 60000;
  for (int i = 0; i < text_rows; ++i) {
    int x = rng.Int(0, width), y = rng.Int(0, height), glyph = rng.Int(3, 9);
    uint8_t ink = static_cast<uint8_t>(rng.Int(0, 80));
    for (int g = 0; g < rng.Int(5, 30); ++g) {
      GrayImage mark(rng.Int(1, glyph), glyph, ink);
      Paste(mark, x + g * (glyph + 2), y, &scene);
    }
  }
  return scene;
}

// Maps scene pixels to paper pixels, or nullopt outside the paper.
using Placement = std::function<std::optional<PointF>(PointF)>;

void Place(const GrayImage& paper, const Placement& paper_of, GrayImage* scene) {
  for (int y = 0; y < scene->height; ++y) {
    for (int x = 0; x < scene->width; ++x) {
      std::optional<PointF> p = paper_of({static_cast<double>(x), static_cast<double>(y)});
      if (!p || p->x < 0 || p->y < 0 || p->x > paper.width - 1 || p->y > paper.height - 1) {
        continue;
      }
      scene->at(x, y) = SampleBilinear(paper, p->x, p->y, 0);
    }
  }
}

// The paper shown as the quadrilateral `quad` (clockwise from top-left).
Placement QuadPlacement(const GrayImage& paper, const std::array<PointF, 4>& quad) {
  double s = paper.width - 1;
  std::array<PointF, 4> corners = {PointF{0, 0}, PointF{s, 0}, PointF{s, s}, PointF{0, s}};
  Homography inverse = Homography::FromPoints(quad, corners).value();
  return [inverse](PointF p) -> std::optional<PointF> { return inverse.Apply(p); };
}

// How a square sticker is seen: where, how big (its side when seen face
// on), turned how far in the picture, and tilted away from the camera by
// `tilt` radians about an axis lying at `tilt_axis` in its plane, with the
// camera `distance` sides away (a pinhole projection).
struct View {
  double cx = 0;
  double cy = 0;
  double side = 0;
  double spin = 0;
  double tilt = 0;
  double tilt_axis = 0;
  double distance = 2;
};

// The sticker's corners in the picture, clockwise from its top-left.
std::array<PointF, 4> Project(const View& view) {
  double h = view.side / 2;
  double ax = std::cos(view.tilt_axis), ay = std::sin(view.tilt_axis);
  double c = std::cos(view.tilt), s = std::sin(view.tilt);
  double focal = view.distance * view.side;
  std::array<PointF, 4> corners = {PointF{-h, -h}, PointF{h, -h}, PointF{h, h}, PointF{-h, h}};
  std::array<PointF, 4> quad;
  for (int i = 0; i < 4; ++i) {
    // Rodrigues' rotation of (x, y, 0) about the unit axis (ax, ay, 0).
    double x = corners[i].x, y = corners[i].y;
    double along = ax * x + ay * y;
    double px = x * c + ax * along * (1 - c);
    double py = y * c + ay * along * (1 - c);
    double pz = (ax * y - ay * x) * s;
    double scale = focal / (focal + pz);
    double u = px * scale, v = py * scale;
    quad[i] = {view.cx + u * std::cos(view.spin) - v * std::sin(view.spin),
               view.cy + u * std::sin(view.spin) + v * std::cos(view.spin)};
  }
  return quad;
}

// The paper wrapped round a vertical cylinder (a cup or a bottle), seen
// from the front, centred at (cx, cy) and covering `half_angle` either side.
Placement CylinderPlacement(const GrayImage& paper, double cx, double cy, double half_angle) {
  double radius = paper.width / (2 * half_angle);
  double top = cy - paper.height / 2.0;
  return [=](PointF s) -> std::optional<PointF> {
    double dx = (s.x - cx) / radius;
    if (std::abs(dx) >= 1) return std::nullopt;
    double theta = std::asin(dx);
    if (std::abs(theta) > half_angle) return std::nullopt;
    return PointF{paper.width / 2.0 + radius * theta, s.y - top};
  };
}

// ---- Photometric degradations -------------------------------------------------

void AddNoise(Random& rng, double sigma, GrayImage* image) {
  for (uint8_t& v : image->pixels) {
    v = static_cast<uint8_t>(std::clamp(v + sigma * rng.Normal(), 0.0, 255.0));
  }
}

// A bright elliptical highlight: pixels pulled towards white by up to
// `strength` at the centre, fading with a Gaussian profile.
void AddGlare(double cx, double cy, double rx, double ry, double strength, GrayImage* image) {
  for (int y = 0; y < image->height; ++y) {
    for (int x = 0; x < image->width; ++x) {
      double d = ((x - cx) * (x - cx)) / (rx * rx) + ((y - cy) * (y - cy)) / (ry * ry);
      double k = strength * std::exp(-d);
      uint8_t& v = image->at(x, y);
      v = static_cast<uint8_t>(v + (255 - v) * k);
    }
  }
}

// Light falling off linearly from `bright` to `dim` along `angle`, plus a
// hard-edged shadow over part of the image.
void UnevenLight(Random& rng, double bright, double dim, GrayImage* image) {
  double angle = rng.Uniform(0, 2 * kPi);
  double ux = std::cos(angle), uy = std::sin(angle);
  double extent = std::abs(ux) * image->width + std::abs(uy) * image->height;
  double offset = std::min(0.0, ux * image->width) + std::min(0.0, uy * image->height);
  double shadow_at = rng.Uniform(0.3, 0.7) * extent;
  double shadow = rng.Uniform(0.45, 0.7);
  double shadow_angle = angle + rng.Uniform(-0.6, 0.6);
  double sx = std::cos(shadow_angle), sy = std::sin(shadow_angle);
  double soffset = std::min(0.0, sx * image->width) + std::min(0.0, sy * image->height);
  for (int y = 0; y < image->height; ++y) {
    for (int x = 0; x < image->width; ++x) {
      double t = (ux * x + uy * y - offset) / extent;
      double light = bright + (dim - bright) * t;
      if (sx * x + sy * y - soffset > shadow_at) light *= shadow;
      uint8_t& v = image->at(x, y);
      v = static_cast<uint8_t>(std::clamp(v * light, 0.0, 255.0));
    }
  }
}

// Squeezes every level into [low, low + range].
void LowerContrast(double low, double range, GrayImage* image) {
  for (uint8_t& v : image->pixels) v = static_cast<uint8_t>(low + v * range / 255.0);
}

// ---- Photos ---------------------------------------------------------------------

struct Shot {
  GrayImage scene;
  std::vector<std::string> payloads;
  std::vector<std::array<PointF, 4>> symbols;  // one a payload; all zero off a plane
  double module = 0;                           // pixels per module in the scene, face on
  int jpeg_quality = 88;
};

// The symbol's corners (its modules, no quiet zone) in the picture, for a
// code of `size` modules on paper (Paper: kPaperMargin modules round it)
// placed at `paper_quad`.
std::array<PointF, 4> SymbolCorners(const std::array<PointF, 4>& paper_quad, int size) {
  double n = size + 2 * kPaperMargin;
  std::array<PointF, 4> unit = {PointF{0, 0}, PointF{n, 0}, PointF{n, n}, PointF{0, n}};
  Homography h = *Homography::FromPoints(unit, paper_quad);
  double a = kPaperMargin, b = kPaperMargin + size;
  return {h.Apply({a, a}), h.Apply({b, a}), h.Apply({b, b}), h.Apply({a, b})};
}

// Records a code placed on the picture: its payload, and its symbol's
// corners where it lies on a plane (`paper_quad`), nullptr where it does
// not.
void Record(const std::string& payload, const std::array<PointF, 4>* paper_quad, int size,
            Shot* shot) {
  shot->payloads.push_back(payload);
  shot->symbols.push_back(paper_quad != nullptr ? SymbolCorners(*paper_quad, size)
                                                : std::array<PointF, 4>{});
}

Matrix RandomCode(Random& rng, std::string* payload) {
  *payload = RandomPayload(rng);
  EncodeOptions options;
  options.level = RandomLevel(rng);
  return Encode(*payload, options).value();
}

// Adds a random code to `shot`, seen as `view` says (its side is that of the
// code's paper); `curve` > 0 wraps it round a cylinder of that half-angle
// instead.
void AddCode(Random& rng, const View& view, Ink ink, double curve, Shot* shot) {
  std::string payload;
  Matrix matrix = RandomCode(rng, &payload);
  GrayImage paper = Paper(matrix, 4, ink);
  if (curve > 0) {
    // The cylinder maps paper pixels to picture pixels one to one across.
    int side = static_cast<int>(view.side);
    paper = Resize(paper, side, side);
    Place(paper, CylinderPlacement(paper, view.cx, view.cy, curve), &shot->scene);
    Record(payload, nullptr, matrix.size(), shot);
  } else {
    std::array<PointF, 4> quad = Project(view);
    Place(paper, QuadPlacement(paper, quad), &shot->scene);
    Record(payload, &quad, matrix.size(), shot);
  }
  shot->module = view.side / (matrix.size() + 2 * kPaperMargin);
}

// A view of a code about `fraction` of the picture's height, near the
// centre, turned up to `max_spin` and tilted by `tilt` (lo, hi) radians.
View RandomView(Random& rng, int width, int height, double fraction, double max_spin,
                double tilt_lo, double tilt_hi) {
  View view;
  view.side = height * fraction;
  view.cx = width / 2.0 + rng.Uniform(-0.12, 0.12) * width;
  view.cy = height / 2.0 + rng.Uniform(-0.08, 0.08) * height;
  view.spin = rng.Uniform(-max_spin, max_spin);
  view.tilt = rng.Uniform(tilt_lo, tilt_hi);
  view.tilt_axis = rng.Uniform(0, kPi);
  view.distance = rng.Uniform(1.3, 2.5);
  return view;
}

constexpr int kWidth = 960, kHeight = 720;

// One code on a cluttered table, mildly tilted: the base of most kinds.
Shot Sticker(Random& rng, double fraction = 0.55, Ink ink = {}) {
  Shot shot{Clutter(rng, kWidth, kHeight)};
  AddCode(rng, RandomView(rng, kWidth, kHeight, fraction, 0.3, 0, 0.25), ink, 0, &shot);
  return shot;
}

Shot SeveralCodes(Random& rng) {
  int width = 1280, height = 960;
  Shot shot{Clutter(rng, width, height)};
  int count = rng.Int(2, 4);
  for (int i = 0; i < count; ++i) {
    View view = RandomView(rng, width, height, rng.Uniform(0.3, 0.38), kPi, 0, 0.35);
    // Quadrants keep the codes apart.
    view.cx = (i % 2 == 0 ? 0.27 : 0.73) * width + rng.Uniform(-30, 30);
    view.cy = (i / 2 == 0 ? 0.28 : 0.72) * height + rng.Uniform(-30, 30);
    AddCode(rng, view, Ink{}, 0, &shot);
  }
  return shot;
}

// A 2400×1800 photo in which the code is 1.8 to 2.6 pixels per module.
Shot SmallInClutter(Random& rng) {
  int width = 2400, height = 1800;
  Shot shot{Clutter(rng, width, height)};
  View view = RandomView(rng, width, height, 0, 0.5, 0, 0.3);  // side set below
  view.cx = rng.Uniform(0.15, 0.85) * width;
  view.cy = rng.Uniform(0.15, 0.85) * height;
  std::string payload;
  Matrix matrix = RandomCode(rng, &payload);
  GrayImage paper = Paper(matrix, 4, Ink{});
  view.side = (matrix.size() + 2 * kPaperMargin) * rng.Uniform(1.8, 2.6);  // px a module
  std::array<PointF, 4> quad = Project(view);
  Place(paper, QuadPlacement(paper, quad), &shot.scene);
  Record(payload, &quad, matrix.size(), &shot);
  return shot;
}

// ---- The hard set ----------------------------------------------------------------
//
// Photos as other people take them. Where the standard set degrades one
// thing at a time within what a careful photographer produces, these model
// the worst of what is uploaded: codes shown on phone screens, small
// bottles, codes a few pixels wide in a 12 MP frame, steep angles, faded
// receipts, many codes at once, shaken hands and all of it together. Camera
// pixels integrate light over their area (supersampling below) rather than
// point-sampling the scene, which is what makes screens show moiré and tiny
// codes turn to mush, as they do in real photos.

struct Box {
  int x0 = 0;
  int y0 = 0;
  int x1 = 0;  // exclusive
  int y1 = 0;
};

// The pixels of `scene` within `margin` of the quadrilateral.
Box Around(const std::array<PointF, 4>& quad, int margin, const GrayImage& scene) {
  double x0 = quad[0].x, x1 = quad[0].x, y0 = quad[0].y, y1 = quad[0].y;
  for (const PointF& p : quad) {
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  return {std::clamp(static_cast<int>(x0) - margin, 0, scene.width),
          std::clamp(static_cast<int>(y0) - margin, 0, scene.height),
          std::clamp(static_cast<int>(x1) + margin + 1, 0, scene.width),
          std::clamp(static_cast<int>(y1) + margin + 1, 0, scene.height)};
}

// As Place(), within `box` only, each pixel the mean of n×n samples over
// its area (the paper must be sampled finer than the scene for this to
// matter: it does for codes a pixel or two a module).
void PlaceIntegrated(const GrayImage& paper, const Placement& paper_of, Box box, int n,
                     GrayImage* scene) {
  for (int y = box.y0; y < box.y1; ++y) {
    for (int x = box.x0; x < box.x1; ++x) {
      double sum = 0;
      int inside = 0;
      for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i) {
          PointF s{x + (i + 0.5) / n - 0.5, y + (j + 0.5) / n - 0.5};
          std::optional<PointF> p = paper_of(s);
          if (!p || p->x < 0 || p->y < 0 || p->x > paper.width - 1 || p->y > paper.height - 1) {
            sum += scene->at(x, y);
          } else {
            sum += SampleBilinear(paper, p->x, p->y, 0);
            ++inside;
          }
        }
      }
      if (inside > 0) scene->at(x, y) = static_cast<uint8_t>(sum / (n * n) + 0.5);
    }
  }
}

// A straight streak of `length` pixels at `angle`: the camera moved while
// the shutter was open. Edges are clamped.
GrayImage MotionBlur(const GrayImage& source, double length, double angle) {
  int taps = std::max(2, static_cast<int>(std::ceil(length)) + 1);
  double dx = std::cos(angle), dy = std::sin(angle);
  GrayImage out(source.width, source.height);
  for (int y = 0; y < source.height; ++y) {
    for (int x = 0; x < source.width; ++x) {
      double sum = 0;
      for (int k = 0; k < taps; ++k) {
        double t = (static_cast<double>(k) / (taps - 1) - 0.5) * length;
        double sx = std::clamp(x + t * dx, 0.0, source.width - 1.0);
        double sy = std::clamp(y + t * dy, 0.0, source.height - 1.0);
        sum += SampleBilinear(source, sx, sy, 0);
      }
      out.at(x, y) = static_cast<uint8_t>(sum / taps + 0.5);
    }
  }
  return out;
}

// A code shown on a phone screen and photographed. The screen is a grid of
// pixels, each three vertical stripes (R, G, B: about 0.3, 0.6 and 0.1 of
// the luminance) inside a black matrix; the phone scales the code to whole
// screen pixels by nearest neighbour, so module widths differ by one pixel.
// Photographed at about one camera pixel to a screen pixel, or one to two,
// the grid aliases into moiré bands over the code. The screen's black is
// grey (backlight, reflections) and the glass reflects a bright patch of
// the room.
Shot Screen(Random& rng) {
  int width = 1280, height = 960;
  Shot shot{Clutter(rng, width, height)};
  std::string payload;
  Matrix matrix = RandomCode(rng, &payload);
  int quiet = 4;
  int modules = matrix.size() + 2 * quiet;
  double screen_module = rng.Uniform(5.5, 12);  // screen pixels a module
  int code_px = static_cast<int>(modules * screen_module);
  // Portrait phone screen, code centred in its upper half.
  int screen_w = static_cast<int>(code_px * rng.Uniform(1.15, 1.5));
  int screen_h = static_cast<int>(screen_w * rng.Uniform(1.8, 2.1));
  int code_x = (screen_w - code_px) / 2;
  int code_y = static_cast<int>(screen_h * rng.Uniform(0.25, 0.4)) - code_px / 2;
  int bezel = static_cast<int>(screen_w * 0.05);
  double black = rng.Uniform(12, 45), white = rng.Uniform(175, 250);
  double bezel_level = rng.Uniform(10, 35);
  double gap = rng.Uniform(0.08, 0.25);  // share of a pixel the black matrix takes
  // Camera pixels a screen pixel: close to 1 or to 1/2, where the grid beats
  // with the sensor's.
  double scale = rng.Chance(0.5) ? rng.Uniform(0.82, 1.25) : rng.Uniform(0.45, 0.62);
  View view;
  view.side = code_px * scale;
  view.cx = width / 2.0 + rng.Uniform(-0.1, 0.1) * width;
  view.cy = height / 2.0 + rng.Uniform(-0.08, 0.08) * height;
  view.spin = rng.Uniform(-0.35, 0.35);
  view.tilt = rng.Uniform(0, 0.5);
  view.tilt_axis = rng.Uniform(0, kPi);
  view.distance = rng.Uniform(1.5, 3);
  std::array<PointF, 4> quad = Project(view);
  double s = code_px;
  std::array<PointF, 4> square = {PointF{0, 0}, PointF{s, 0}, PointF{s, s}, PointF{0, s}};
  Homography screen_of = Homography::FromPoints(quad, square).value();
  // Light emitted at screen position (u, v), in screen pixels from the
  // code's top-left corner.
  static constexpr double kStripe[3] = {0.3 * 3, 0.59 * 3, 0.11 * 3};
  double fill = (1 - gap) * (1 - gap);
  auto emitted = [&](double u, double v) -> double {
    double su = u + code_x + bezel, sv = v + code_y + bezel;  // from the bezel's corner
    if (su < 0 || sv < 0 || su >= screen_w + 2 * bezel || sv >= screen_h + 2 * bezel) return -1;
    su -= bezel, sv -= bezel;
    if (su < 0 || sv < 0 || su >= screen_w || sv >= screen_h) return bezel_level;
    double pu = std::floor(su), pv = std::floor(sv);
    double fu = su - pu, fv = sv - pv;
    double level = 1;  // the app's white background
    int mx = static_cast<int>(std::floor((pu - code_x) / screen_module)) - quiet;
    int my = static_cast<int>(std::floor((pv - code_y) / screen_module)) - quiet;
    if (mx >= 0 && my >= 0 && mx < matrix.size() && my < matrix.size() && matrix.dark(mx, my)) {
      level = 0;
    }
    double third = fu * 3 - std::floor(fu * 3);
    if (fv > 1 - gap || third > 1 - gap) return black;
    return black + (white - black) * level * kStripe[static_cast<int>(fu * 3)] / fill;
  };
  std::array<PointF, 4> screen_quad;
  {
    Homography camera_of = Homography::FromPoints(square, quad).value();
    double l = -code_x - bezel, t = -code_y - bezel;
    double r = l + screen_w + 2 * bezel, b = t + screen_h + 2 * bezel;
    screen_quad = {camera_of.Apply({l, t}), camera_of.Apply({r, t}), camera_of.Apply({r, b}),
                   camera_of.Apply({l, b})};
  }
  Box box = Around(screen_quad, 2, shot.scene);
  constexpr int kSamples = 3;
  for (int y = box.y0; y < box.y1; ++y) {
    for (int x = box.x0; x < box.x1; ++x) {
      double sum = 0;
      int inside = 0;
      for (int j = 0; j < kSamples; ++j) {
        for (int i = 0; i < kSamples; ++i) {
          PointF p =
              screen_of.Apply({x + (i + 0.5) / kSamples - 0.5, y + (j + 0.5) / kSamples - 0.5});
          double e = emitted(p.x, p.y);
          if (e < 0) {
            sum += shot.scene.at(x, y);
          } else {
            sum += e;
            ++inside;
          }
        }
      }
      if (inside > 0) {
        shot.scene.at(x, y) =
            static_cast<uint8_t>(std::clamp(sum / (kSamples * kSamples), 0.0, 255.0));
      }
    }
  }
  // The room reflected in the glass, then the lens's softness.
  PointF centre = {(quad[0].x + quad[2].x) / 2, (quad[0].y + quad[2].y) / 2};
  AddGlare(centre.x + rng.Uniform(-1, 1) * view.side, centre.y + rng.Uniform(-1, 1) * view.side,
           view.side * rng.Uniform(0.4, 1), view.side * rng.Uniform(0.4, 1),
           rng.Uniform(0.05, 0.35), &shot.scene);
  shot.scene = GaussianBlur(shot.scene, rng.Uniform(0.3, 0.5));
  Record(payload, nullptr, matrix.size(), &shot);
  shot.module = view.side / modules;
  shot.jpeg_quality = rng.Int(70, 92);
  return shot;
}

// A label round a small bottle or cup: the code itself spans ±40–57° of
// the cylinder (the standard set's curved kind: ±31–46°), so its edge
// modules are foreshortened to 55–75% of the middle ones, seen from up to
// 17° above so its rows bend, lit from one side with a glossy highlight
// running down the bottle.
Shot Bottle(Random& rng) {
  int width = 1280, height = 960;
  Shot shot{Clutter(rng, width, height)};
  std::string payload;
  Matrix matrix = RandomCode(rng, &payload);
  int modules = matrix.size() + 2 * kPaperMargin;
  int side = static_cast<int>(height * rng.Uniform(0.55, 0.75));
  GrayImage paper = Resize(Paper(matrix, 4, Ink{}), side, side);
  double code_half_angle = rng.Uniform(0.7, 1.0);
  double radius = side * matrix.size() / (2.0 * modules) / code_half_angle;
  double elevation = rng.Uniform(0, 0.3);
  double spin = rng.Uniform(-0.25, 0.25);
  double cx = width / 2.0 + rng.Uniform(-0.1, 0.1) * width;
  double cy = height / 2.0 + rng.Uniform(-0.06, 0.06) * height;
  double bottle_top = -side * rng.Uniform(0.6, 1.5), bottle_bottom = side * rng.Uniform(0.6, 1);
  double body = rng.Uniform(40, 200);  // the bottle's own tone
  double ambient = rng.Uniform(0.35, 0.6), light_at = rng.Uniform(-0.7, 0.7);
  double gloss = rng.Uniform(0.2, 0.6), gloss_at = rng.Uniform(-0.9, 0.9);
  double gloss_width = rng.Uniform(0.05, 0.12);
  double cs = std::cos(spin), sn = std::sin(spin);
  double ce = std::cos(elevation), se = std::sin(elevation);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      double dx = x - cx, dy = y - cy;
      double u = dx * cs + dy * sn, v = -dx * sn + dy * cs;  // bottle upright
      if (std::abs(u) >= radius) continue;
      double theta = std::asin(u / radius);
      double along = (v + radius * (1 - std::cos(theta)) * se) / ce;  // height on the bottle
      if (along < bottle_top || along > bottle_bottom) continue;
      double px = side / 2.0 + radius * theta, py = side / 2.0 + along;
      double value = body;
      if (px >= 0 && py >= 0 && px <= side - 1 && py <= side - 1) {
        value = SampleBilinear(paper, px, py, 0);
      }
      double shade = ambient + (1 - ambient) * std::max(0.0, std::cos(theta - light_at));
      double g = (theta - gloss_at) / gloss_width;
      value *= shade;
      value += (255 - value) * gloss * std::exp(-g * g);
      shot.scene.at(x, y) = static_cast<uint8_t>(std::clamp(value, 0.0, 255.0));
    }
  }
  shot.scene = GaussianBlur(shot.scene, 0.5);
  Record(payload, nullptr, matrix.size(), &shot);
  shot.module = static_cast<double>(side) / modules;
  return shot;
}

// A 4000×3000 (12 MP) photo of a table in which the code is 1.4 to 2.2
// pixels a module, softened by the lens and saved as phones save.
Shot Tiny(Random& rng) {
  int width = 4000, height = 3000;
  Shot shot{Clutter(rng, width, height)};
  View view = RandomView(rng, width, height, 0, kPi, 0, 0.35);
  view.cx = rng.Uniform(0.1, 0.9) * width;
  view.cy = rng.Uniform(0.1, 0.9) * height;
  std::string payload;
  Matrix matrix = RandomCode(rng, &payload);
  GrayImage paper = Paper(matrix, 4, Ink{});
  double module = rng.Uniform(1.4, 2.2);
  view.side = (matrix.size() + 2 * kPaperMargin) * module;
  std::array<PointF, 4> quad = Project(view);
  PlaceIntegrated(paper, QuadPlacement(paper, quad), Around(quad, 1, shot.scene), 4, &shot.scene);
  shot.scene = GaussianBlur(shot.scene, rng.Uniform(0.35, 0.5));
  Record(payload, &quad, matrix.size(), &shot);
  shot.module = module;
  shot.jpeg_quality = rng.Int(80, 92);
  return shot;
}

// A sticker seen at 60–70° from face on (the standard set stops at 57°).
Shot Steep(Random& rng) {
  int width = 1280, height = 960;
  Shot shot{Clutter(rng, width, height)};
  View view = RandomView(rng, width, height, 0.6, kPi, 1.05, 1.22);
  std::string payload;
  Matrix matrix = RandomCode(rng, &payload);
  GrayImage paper = Paper(matrix, 4, Ink{});
  std::array<PointF, 4> quad = Project(view);
  PlaceIntegrated(paper, QuadPlacement(paper, quad), Around(quad, 1, shot.scene), 3, &shot.scene);
  Record(payload, &quad, matrix.size(), &shot);
  shot.module = view.side / (matrix.size() + 2 * kPaperMargin);
  return shot;
}

// Faded thermal paper: the print is 5 to 10 grey levels darker than the
// paper where it is best, a third less at the other end, with up to two
// thin streaks (a quarter to three quarters of a module) where a dirty
// print head left almost nothing.
Shot Faded(Random& rng) {
  Shot shot{Clutter(rng, kWidth, kHeight)};
  std::string payload;
  Matrix matrix = RandomCode(rng, &payload);
  double light = rng.Uniform(165, 235), contrast = rng.Uniform(5, 10);
  GrayImage paper =
      Paper(matrix, 4, Ink{static_cast<uint8_t>(light - contrast), static_cast<uint8_t>(light)});
  double angle = rng.Uniform(0, 2 * kPi);
  double ux = std::cos(angle), uy = std::sin(angle);
  int streaks = rng.Int(0, 2);
  std::array<std::pair<double, double>, 2> streak{};  // (x, half width) in paper pixels
  for (int i = 0; i < streaks; ++i) {
    streak[i] = {rng.Uniform(0.1, 0.9) * paper.width, rng.Uniform(0.5, 1.5)};
  }
  for (int y = 0; y < paper.height; ++y) {
    for (int x = 0; x < paper.width; ++x) {
      double t = (ux * (x - paper.width / 2.0) + uy * (y - paper.height / 2.0)) / paper.width;
      double keep = 1 - 0.33 * std::clamp(t + 0.5, 0.0, 1.0);
      for (int i = 0; i < streaks; ++i) {
        if (std::abs(x - streak[i].first) < streak[i].second) keep *= 0.3;
      }
      uint8_t& v = paper.at(x, y);
      v = static_cast<uint8_t>(light - (light - v) * keep + 0.5);
    }
  }
  View view = RandomView(rng, kWidth, kHeight, 0.55, kPi, 0, 0.3);
  std::array<PointF, 4> quad = Project(view);
  PlaceIntegrated(paper, QuadPlacement(paper, quad), Around(quad, 1, shot.scene), 2, &shot.scene);
  Record(payload, &quad, matrix.size(), &shot);
  shot.module = view.side / (matrix.size() + 2 * kPaperMargin);
  shot.jpeg_quality = rng.Int(75, 92);
  return shot;
}

// Two to six codes of different sizes (2.5 to 12 pixels a module) in one
// photo of a notice board or a sheet of stickers, each turned and tilted
// its own way and printed its own way (some faded to 30 levels), under
// light falling off across the board.
Shot ManyCodes(Random& rng) {
  int width = 1600, height = 1200;
  Shot shot{Clutter(rng, width, height)};
  int count = rng.Int(2, 6);
  std::array<int, 6> cells = {0, 1, 2, 3, 4, 5};
  for (int i = 5; i > 0; --i) std::swap(cells[i], cells[rng.Int(0, i)]);
  double cell_w = width / 3.0, cell_h = height / 2.0;
  for (int i = 0; i < count; ++i) {
    int cell = cells[i];
    std::string payload;
    Matrix matrix = RandomCode(rng, &payload);
    int modules = matrix.size() + 2 * kPaperMargin;
    View view;
    view.side = std::min(rng.Uniform(2.5, 12) * modules, std::min(cell_w, cell_h) * 0.85);
    view.cx = (cell % 3 + 0.5) * cell_w + rng.Uniform(-0.08, 0.08) * cell_w;
    view.cy = (cell / 3 + 0.5) * cell_h + rng.Uniform(-0.08, 0.08) * cell_h;
    view.spin = rng.Uniform(-kPi, kPi);
    view.tilt = rng.Uniform(0, 0.7);
    view.tilt_axis = rng.Uniform(0, kPi);
    view.distance = rng.Uniform(1.5, 3);
    double light = rng.Uniform(190, 240);
    double contrast = rng.Chance(0.3) ? rng.Uniform(30, 80) : rng.Uniform(150, 210);
    // The contrast can exceed the paper's level: black ink. (Converting
    // the negative level to uint8_t unclamped was undefined behaviour: on
    // x86 it wrapped to near-white ink, ~5% of this kind's codes faint and
    // inverted; docs/qr.md, "The many-codes ink".)
    double dark = std::max(0.0, light - contrast);
    GrayImage paper =
        Paper(matrix, 4, Ink{static_cast<uint8_t>(dark), static_cast<uint8_t>(light)});
    std::array<PointF, 4> quad = Project(view);
    PlaceIntegrated(paper, QuadPlacement(paper, quad), Around(quad, 1, shot.scene), 2, &shot.scene);
    Record(payload, &quad, matrix.size(), &shot);
  }
  UnevenLight(rng, rng.Uniform(1.0, 1.2), rng.Uniform(0.35, 0.6), &shot.scene);
  shot.scene = GaussianBlur(shot.scene, 0.4);
  shot.jpeg_quality = rng.Int(75, 92);
  return shot;
}

// An ordinary sticker photographed with a shaking hand in dim light: a
// streak of 0.8 to 2 modules in any direction.
Shot Shaken(Random& rng) {
  Shot shot = Sticker(rng, 0.5);
  shot.scene = MotionBlur(shot.scene, rng.Uniform(0.8, 2) * shot.module, rng.Uniform(0, kPi));
  shot.jpeg_quality = rng.Int(70, 90);
  return shot;
}

// Everything at once: a steep view (40–55°) of grey print on grey paper
// (40–90 levels apart), light falling off to half with a shadow over part,
// a shaking hand (0.2–0.45 module), a noisy sensor in poor light and JPEG
// quality 40–70.
Shot HardCombined(Random& rng) {
  Shot shot{Clutter(rng, kWidth, kHeight)};
  double light = rng.Uniform(160, 235), contrast = rng.Uniform(40, 90);
  Ink ink{static_cast<uint8_t>(light - contrast), static_cast<uint8_t>(light)};
  AddCode(rng, RandomView(rng, kWidth, kHeight, 0.6, kPi, 0.7, 0.96), ink, 0, &shot);
  UnevenLight(rng, 1.1, rng.Uniform(0.4, 0.6), &shot.scene);
  shot.scene = MotionBlur(shot.scene, rng.Uniform(0.2, 0.45) * shot.module, rng.Uniform(0, kPi));
  AddNoise(rng, rng.Uniform(4, 8), &shot.scene);
  shot.jpeg_quality = rng.Int(40, 70);
  return shot;
}

Shot Take(Random& rng, Degradation kind) {
  switch (kind) {
    case Degradation::kPerspective: {
      Shot shot{Clutter(rng, kWidth, kHeight)};
      AddCode(rng, RandomView(rng, kWidth, kHeight, 0.6, 0.4, 0.6, 1.0), Ink{}, 0, &shot);
      return shot;
    }
    case Degradation::kRotation: {
      Shot shot{Clutter(rng, kWidth, kHeight)};
      AddCode(rng, RandomView(rng, kWidth, kHeight, 0.55, kPi, 0, 0.2), Ink{}, 0, &shot);
      return shot;
    }
    case Degradation::kBlur: {
      Shot shot = Sticker(rng);
      shot.scene = GaussianBlur(shot.scene, rng.Uniform(0.3, 0.6) * shot.module);
      return shot;
    }
    case Degradation::kGlare: {
      Shot shot = Sticker(rng, 0.6);
      AddGlare(kWidth / 2.0 + rng.Uniform(-120, 120), kHeight / 2.0 + rng.Uniform(-90, 90),
               rng.Uniform(120, 240), rng.Uniform(90, 180), rng.Uniform(0.9, 0.97), &shot.scene);
      return shot;
    }
    case Degradation::kLowContrast: {
      Shot shot = Sticker(rng);
      LowerContrast(rng.Uniform(40, 180), rng.Uniform(10, 18), &shot.scene);
      return shot;
    }
    case Degradation::kUnevenLight: {
      Shot shot = Sticker(rng, 0.6);
      UnevenLight(rng, rng.Uniform(1.1, 1.4), rng.Uniform(0.04, 0.1), &shot.scene);
      return shot;
    }
    case Degradation::kNoise: {
      Shot shot = Sticker(rng, 0.5);
      AddNoise(rng, rng.Uniform(70, 100), &shot.scene);
      return shot;
    }
    case Degradation::kJpeg: {
      Shot shot = Sticker(rng, 0.4);
      shot.jpeg_quality = rng.Int(2, 5);
      return shot;
    }
    case Degradation::kSmallInClutter:
      return SmallInClutter(rng);
    case Degradation::kCurved: {
      Shot shot{Clutter(rng, kWidth, kHeight)};
      View view = RandomView(rng, kWidth, kHeight, 0.6, 0, 0, 0);
      AddCode(rng, view, Ink{}, rng.Uniform(0.8, 1.05), &shot);
      return shot;
    }
    case Degradation::kSeveralCodes:
      return SeveralCodes(rng);
    case Degradation::kInverted:
      return Sticker(rng, 0.55, Ink{225, 35});
    case Degradation::kCombined: {
      Shot shot{Clutter(rng, kWidth, kHeight)};
      AddCode(rng, RandomView(rng, kWidth, kHeight, 0.55, kPi, 0.35, 0.7), Ink{}, 0, &shot);
      UnevenLight(rng, 1.1, rng.Uniform(0.3, 0.5), &shot.scene);
      shot.scene = GaussianBlur(shot.scene, rng.Uniform(0.25, 0.4) * shot.module);
      AddNoise(rng, rng.Uniform(15, 25), &shot.scene);
      shot.jpeg_quality = rng.Int(20, 40);
      return shot;
    }
    case Degradation::kScreen:
      return Screen(rng);
    case Degradation::kBottle:
      return Bottle(rng);
    case Degradation::kTiny:
      return Tiny(rng);
    case Degradation::kSteep:
      return Steep(rng);
    case Degradation::kFaded:
      return Faded(rng);
    case Degradation::kManyCodes:
      return ManyCodes(rng);
    case Degradation::kMotionBlur:
      return Shaken(rng);
    case Degradation::kHardCombined:
      return HardCombined(rng);
  }
  return Sticker(rng);
}

uint64_t PhotoSeed(uint64_t seed, Degradation kind, int index) {
  uint64_t mix = seed ^ ((static_cast<uint64_t>(kind) << 32) | static_cast<uint64_t>(index));
  return mix * 0x9E3779B97F4A7C15ULL;
}

}  // namespace

std::vector<Degradation> StandardDegradations() {
  std::vector<Degradation> kinds;
  for (int k = 0; k <= static_cast<int>(Degradation::kCombined); ++k) {
    kinds.push_back(static_cast<Degradation>(k));
  }
  return kinds;
}

std::vector<Degradation> HardDegradations() {
  std::vector<Degradation> kinds;
  for (int k = static_cast<int>(Degradation::kScreen);
       k <= static_cast<int>(Degradation::kHardCombined); ++k) {
    kinds.push_back(static_cast<Degradation>(k));
  }
  return kinds;
}

absl::string_view DegradationName(Degradation kind) {
  static constexpr absl::string_view kNames[] = {
      "perspective", "rotation",    "blur",         "glare",  "low-contrast", "uneven-light",
      "noise",       "jpeg",        "small-code",   "curved", "several",      "inverted",
      "combined",    "screen",      "bottle",       "tiny",   "steep",        "faded",
      "many-codes",  "motion-blur", "hard-combined"};
  return kNames[static_cast<int>(kind)];
}

std::vector<LabelledPhoto> MakePhotoSet(const PhotoSetOptions& options) {
  std::vector<LabelledPhoto> photos;
  for (Degradation kind : options.kinds) {
    for (int i = options.first_index; i < options.first_index + options.per_kind; ++i) {
      Random rng(PhotoSeed(options.seed, kind, i));
      Shot shot = Take(rng, kind);
      AddNoise(rng, 3, &shot.scene);  // every camera sensor adds some
      photos.push_back(
          {kind, i, shot.payloads, WriteJpeg(shot.scene, shot.jpeg_quality).value(), shot.symbols});
    }
  }
  return photos;
}

PhotoScore ScorePhoto(const LabelledPhoto& photo, const std::vector<DecodedCode>& results) {
  PhotoScore score;
  score.expected = static_cast<int>(photo.payloads.size());
  for (const std::string& payload : photo.payloads) {
    auto match = [&](const DecodedCode& r) { return r.text == payload; };
    if (std::any_of(results.begin(), results.end(), match)) ++score.read;
  }
  for (const DecodedCode& result : results) {
    auto& p = photo.payloads;
    if (std::find(p.begin(), p.end(), result.text) == p.end()) ++score.misread;
  }
  return score;
}

}  // namespace qrcloud::qr
