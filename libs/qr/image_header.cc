#include "libs/qr/image_header.h"

#include <cstddef>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace qrcloud::qr {
namespace {

constexpr absl::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);
constexpr absl::string_view kAccepted =
    "give a PNG, JPEG or WebP image, whole and nothing after it";

uint32_t Be32(absl::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}
uint32_t Be16(absl::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1]));
}
uint32_t Le(absl::string_view b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[at + i]);
  return v;
}

absl::Status Damaged(absl::string_view field, absl::string_view type, absl::string_view why) {
  return core::InvalidField(
      field, absl::StrCat("is not a well-formed ", type, " (", why, "); ", kAccepted));
}

absl::StatusOr<ImageHeader> ProbePng(absl::string_view field, absl::string_view b) {
  ImageHeader h{"image/png", 0, 0};
  size_t at = kPngSignature.size();
  bool first = true, idat = false;
  while (true) {
    if (b.size() - at < 12) return Damaged(field, "PNG", "it ends inside a chunk, before IEND");
    const uint32_t length = Be32(b, at);
    const absl::string_view type = b.substr(at + 4, 4);
    if (length > b.size() - at - 12) return Damaged(field, "PNG", "a chunk runs past the end");
    if (first) {
      if (type != "IHDR" || length != 13) return Damaged(field, "PNG", "IHDR is not first");
      h.width = Be32(b, at + 8);
      h.height = Be32(b, at + 12);
      first = false;
    }
    idat = idat || type == "IDAT";
    at += 12 + static_cast<size_t>(length);
    if (type == "IEND") break;
  }
  if (!idat) return Damaged(field, "PNG", "it has no image data");
  if (at != b.size()) {
    return Damaged(field, "PNG", absl::StrCat(b.size() - at, " bytes follow its end"));
  }
  return h;
}

bool IsFrameHeader(unsigned char marker) {
  return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

absl::StatusOr<ImageHeader> ProbeJpeg(absl::string_view field, absl::string_view b) {
  ImageHeader h{"image/jpeg", 0, 0};
  size_t at = 2;
  bool frame = false;
  while (true) {
    while (at < b.size() && static_cast<unsigned char>(b[at]) == 0xff && at + 1 < b.size() &&
           static_cast<unsigned char>(b[at + 1]) == 0xff) {
      ++at;  // fill bytes
    }
    if (b.size() - at < 4 || static_cast<unsigned char>(b[at]) != 0xff) {
      return Damaged(field, "JPEG", "its segments end before the image data");
    }
    const unsigned char marker = static_cast<unsigned char>(b[at + 1]);
    if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker == 0xd8 || marker == 0xd9) return Damaged(field, "JPEG", "a marker is misplaced");
    const uint32_t length = Be16(b, at + 2);
    if (length < 2 || length > b.size() - at - 2) {
      return Damaged(field, "JPEG", "a segment runs past the end");
    }
    if (IsFrameHeader(marker)) {
      if (length < 8) return Damaged(field, "JPEG", "its frame header is short");
      h.height = Be16(b, at + 5);
      h.width = Be16(b, at + 7);
      frame = true;
    }
    at += 2 + length;
    if (marker == 0xda) break;  // start of scan: entropy-coded data follows
  }
  if (!frame) return Damaged(field, "JPEG", "no frame header before the image data");
  if (b.size() - at < 2 || !absl::EndsWith(b, "\xff\xd9")) {
    return Damaged(field, "JPEG", "it does not end with its end-of-image marker");
  }
  return h;
}

absl::StatusOr<ImageHeader> ProbeWebp(absl::string_view field, absl::string_view b) {
  ImageHeader h{"image/webp", 0, 0};
  if (b.size() < 30) return Damaged(field, "WebP", "it is too short to hold an image");
  if (static_cast<uint64_t>(Le(b, 4, 4)) + 8 != b.size()) {
    return Damaged(field, "WebP", "its RIFF length is not the file's length");
  }
  const absl::string_view chunk = b.substr(12, 4);
  if (static_cast<uint64_t>(Le(b, 16, 4)) > b.size() - 20) {
    return Damaged(field, "WebP", "its first chunk runs past the end");
  }
  const size_t d = 20;
  if (chunk == "VP8 ") {
    if (b.substr(d + 3, 3) != "\x9d\x01\x2a") return Damaged(field, "WebP", "bad VP8 start code");
    h.width = Le(b, d + 6, 2) & 0x3fff;
    h.height = Le(b, d + 8, 2) & 0x3fff;
  } else if (chunk == "VP8L") {
    if (static_cast<unsigned char>(b[d]) != 0x2f) {
      return Damaged(field, "WebP", "bad VP8L signature");
    }
    const uint32_t bits = Le(b, d + 1, 4);
    h.width = (bits & 0x3fff) + 1;
    h.height = ((bits >> 14) & 0x3fff) + 1;
  } else if (chunk == "VP8X") {
    h.width = static_cast<int64_t>(Le(b, d + 4, 3)) + 1;
    h.height = static_cast<int64_t>(Le(b, d + 7, 3)) + 1;
  } else {
    return Damaged(field, "WebP", "its first chunk is not VP8, VP8L or VP8X");
  }
  return h;
}

}  // namespace

absl::StatusOr<ImageHeader> ProbeImage(absl::string_view field, absl::string_view bytes,
                                       const ImageLimits& limits) {
  absl::StatusOr<ImageHeader> header;
  if (absl::StartsWith(bytes, kPngSignature)) {
    header = ProbePng(field, bytes);
  } else if (absl::StartsWith(bytes, "\xff\xd8\xff")) {
    header = ProbeJpeg(field, bytes);
  } else if (bytes.size() > 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") {
    header = ProbeWebp(field, bytes);
  } else {
    return core::InvalidField(field,
                              "is not a PNG, JPEG or WebP image (judged by its first bytes)");
  }
  if (!header.ok()) return header.status();
  const int64_t w = header->width, h = header->height;
  if (w <= 0 || h <= 0) {
    return core::InvalidField(field, absl::StrCat("declares ", w, "×", h,
                                                  " px; an image has at "
                                                  "least one pixel each way"));
  }
  if (w > limits.max_side || h > limits.max_side || w * h > limits.max_pixels) {
    return core::InvalidField(
        field, absl::StrCat("is ", w, "×", h, " px; at most ", limits.max_side, " px per side and ",
                            limits.max_pixels, " pixels are accepted"));
  }
  return header;
}

}  // namespace qrcloud::qr
