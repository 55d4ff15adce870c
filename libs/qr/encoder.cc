#include "libs/qr/encoder.h"

#include <qrencode.h>

#include <cerrno>
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::qr {
namespace {

using core::InvalidField;

struct QrcodeDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};
struct QrinputDeleter {
  void operator()(QRinput* input) const { QRinput_free(input); }
};
using QrcodePtr = std::unique_ptr<QRcode, QrcodeDeleter>;
using QrinputPtr = std::unique_ptr<QRinput, QrinputDeleter>;

constexpr absl::string_view kAlphanumericChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
constexpr EcLevel kLevels[] = {EcLevel::kLow, EcLevel::kMedium, EcLevel::kQuartile, EcLevel::kHigh};

QRecLevel ToQrencode(EcLevel level) {
  switch (level) {
    case EcLevel::kLow:
      return QR_ECLEVEL_L;
    case EcLevel::kMedium:
      return QR_ECLEVEL_M;
    case EcLevel::kQuartile:
      return QR_ECLEVEL_Q;
    case EcLevel::kHigh:
      return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_M;
}

QRencodeMode ToQrencode(Mode mode) {
  switch (mode) {
    case Mode::kNumeric:
      return QR_MODE_NUM;
    case Mode::kAlphanumeric:
      return QR_MODE_AN;
    case Mode::kAuto:
    case Mode::kByte:
      return QR_MODE_8;
  }
  return QR_MODE_8;
}

absl::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kNumeric:
      return "numeric";
    case Mode::kAlphanumeric:
      return "alphanumeric";
    case Mode::kAuto:
    case Mode::kByte:
      return "8-bit";
  }
  return "8-bit";
}

bool IsNumeric(char c) { return c >= '0' && c <= '9'; }
bool IsAlphanumeric(char c) { return kAlphanumericChars.find(c) != absl::string_view::npos; }

// The first byte of `data` that `mode` cannot hold, or npos.
size_t FirstInvalidChar(absl::string_view data, Mode mode) {
  for (size_t i = 0; i < data.size(); ++i) {
    if (mode == Mode::kNumeric && !IsNumeric(data[i])) return i;
    if (mode == Mode::kAlphanumeric && !IsAlphanumeric(data[i])) return i;
  }
  return absl::string_view::npos;
}

absl::Status CheckCharacters(absl::string_view field, absl::string_view data, Mode mode) {
  if (data.empty()) {
    return InvalidField(field, "is empty; a QR code needs at least one character");
  }
  size_t bad = FirstInvalidChar(data, mode);
  if (bad == absl::string_view::npos) return absl::OkStatus();
  absl::string_view accepted = mode == Mode::kNumeric
                                   ? "the digits 0-9"
                                   : "0-9, A-Z (upper case), space and $ % * + - . / :";
  return InvalidField(
      field, absl::StrCat("byte ", bad, " ('", data.substr(bad, 1), "') is not allowed in ",
                          ModeName(mode), " mode; it accepts ", accepted,
                          ", or use byte or automatic mode"));
}

// The narrowest single mode that holds all of `data`, for capacity messages.
Mode NarrowestMode(absl::string_view data) {
  if (FirstInvalidChar(data, Mode::kNumeric) == absl::string_view::npos) return Mode::kNumeric;
  if (FirstInvalidChar(data, Mode::kAlphanumeric) == absl::string_view::npos) {
    return Mode::kAlphanumeric;
  }
  return Mode::kByte;
}

absl::Status OverCapacity(absl::string_view field, size_t length, Mode mode, EcLevel level) {
  std::string message = absl::StrCat(
      length, " characters in ", ModeName(mode), " mode exceed the capacity of a QR code at level ",
      std::string(1, EcLevelLetter(level)), " (", Capacity(level, mode), " at version 40)");
  for (int i = static_cast<int>(level) - 1; i >= 0; --i) {
    if (static_cast<int>(length) <= Capacity(kLevels[i], mode)) {
      return InvalidField(field,
                          absl::StrCat(message, "; choose the lower level ",
                                       std::string(1, EcLevelLetter(kLevels[i])), " (",
                                       Capacity(kLevels[i], mode), ") or shorten the payload"));
    }
  }
  return InvalidField(field, absl::StrCat(message, "; shorten the payload (level L holds ",
                                          Capacity(EcLevel::kLow, mode), ")"));
}

absl::Status CheckOptions(const EncodeOptions& options) {
  if (options.min_version < kMinVersion || options.min_version > kMaxVersion) {
    return InvalidField("minVersion",
                        absl::StrCat("is ", options.min_version, "; QR versions are 1 to 40"));
  }
  return absl::OkStatus();
}

Matrix ToMatrix(const QRcode& code, EcLevel level) {
  Matrix matrix(code.width, code.version, level);
  for (int y = 0; y < code.width; ++y) {
    for (int x = 0; x < code.width; ++x) {
      matrix.set_dark(x, y, code.data[y * code.width + x] & 1);
    }
  }
  return matrix;
}

// Wraps a libqrencode result; `over_capacity` describes the error when the
// data did not fit (built only then: it is not cheap).
absl::StatusOr<Matrix> FromQrencode(QrcodePtr code, EcLevel level,
                                    absl::FunctionRef<absl::Status()> over_capacity) {
  if (code != nullptr) return ToMatrix(*code, level);
  if (errno == ERANGE) return over_capacity();
  if (errno == ENOMEM) return absl::ResourceExhaustedError("QR encoding ran out of memory");
  return absl::InternalError(absl::StrCat("libqrencode refused the input (errno ", errno, ")"));
}

QRcode* EncodeSingleSegment(absl::string_view payload, Mode mode, int version, QRecLevel level) {
  QrinputPtr input(QRinput_new2(version, level));
  if (input == nullptr) return nullptr;
  const auto* data = reinterpret_cast<const unsigned char*>(payload.data());
  if (QRinput_append(input.get(), ToQrencode(mode), static_cast<int>(payload.size()), data) != 0) {
    return nullptr;
  }
  return QRcode_encodeInput(input.get());
}

}  // namespace

char EcLevelLetter(EcLevel level) { return "LMQH"[static_cast<int>(level)]; }

int Capacity(EcLevel level, Mode mode) {
  // ISO/IEC 18004 table 7, version 40.
  static constexpr int kNumeric[] = {7089, 5596, 3993, 3057};
  static constexpr int kAlphanumeric[] = {4296, 3391, 2420, 1852};
  static constexpr int kByte[] = {2953, 2331, 1663, 1273};
  int i = static_cast<int>(level);
  switch (mode) {
    case Mode::kNumeric:
      return kNumeric[i];
    case Mode::kAlphanumeric:
      return kAlphanumeric[i];
    case Mode::kAuto:
    case Mode::kByte:
      return kByte[i];
  }
  return kByte[i];
}

absl::StatusOr<Matrix> Encode(absl::string_view payload, const EncodeOptions& options) {
  QRCLOUD_RETURN_IF_ERROR(CheckOptions(options));
  QRCLOUD_RETURN_IF_ERROR(CheckCharacters("payload", payload, options.mode));
  auto over_capacity = [&] {
    Mode mode = options.mode == Mode::kAuto ? NarrowestMode(payload) : options.mode;
    return OverCapacity("payload", payload.size(), mode, options.level);
  };
  if (static_cast<int>(payload.size()) > Capacity(EcLevel::kLow, Mode::kNumeric)) {
    return over_capacity();
  }

  QRecLevel level = ToQrencode(options.level);
  QRcode* code = nullptr;
  // QRcode_encodeString reads a C string, so a payload holding a NUL byte
  // goes into one 8-bit segment instead of the automatic split.
  bool has_nul = payload.find('\0') != absl::string_view::npos;
  if (options.mode == Mode::kAuto && !has_nul) {
    std::string text(payload);
    code = QRcode_encodeString(text.c_str(), options.min_version, level, QR_MODE_8,
                               options.case_sensitive ? 1 : 0);
    // libqrencode's split is a heuristic: near capacity its mode switches
    // can cost more bits than one plain 8-bit segment, which may still fit.
    if (code == nullptr && errno == ERANGE && options.case_sensitive) {
      code = EncodeSingleSegment(payload, Mode::kByte, options.min_version, level);
    }
  } else {
    Mode mode = options.mode == Mode::kAuto ? Mode::kByte : options.mode;
    code = EncodeSingleSegment(payload, mode, options.min_version, level);
  }
  return FromQrencode(QrcodePtr(code), options.level, over_capacity);
}

absl::StatusOr<Matrix> EncodeSegments(const std::vector<Segment>& segments,
                                      const EncodeOptions& options) {
  QRCLOUD_RETURN_IF_ERROR(CheckOptions(options));
  if (segments.empty()) return InvalidField("segments", "is empty; give at least one segment");
  QrinputPtr input(QRinput_new2(options.min_version, ToQrencode(options.level)));
  if (input == nullptr) return absl::ResourceExhaustedError("QR encoding ran out of memory");
  size_t total = 0;
  Mode widest = Mode::kNumeric;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& segment = segments[i];
    Mode mode = segment.mode == Mode::kAuto ? Mode::kByte : segment.mode;
    std::string field = absl::StrCat("segments[", i, "]");
    QRCLOUD_RETURN_IF_ERROR(CheckCharacters(field, segment.data, mode));
    const auto* data = reinterpret_cast<const unsigned char*>(segment.data.data());
    if (QRinput_append(input.get(), ToQrencode(mode), static_cast<int>(segment.data.size()),
                       data) != 0) {
      return absl::InternalError(absl::StrCat("libqrencode refused ", field));
    }
    total += segment.data.size();
    if (mode == Mode::kByte || (mode == Mode::kAlphanumeric && widest == Mode::kNumeric)) {
      widest = mode;
    }
  }
  return FromQrencode(QrcodePtr(QRcode_encodeInput(input.get())), options.level,
                      [&] { return OverCapacity("segments", total, widest, options.level); });
}

}  // namespace qrcloud::qr
