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
  double module = 0;  // pixels per module in the scene, face on
  int jpeg_quality = 88;
};

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
  } else {
    Place(paper, QuadPlacement(paper, Project(view)), &shot->scene);
  }
  shot->payloads.push_back(payload);
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
  Place(paper, QuadPlacement(paper, Project(view)), &shot.scene);
  shot.payloads.push_back(payload);
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
  }
  return Sticker(rng);
}

uint64_t PhotoSeed(uint64_t seed, Degradation kind, int index) {
  uint64_t mix = seed ^ ((static_cast<uint64_t>(kind) << 32) | static_cast<uint64_t>(index));
  return mix * 0x9E3779B97F4A7C15ULL;
}

}  // namespace

std::vector<Degradation> AllDegradations() {
  std::vector<Degradation> all;
  for (int k = 0; k <= static_cast<int>(Degradation::kCombined); ++k) {
    all.push_back(static_cast<Degradation>(k));
  }
  return all;
}

absl::string_view DegradationName(Degradation kind) {
  static constexpr absl::string_view kNames[] = {
      "perspective", "rotation",   "blur",   "glare",   "low-contrast", "uneven-light", "noise",
      "jpeg",        "small-code", "curved", "several", "inverted",     "combined"};
  return kNames[static_cast<int>(kind)];
}

std::vector<LabelledPhoto> MakePhotoSet(const PhotoSetOptions& options) {
  std::vector<LabelledPhoto> photos;
  for (Degradation kind : options.kinds) {
    for (int i = 0; i < options.per_kind; ++i) {
      Random rng(PhotoSeed(options.seed, kind, i));
      Shot shot = Take(rng, kind);
      AddNoise(rng, 3, &shot.scene);  // every camera sensor adds some
      photos.push_back({kind, i, shot.payloads, WriteJpeg(shot.scene, shot.jpeg_quality).value()});
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
