// A labelled set of degraded "photos" of QR codes, generated
// deterministically from a seed, for measuring decoders.
//
// Each photo starts from real codes of known payloads, rendered on paper,
// placed in a cluttered scene and degraded the way phone photos of printed
// stickers are: perspective, rotation, blur, glare, low contrast, uneven
// light, noise, heavy JPEG compression, a small code in a big image, a
// curved surface, several codes at once, light-on-dark print, and a mix.
// The same seed gives byte-identical photos.
#ifndef QRCLOUD_LIBS_QR_PHOTO_SET_H_
#define QRCLOUD_LIBS_QR_PHOTO_SET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/qr/decoder.h"

namespace qrcloud::qr {

enum class Degradation {
  kPerspective,
  kRotation,
  kBlur,
  kGlare,
  kLowContrast,
  kUnevenLight,
  kNoise,
  kJpeg,
  kSmallInClutter,
  kCurved,
  kSeveralCodes,
  kInverted,
  kCombined,
};

std::vector<Degradation> AllDegradations();
absl::string_view DegradationName(Degradation kind);

struct LabelledPhoto {
  Degradation kind;
  int index = 0;                      // within its kind
  std::vector<std::string> payloads;  // every code in the photo
  std::string jpeg;                   // the photo, as a phone would upload it
};

struct PhotoSetOptions {
  uint64_t seed = 20240601;
  int per_kind = 20;
  std::vector<Degradation> kinds = AllDegradations();
};

std::vector<LabelledPhoto> MakePhotoSet(const PhotoSetOptions& options = {});

// How a decoder did on one photo: `read` payloads found; `misread` results
// whose text is not one of the photo's payloads (wrong data, never
// acceptable).
struct PhotoScore {
  int expected = 0;
  int read = 0;
  int misread = 0;
};

PhotoScore ScorePhoto(const LabelledPhoto& photo, const std::vector<DecodedCode>& results);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_PHOTO_SET_H_
