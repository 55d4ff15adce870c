// What an uploaded image says about itself, read without decoding it: its
// type and its dimensions, and whether the file is put together as its type
// requires. Checked before anything is allocated for the pixels, so a small
// file that declares a huge image (an "image bomb") costs nothing.
#ifndef QRCLOUD_LIBS_QR_IMAGE_HEADER_H_
#define QRCLOUD_LIBS_QR_IMAGE_HEADER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::qr {

struct ImageHeader {
  std::string content_type;  // image/png, image/jpeg or image/webp
  int64_t width = 0;
  int64_t height = 0;
};

// Limits on what an image may declare, checked from the header alone.
struct ImageLimits {
  int64_t max_side = 8192;
  int64_t max_pixels = 40'000'000;
};

// Reads the header of PNG, JPEG or WebP bytes and checks the whole file's
// structure:
// - PNG: the signature, IHDR first, chunks whose lengths fit, at least one
//   IDAT, and IEND last with nothing after it;
// - JPEG: SOI, marker segments whose lengths fit up to the start of scan, a
//   frame header (SOFn) before it, and EOI as the last two bytes;
// - WebP: a RIFF length equal to the file's, and a VP8, VP8L or VP8X first
//   chunk.
// Then the dimensions against `limits`. Errors are INVALID_ARGUMENT naming
// `field`, saying what is wrong and what is accepted.
absl::StatusOr<ImageHeader> ProbeImage(absl::string_view field, absl::string_view bytes,
                                       const ImageLimits& limits = {});

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_IMAGE_HEADER_H_
