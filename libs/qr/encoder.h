// QR encoding with libqrencode: payload bytes → Matrix.
//
// The version grows automatically from a caller-chosen floor; the data is
// written as one segment in a mode the caller picks, or split into the
// cheapest mix of numeric, alphanumeric and 8-bit segments. 8-bit segments
// carry the bytes unchanged (UTF-8 for text) and no ECI header, which is what
// phone scanners expect for URLs and Chinese text alike.
#ifndef QRCLOUD_LIBS_QR_ENCODER_H_
#define QRCLOUD_LIBS_QR_ENCODER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/qr/matrix.h"

namespace qrcloud::qr {

inline constexpr int kMinVersion = 1;
inline constexpr int kMaxVersion = 40;

// How the payload is written into the symbol.
enum class Mode {
  kAuto,          // cheapest mix of segments; bytes kept exactly (case-sensitive)
  kByte,          // one 8-bit segment: any bytes
  kAlphanumeric,  // one segment of 0-9 A-Z space $ % * + - . / :
  kNumeric,       // one segment of 0-9
};

struct EncodeOptions {
  EcLevel level = EcLevel::kMedium;
  // The smallest version to use (1..40); a larger one is chosen when the
  // payload needs it. A floor keeps a batch of codes the same size.
  int min_version = kMinVersion;
  Mode mode = Mode::kAuto;
  // kAuto only. False lets lower-case letters be upper-cased into cheaper
  // alphanumeric segments — the scanned text then differs from the payload,
  // so only for payloads where case does not matter.
  bool case_sensitive = true;
};

// One explicitly chosen segment, for callers that know their data's shape
// (e.g. an upper-case URL prefix followed by a long number).
struct Segment {
  Mode mode;  // kByte, kAlphanumeric or kNumeric
  std::string data;
};

// Encodes `payload`. INVALID_ARGUMENT naming "payload" when it is empty, has
// characters the chosen mode cannot hold, or exceeds the level's capacity
// (the message gives the size, the version-40 capacity and a lower level
// that would fit); naming "minVersion" when outside 1..40.
absl::StatusOr<Matrix> Encode(absl::string_view payload, const EncodeOptions& options = {});

// Encodes `segments` in order; options.mode and case_sensitive are ignored.
// Errors as Encode(), naming "segments[i]" for a bad segment.
absl::StatusOr<Matrix> EncodeSegments(const std::vector<Segment>& segments,
                                      const EncodeOptions& options = {});

// How many characters of `mode` a version-40 symbol at `level` holds
// (kAuto counts bytes, the worst case).
int Capacity(EcLevel level, Mode mode);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_ENCODER_H_
