// Matrix: a QR symbol as a square grid of modules, without any quiet zone.
//
// The encoder produces it, every renderer consumes it. Renderers add the
// quiet zone themselves, so one matrix serves SVG, PNG, PDF and stickers.
#ifndef QRCLOUD_LIBS_QR_MATRIX_H_
#define QRCLOUD_LIBS_QR_MATRIX_H_

#include <cassert>
#include <vector>

namespace qrcloud::qr {

// QR error-correction levels: the share of codewords that may be lost and
// still recovered is about 7% (L), 15% (M), 25% (Q) and 30% (H).
enum class EcLevel { kLow, kMedium, kQuartile, kHigh };

// The letter used in the QR specification: 'L', 'M', 'Q' or 'H'.
char EcLevelLetter(EcLevel level);

class Matrix {
 public:
  // A size×size grid of light modules. Requires size > 0.
  Matrix(int size, int version, EcLevel level)
      : size_(size), version_(version), level_(level), modules_(size * size) {
    assert(size > 0);
  }

  // Modules per side: 17 + 4 × version for a QR code.
  int size() const { return size_; }
  int version() const { return version_; }
  EcLevel level() const { return level_; }

  // Requires 0 <= x, y < size(); x runs left to right, y top to bottom.
  bool dark(int x, int y) const { return modules_[Index(x, y)]; }
  void set_dark(int x, int y, bool dark) { modules_[Index(x, y)] = dark; }

 private:
  int Index(int x, int y) const {
    assert(x >= 0 && x < size_ && y >= 0 && y < size_);
    return y * size_ + x;
  }

  int size_;
  int version_;
  EcLevel level_;
  std::vector<bool> modules_;  // row-major, one bit per module
};

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_MATRIX_H_
