#include "libs/qr/internal/deblur.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <utility>
#include <vector>

#include "libs/qr/image_ops.h"

namespace qrcloud::qr::internal {
namespace {

constexpr double kPi = std::numbers::pi;

uint8_t Clamp(double v) { return static_cast<uint8_t>(std::clamp(v + 0.5, 0.0, 255.0)); }

// `source` turned by −angle about its centre onto a width×height canvas
// centred the same way: a streak at `angle` becomes horizontal.
GrayImage Turned(const GrayImage& source, double angle, int width, int height) {
  GrayImage out(width, height);
  double c = std::cos(angle), s = std::sin(angle);
  double cx = source.width / 2.0, cy = source.height / 2.0;
  for (int y = 0; y < height; ++y) {
    double v = y - height / 2.0;
    for (int x = 0; x < width; ++x) {
      double u = x - width / 2.0;
      out.at(x, y) = Clamp(SampleClamped(source, cx + u * c - v * s, cy + u * s + v * c));
    }
  }
  return out;
}

// In-place radix-2 FFT; `inverse` includes the 1/n.
void Fft(std::vector<std::complex<double>>& a, bool inverse) {
  size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    double angle = 2 * kPi / static_cast<double>(len) * (inverse ? 1 : -1);
    std::complex<double> step(std::cos(angle), std::sin(angle));
    for (size_t i = 0; i < n; i += len) {
      std::complex<double> w(1);
      for (size_t j = 0; j < len / 2; ++j) {
        std::complex<double> u = a[i + j], v = a[i + j + len / 2] * w;
        a[i + j] = u + v;
        a[i + j + len / 2] = u - v;
        w *= step;
      }
    }
  }
  if (inverse) {
    for (std::complex<double>& x : a) x /= static_cast<double>(n);
  }
}

int Diagonal(const GrayImage& image) {
  return static_cast<int>(std::ceil(std::hypot(image.width, image.height)));
}

}  // namespace

std::optional<MotionBlur> EstimateMotionBlur(const GrayImage& image) {
  if (image.width < 32 || image.height < 32) return std::nullopt;
  // Direction: the one with the least gradient energy, every 5°.
  constexpr int kDirections = 36;
  std::array<double, kDirections> energy{};
  for (int k = 0; k < kDirections; ++k) {
    double a = k * kPi / kDirections, dx = std::cos(a), dy = std::sin(a);
    for (int y = 2; y + 2 < image.height; y += 2) {
      for (int x = 2; x + 2 < image.width; x += 2) {
        double d = SampleClamped(image, x + dx, y + dy) - SampleClamped(image, x - dx, y - dy);
        energy[k] += d * d;
      }
    }
  }
  auto [lo, hi] = std::minmax_element(energy.begin(), energy.end());
  // Sharp photos have no clear least direction.
  if (*lo > 0.85 * *hi) return std::nullopt;
  double angle = (lo - energy.begin()) * kPi / kDirections;
  // Length: where the autocorrelation of the derivative along the streak
  // dips (an edge's derivative is a box as long as the streak).
  int side = Diagonal(image);
  GrayImage turned = Turned(image, angle, side, side);
  int max_lag = std::min(80, side / 8);
  std::vector<double> correlation(max_lag + 1, 0);
  for (int y = 0; y < turned.height; y += 3) {
    const uint8_t* row = turned.row(y);
    for (int x = 0; x + max_lag + 1 < turned.width; ++x) {
      int d0 = row[x + 1] - row[x];
      if (d0 == 0) continue;
      for (int lag = 1; lag <= max_lag; ++lag) {
        correlation[lag] += d0 * (row[x + lag + 1] - row[x + lag]);
      }
    }
  }
  double energy0 = 0;  // the derivative's energy: its autocorrelation at lag 0
  for (int y = 0; y < turned.height; y += 3) {
    const uint8_t* row = turned.row(y);
    for (int x = 0; x + max_lag + 1 < turned.width; ++x) {
      int d = row[x + 1] - row[x];
      energy0 += d * d;
    }
  }
  // Streaks under 3 pixels are not worth removing, and resampling for the
  // turn correlates neighbouring pixels, which makes a dip at lag 2 of its
  // own.
  int lag = 3;
  for (int l = 3; l <= max_lag; ++l) {
    if (correlation[l] < correlation[lag]) lag = l;
  }
  // A streak makes a deep dip: half the energy for clean edges, a fifth in
  // the photo set's cluttered scenes; white noise about a tenth (measured).
  if (lag >= max_lag || !(correlation[lag] < -0.15 * energy0)) return std::nullopt;
  return MotionBlur{angle, static_cast<double>(lag)};
}

GrayImage RemoveMotionBlur(const GrayImage& image, const MotionBlur& blur) {
  int side = Diagonal(image);
  GrayImage turned = Turned(image, blur.angle, side, side);
  size_t n = 1;
  while (n < 2 * static_cast<size_t>(side)) n <<= 1;
  // The streak as a filter: a box `taps` long, centred.
  int taps = std::max(1, static_cast<int>(std::lround(blur.length)));
  std::vector<std::complex<double>> filter(n, 0);
  for (int k = 0; k < taps; ++k) filter[(k - taps / 2 + n) % n] = 1.0 / taps;
  Fft(filter, false);
  // Wiener: a little noise power keeps the filter's zeros from blowing up.
  constexpr double kNoiseToSignal = 0.01;
  std::vector<std::complex<double>> inverse(n);
  for (size_t k = 0; k < n; ++k) {
    inverse[k] = std::conj(filter[k]) / (std::norm(filter[k]) + kNoiseToSignal);
  }
  std::vector<std::complex<double>> row(n);
  for (int y = 0; y < turned.height; ++y) {
    const uint8_t* in = turned.row(y);
    // Padded with the row's ends, half each way, so the wrap-round is smooth.
    size_t right = side + (n - side) / 2;
    for (size_t x = 0; x < n; ++x) {
      row[x] = x < static_cast<size_t>(side) ? in[x] : (x < right ? in[side - 1] : in[0]);
    }
    Fft(row, false);
    for (size_t k = 0; k < n; ++k) row[k] *= inverse[k];
    Fft(row, true);
    uint8_t* out = turned.row(y);
    for (int x = 0; x < side; ++x) out[x] = Clamp(row[x].real());
  }
  // Back to the photo's frame.
  GrayImage out(image.width, image.height);
  double c = std::cos(blur.angle), s = std::sin(blur.angle);
  for (int y = 0; y < image.height; ++y) {
    double v = y - image.height / 2.0;
    for (int x = 0; x < image.width; ++x) {
      double u = x - image.width / 2.0;
      // The inverse of Turned's rotation.
      out.at(x, y) =
          Clamp(SampleClamped(turned, side / 2.0 + u * c + v * s, side / 2.0 - u * s + v * c));
    }
  }
  return out;
}

}  // namespace qrcloud::qr::internal
