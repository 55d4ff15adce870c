// The largest content a page is designed for. Within these limits every page
// stays under kMaxPageBytes before images (pages_test renders them at the
// limits); CampaignService should refuse content beyond them. Lengths are in
// Unicode code points (core::ValidateText), counts in items.
#ifndef QRCLOUD_LIBS_WEB_PAGE_LIMITS_H_
#define QRCLOUD_LIBS_WEB_PAGE_LIMITS_H_

#include <cstddef>

namespace qrcloud::web {

inline constexpr size_t kMaxPageBytes = 50 * 1024;

inline constexpr size_t kMaxTitleChars = 64;
inline constexpr size_t kMaxDescriptionChars = 2000;
inline constexpr int kMaxImages = 9;
inline constexpr int kMaxVideos = 3;
inline constexpr int kMaxMenuItems = 30;
inline constexpr size_t kMaxMenuItemNameChars = 32;
inline constexpr size_t kMaxMenuItemDescriptionChars = 60;
// Image and video references: http(s) URLs of up to this many bytes (a
// media URL from UploadMedia is about 60).
inline constexpr size_t kMaxUrlBytes = 120;
// Merchant fields, as MerchantService already enforces them.
inline constexpr size_t kMaxMerchantNameChars = 64;
inline constexpr size_t kMaxMerchantDescriptionChars = 2000;
inline constexpr size_t kMaxAddressChars = 256;

}  // namespace qrcloud::web

#endif  // QRCLOUD_LIBS_WEB_PAGE_LIMITS_H_
