// A labelled set of degraded "photos" of QR codes, generated
// deterministically from a seed, for measuring decoders.
//
// Each photo starts from real codes of known payloads, rendered on paper,
// placed in a cluttered scene and degraded the way phone photos of printed
// stickers are: perspective, rotation, blur, glare, low contrast, uneven
// light, noise, heavy JPEG compression, a small code in a big image, a
// curved surface, several codes at once, light-on-dark print, and a mix.
//
// A second, hard set models photos taken by other people, which are worse:
// codes on phone screens (subpixel grid, moiré), small bottles, codes under
// two pixels a module in 12 MP frames, 60–70° views, faded thermal print,
// up to six codes of different sizes, shaking hands, and all at once.
//
// The same seed gives byte-identical photos; no image is stored anywhere.
#ifndef QRCLOUD_LIBS_QR_PHOTO_SET_H_
#define QRCLOUD_LIBS_QR_PHOTO_SET_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/qr/decoder.h"
#include "libs/qr/image_ops.h"

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
  // The hard set.
  kScreen,        // a phone screen: subpixel grid, moiré, grey black, reflection
  kBottle,        // code spanning ±40–57° of a cylinder, seen from ≤17° above, glossy
  kTiny,          // 1.4–2.2 px a module in a 4000×3000 frame
  kSteep,         // 60–70° from face on
  kFaded,         // thermal print 5–10 grey levels from its paper, fading, streaks
  kManyCodes,     // 2–6 codes, 2.5–12 px a module, some faded, uneven light
  kMotionBlur,    // a streak of 0.8–2 modules
  kHardCombined,  // 40–55°, grey print, shadow, shaken, noisy, JPEG 40–70
};

// The standard set (perspective … combined) and the hard set (screen …
// hard-combined).
std::vector<Degradation> StandardDegradations();
std::vector<Degradation> HardDegradations();
absl::string_view DegradationName(Degradation kind);

struct LabelledPhoto {
  Degradation kind;
  int index = 0;                      // within its kind
  std::vector<std::string> payloads;  // every code in the photo
  std::string jpeg;                   // the photo, as a phone would upload it
  // For each payload, its symbol's corners in the photo (top-left,
  // top-right, bottom-right, bottom-left of the modules, no quiet zone),
  // for diagnosing misses; all zero where the code is not on a plane
  // (bottles, screens, curved).
  std::vector<std::array<PointF, 4>> symbols;
};

struct PhotoSetOptions {
  uint64_t seed = 20240601;
  int per_kind = 20;
  // Photos first_index .. first_index + per_kind − 1 of each kind: a photo
  // depends only on the seed, its kind and its index.
  int first_index = 0;
  std::vector<Degradation> kinds = StandardDegradations();
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
