// Decoding QR codes from uploaded photos with ZXing-C++, made robust.
//
// ZXing-C++ alone (its default hints: try harder, rotations, downscaling,
// local-average binarizer) misses codes in poor photos. Decode() runs a
// ladder of passes — inversion for light-on-dark print, contrast stretch,
// local contrast normalisation (glare, faint ink, shadows), shrinking and
// sharpening (defocus), smoothing (noise, JPEG), other binarizers — and
// stops at the first pass that reads anything (docs/qr.md lists the ladder
// and the read rates it reaches). Only results that pass ZXing's
// Reed-Solomon and format checks are returned, so a pass can fail to read
// but does not invent data.
//
// Thread-safe: calls share no mutable state.
#ifndef QRCLOUD_LIBS_QR_DECODER_H_
#define QRCLOUD_LIBS_QR_DECODER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/qr/image.h"

namespace qrcloud::qr {

struct DecodedCode {
  // The payload. QR 8-bit data carries no character set, so bytes that are
  // valid UTF-8 are returned as they are; anything else is converted to UTF-8
  // from ZXing's guess (ECI, Shift_JIS, ISO-8859-1).
  std::string text;
  std::string format;  // ZXing's name: "QRCode", "MicroQRCode", "DataMatrix", …
  bool operator==(const DecodedCode&) const = default;
};

struct DecodeOptions {
  // QR codes only (not Micro QR). False reads every symbology ZXing knows —
  // 1D barcodes have weak checksums, so false reads in cluttered photos
  // become possible, and Debian's libZXing 1.4 keeps assertions on, one of
  // which photos can trip in its Micro QR detector (aborting the process).
  // Leave it on for untrusted uploads.
  bool qr_only = true;
};

// Every code found in a PNG or JPEG image, each payload once, in reading
// order of the pass that found them. An empty vector when none is found.
// INVALID_ARGUMENT naming "image" when the bytes are not a readable PNG or
// JPEG (or exceed the size limit of image_io.h).
absl::StatusOr<std::vector<DecodedCode>> Decode(absl::string_view image_bytes,
                                                const DecodeOptions& options = {});

// As Decode(), on an image already in memory.
std::vector<DecodedCode> DecodeImage(const GrayImage& image, const DecodeOptions& options = {});

// ZXing-C++ with its default hints and nothing else (restricted to QR like
// DecodeImage), the reference the photo evaluation compares with.
std::vector<DecodedCode> DecodeWithZxingDefaults(const GrayImage& image);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_DECODER_H_
