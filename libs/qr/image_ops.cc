#include "libs/qr/image_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace qrcloud::qr {
namespace {

uint8_t Clamp(double v) { return static_cast<uint8_t>(std::clamp(v + 0.5, 0.0, 255.0)); }

// Solves a·x = b (8 unknowns) by Gaussian elimination with partial pivoting.
std::optional<std::array<double, 8>> Solve8(std::array<std::array<double, 9>, 8> a) {
  for (int col = 0; col < 8; ++col) {
    int pivot = col;
    for (int r = col + 1; r < 8; ++r) {
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    }
    if (std::abs(a[pivot][col]) < 1e-12) return std::nullopt;
    std::swap(a[col], a[pivot]);
    for (int r = 0; r < 8; ++r) {
      if (r == col) continue;
      double f = a[r][col] / a[col][col];
      for (int c = col; c < 9; ++c) a[r][c] -= f * a[col][c];
    }
  }
  std::array<double, 8> x;
  for (int i = 0; i < 8; ++i) x[i] = a[i][8] / a[i][i];
  return x;
}

// One horizontal box pass of `radius` over every row, edges clamped.
GrayImage BoxBlurRows(const GrayImage& source, int radius) {
  GrayImage out(source.width, source.height);
  int w = source.width;
  int window = 2 * radius + 1;
  for (int y = 0; y < source.height; ++y) {
    const uint8_t* in = source.row(y);
    uint8_t* o = out.row(y);
    int sum = 0;
    for (int i = -radius; i <= radius; ++i) sum += in[std::clamp(i, 0, w - 1)];
    for (int x = 0; x < w; ++x) {
      o[x] = static_cast<uint8_t>((sum + window / 2) / window);
      sum += in[std::min(x + radius + 1, w - 1)] - in[std::max(x - radius, 0)];
    }
  }
  return out;
}

GrayImage Transpose(const GrayImage& source) {
  GrayImage out(source.height, source.width);
  for (int y = 0; y < source.height; ++y) {
    const uint8_t* in = source.row(y);
    for (int x = 0; x < source.width; ++x) out.at(y, x) = in[x];
  }
  return out;
}

}  // namespace

std::optional<Homography> Homography::FromPoints(const std::array<PointF, 4>& from,
                                                 const std::array<PointF, 4>& to) {
  std::array<std::array<double, 9>, 8> a{};
  for (int i = 0; i < 4; ++i) {
    double x = from[i].x, y = from[i].y, u = to[i].x, v = to[i].y;
    a[2 * i] = {x, y, 1, 0, 0, 0, -x * u, -y * u, u};
    a[2 * i + 1] = {0, 0, 0, x, y, 1, -x * v, -y * v, v};
  }
  std::optional<std::array<double, 8>> h = Solve8(a);
  if (!h.has_value()) return std::nullopt;
  Homography result;
  std::copy(h->begin(), h->end(), result.m_.begin());
  result.m_[8] = 1;
  return result;
}

PointF Homography::Apply(PointF p) const {
  double w = m_[6] * p.x + m_[7] * p.y + m_[8];
  return {(m_[0] * p.x + m_[1] * p.y + m_[2]) / w, (m_[3] * p.x + m_[4] * p.y + m_[5]) / w};
}

Homography Homography::Inverse() const {
  const auto& m = m_;
  std::array<double, 9> adj = {
      m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
      m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
      m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3]};
  Homography inverse;
  for (int i = 0; i < 9; ++i) inverse.m_[i] = adj[i] / adj[8];
  return inverse;
}

uint8_t SampleBilinear(const GrayImage& image, double x, double y, uint8_t fill) {
  if (!(x >= 0 && y >= 0 && x <= image.width - 1 && y <= image.height - 1)) return fill;
  int x0 = static_cast<int>(x);
  int y0 = static_cast<int>(y);
  int x1 = std::min(x0 + 1, image.width - 1);
  int y1 = std::min(y0 + 1, image.height - 1);
  double fx = x - x0;
  double fy = y - y0;
  double top = image.at(x0, y0) * (1 - fx) + image.at(x1, y0) * fx;
  double bottom = image.at(x0, y1) * (1 - fx) + image.at(x1, y1) * fx;
  return Clamp(top * (1 - fy) + bottom * fy);
}

GrayImage Remap(const GrayImage& source, int width, int height,
                const std::function<std::optional<PointF>(PointF)>& source_of, uint8_t fill) {
  GrayImage out(width, height, fill);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::optional<PointF> p = source_of({static_cast<double>(x), static_cast<double>(y)});
      if (p.has_value()) out.at(x, y) = SampleBilinear(source, p->x, p->y, fill);
    }
  }
  return out;
}

GrayImage WarpPerspective(const GrayImage& source, const Homography& transform, int width,
                          int height, uint8_t fill) {
  Homography inverse = transform.Inverse();
  return Remap(
      source, width, height, [&](PointF p) -> std::optional<PointF> { return inverse.Apply(p); },
      fill);
}

GrayImage Resize(const GrayImage& source, int width, int height) {
  assert(width > 0 && height > 0);
  double sx = static_cast<double>(source.width) / width;
  double sy = static_cast<double>(source.height) / height;
  int radius = static_cast<int>(std::min(sx, sy) / 2);
  GrayImage blurred;
  if (radius > 0) blurred = BoxBlur(source, radius);
  const GrayImage& from = radius > 0 ? blurred : source;
  GrayImage out(width, height);
  for (int y = 0; y < height; ++y) {
    double src_y = std::clamp((y + 0.5) * sy - 0.5, 0.0, source.height - 1.0);
    for (int x = 0; x < width; ++x) {
      double src_x = std::clamp((x + 0.5) * sx - 0.5, 0.0, source.width - 1.0);
      out.at(x, y) = SampleBilinear(from, src_x, src_y, 255);
    }
  }
  return out;
}

GrayImage ShrinkByBlocks(const GrayImage& source, int factor) {
  assert(factor >= 1);
  if (factor == 1) return source;
  int width = std::max(1, source.width / factor), height = std::max(1, source.height / factor);
  GrayImage out(width, height);
  std::vector<uint32_t> sums(width);
  int area = factor * factor;
  for (int y = 0; y < height; ++y) {
    std::fill(sums.begin(), sums.end(), 0);
    for (int dy = 0; dy < factor; ++dy) {
      const uint8_t* in = source.row(std::min(y * factor + dy, source.height - 1));
      for (int x = 0; x < width; ++x) {
        uint32_t sum = 0;
        for (int dx = 0; dx < factor; ++dx) sum += in[std::min(x * factor + dx, source.width - 1)];
        sums[x] += sum;
      }
    }
    uint8_t* o = out.row(y);
    for (int x = 0; x < width; ++x) o[x] = static_cast<uint8_t>((sums[x] + area / 2) / area);
  }
  return out;
}

GrayImage Crop(const GrayImage& source, int x, int y, int width, int height) {
  int x0 = std::clamp(x, 0, source.width);
  int y0 = std::clamp(y, 0, source.height);
  int x1 = std::clamp(x + width, x0, source.width);
  int y1 = std::clamp(y + height, y0, source.height);
  GrayImage out(x1 - x0, y1 - y0);
  for (int row = y0; row < y1; ++row) {
    std::copy(source.row(row) + x0, source.row(row) + x1, out.row(row - y0));
  }
  return out;
}

void Paste(const GrayImage& source, int x, int y, GrayImage* target) {
  for (int row = 0; row < source.height; ++row) {
    int ty = y + row;
    if (ty < 0 || ty >= target->height) continue;
    for (int col = 0; col < source.width; ++col) {
      int tx = x + col;
      if (tx >= 0 && tx < target->width) target->at(tx, ty) = source.at(col, row);
    }
  }
}

GrayImage BoxBlur(const GrayImage& source, int radius) {
  if (radius <= 0 || source.empty()) return source;
  GrayImage rows = BoxBlurRows(source, radius);
  return Transpose(BoxBlurRows(Transpose(rows), radius));
}

GrayImage GaussianBlur(const GrayImage& source, double sigma) {
  if (sigma < 0.5) return source;
  // Three box passes of width w approximate a Gaussian when 3(w² − 1)/12 = σ².
  double width = std::sqrt(4 * sigma * sigma + 1);
  int radius = std::max(1, static_cast<int>(std::lround((width - 1) / 2)));
  return BoxBlur(BoxBlur(BoxBlur(source, radius), radius), radius);
}

GrayImage Sharpen(const GrayImage& source, double sigma, double amount) {
  GrayImage blurred = GaussianBlur(source, sigma);
  GrayImage out(source.width, source.height);
  for (size_t i = 0; i < source.pixels.size(); ++i) {
    double v = source.pixels[i];
    out.pixels[i] = Clamp(v + amount * (v - blurred.pixels[i]));
  }
  return out;
}

void StretchContrast(double low, double high, GrayImage* image) {
  if (image->empty()) return;
  std::array<size_t, 256> histogram{};
  for (uint8_t v : image->pixels) ++histogram[v];
  size_t total = image->pixels.size();
  auto quantile = [&](double q) {
    size_t target = static_cast<size_t>(q * (total - 1));
    size_t seen = 0;
    for (int v = 0; v < 256; ++v) {
      seen += histogram[v];
      if (seen > target) return v;
    }
    return 255;
  };
  int lo = quantile(low);
  int hi = quantile(high);
  if (hi <= lo) return;
  double scale = 255.0 / (hi - lo);
  std::array<uint8_t, 256> lut;
  for (int v = 0; v < 256; ++v) lut[v] = Clamp((v - lo) * scale);
  for (uint8_t& v : image->pixels) v = lut[v];
}

void ApplyGamma(double gamma, GrayImage* image) {
  std::array<uint8_t, 256> lut;
  for (int v = 0; v < 256; ++v) lut[v] = Clamp(255 * std::pow(v / 255.0, gamma));
  for (uint8_t& v : image->pixels) v = lut[v];
}

void Invert(GrayImage* image) {
  for (uint8_t& v : image->pixels) v = static_cast<uint8_t>(255 - v);
}

GrayImage NormalizeLocalContrast(const GrayImage& source, int radius, double gain) {
  int w = source.width, h = source.height;
  // Running sums of v and v² down each column over the window's rows, then
  // along the row over the window's columns: memory for one row, not the
  // two image-sized summed-area tables (16 bytes a pixel) a 12 MP photo
  // would need. The sums are exact, so the result is the same.
  std::vector<int64_t> column(w, 0), column_sq(w, 0);
  auto add_row = [&](int y, int sign) {
    const uint8_t* row = source.row(y);
    for (int x = 0; x < w; ++x) {
      int v = row[x];
      column[x] += sign * v;
      column_sq[x] += sign * v * v;
    }
  };
  for (int y = 0; y < std::min(h, radius + 1); ++y) add_row(y, 1);
  GrayImage out(w, h);
  for (int y = 0; y < h; ++y) {
    if (y > 0) {
      if (y + radius < h) add_row(y + radius, 1);
      if (y - radius - 1 >= 0) add_row(y - radius - 1, -1);
    }
    int y0 = std::max(0, y - radius), y1 = std::min(h, y + radius + 1);
    int64_t s = 0, sq = 0;
    for (int x = 0; x < std::min(w, radius + 1); ++x) {
      s += column[x];
      sq += column_sq[x];
    }
    const uint8_t* in = source.row(y);
    uint8_t* o = out.row(y);
    for (int x = 0; x < w; ++x) {
      if (x > 0) {
        if (x + radius < w) {
          s += column[x + radius];
          sq += column_sq[x + radius];
        }
        if (x - radius - 1 >= 0) {
          s -= column[x - radius - 1];
          sq -= column_sq[x - radius - 1];
        }
      }
      int x0 = std::max(0, x - radius), x1 = std::min(w, x + radius + 1);
      double n = static_cast<double>(x1 - x0) * (y1 - y0);
      double mean = s / n;
      double deviation = std::sqrt(std::max(0.0, sq / n - mean * mean));
      o[x] = Clamp(128 + gain * (in[x] - mean) / std::max(deviation, 2.0));
    }
  }
  return out;
}

GrayImage FlattenIllumination(const GrayImage& source, int radius) {
  GrayImage background = BoxBlur(BoxBlur(source, radius), radius);
  GrayImage out(source.width, source.height);
  for (size_t i = 0; i < source.pixels.size(); ++i) {
    double bg = std::max<int>(background.pixels[i], 8);
    out.pixels[i] = Clamp(source.pixels[i] * 200.0 / bg);
  }
  return out;
}

}  // namespace qrcloud::qr
