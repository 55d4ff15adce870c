// Reading uploaded photos (PNG, JPEG) into grayscale, and writing grayscale
// JPEGs for the photo set.
#ifndef QRCLOUD_LIBS_QR_IMAGE_IO_H_
#define QRCLOUD_LIBS_QR_IMAGE_IO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/qr/image.h"

namespace qrcloud::qr {

// Images larger than this are refused (PNG) or read at 1/2, 1/4 or 1/8
// scale (JPEG), so a hostile upload cannot exhaust memory.
inline constexpr long kMaxImagePixels = 40'000'000;

// Decodes PNG or JPEG bytes (told apart by their signature) to luminance;
// transparent PNG pixels count as white. INVALID_ARGUMENT naming "image" for
// other formats, damaged files and oversized PNGs.
absl::StatusOr<GrayImage> ReadImage(absl::string_view bytes);

// Baseline JPEG of a grayscale image, quality 1..100.
absl::StatusOr<std::string> WriteJpeg(const GrayImage& image, int quality);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_IMAGE_IO_H_
