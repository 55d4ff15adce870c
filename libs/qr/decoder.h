// Decoding QR codes from uploaded photos with ZXing-C++, made robust.
//
// ZXing-C++ alone (its default hints: try harder, rotations, downscaling,
// local-average binarizer) misses codes in poor photos. Decode() runs a
// ladder of passes — inversion for light-on-dark print, contrast stretch,
// local contrast normalisation (glare, faint ink, shadows), shrinking and
// sharpening (defocus), smoothing (noise, JPEG), other binarizers — and
// stops at the first pass that reads anything. Where the ladder reads
// nothing, passes for one kind of damage each follow, in turn until one
// reads: unrolling codes round bottles, reading regions round finder
// patterns on their own (small codes enlarged), removing motion blur,
// stretching steep views, sampling the grid of codes whose finder patterns
// are found ourselves (module areas averaged: faint print), and last ZBar,
// an independent decoder, whose reads are returned only when ZXing,
// re-reading the region ZBar located, gets the same text. Where the ladder
// reads a code, finder patterns outside it point to further codes.
// docs/qr.md describes the passes and the read rates they reach.
//
// Every result passed ZXing's Reed–Solomon and format checks, so a pass can
// fail to read but does not invent data.
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
  // The passes after the ladder, each on by default; off, all of them,
  // gives the ZXing ladder alone (the evaluation's reference). In the
  // order they run where the ladder reads nothing:
  //
  // Unroll codes round a cylinder (a bottle, a cup) that the finder
  // patterns suggest.
  bool unroll_curved = true;
  // Read each region round three finder patterns on its own, enlarged when
  // its modules are small (codes under 2 pixels a module in large photos).
  bool find_small = true;
  // Estimate the photo's motion blur and remove it.
  bool deblur = true;
  // Read the photo stretched along six directions (codes seen 60–70° from
  // face on).
  bool stretch_steep = true;
  // Sample the grids of codes whose finder patterns are found ourselves,
  // each module the mean of its area (faint print, shadow edges), and have
  // ZXing decode the modules; also on each region find_small and find_all
  // read without success.
  bool sample_grid = true;
  // Scan with ZBar; keep only the reads ZXing confirms.
  bool zbar_fallback = true;
  // And where the ladder did read a code: read the regions round finder
  // patterns outside the codes read (the first pass to read may miss others
  // in the photo).
  bool find_all = true;

  // The ZXing ladder alone: every pass after it off.
  static DecodeOptions LadderOnly() {
    DecodeOptions options;
    options.unroll_curved = options.find_small = options.deblur = options.stretch_steep =
        options.sample_grid = options.zbar_fallback = options.find_all = false;
    return options;
  }
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

// ZBar alone on the photo as it is, its reads unconfirmed (UTF-8 text
// only): a second reference for the evaluation. Not for uploads — ZBar's
// reads are not checked here.
std::vector<DecodedCode> DecodeWithZbarAlone(const GrayImage& image);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_DECODER_H_
