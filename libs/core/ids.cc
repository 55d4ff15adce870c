#include "libs/core/ids.h"

#include <sodium.h>

#include <array>
#include <cstdint>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/core/encoding.h"

namespace qrcloud::core {
namespace {

constexpr absl::string_view kCrockford = "0123456789abcdefghjkmnpqrstvwxyz";

}  // namespace

std::string NewIdAt(absl::Time now) {
  EnsureSodium();
  std::array<uint8_t, 16> raw{};
  uint64_t ms = static_cast<uint64_t>(absl::ToUnixMillis(now));
  {
    // Monotonic within the process (as ULIDs allow): an id made in the same
    // millisecond as the last one, or with the clock stepped back, takes the
    // last one's time and random part plus one, so ids sort in creation order.
    static absl::Mutex mu(absl::kConstInit);
    static uint64_t last_ms = 0;
    static std::array<uint8_t, 10> last_random{};
    absl::MutexLock lock(&mu);
    if (ms <= last_ms) {
      ms = last_ms;
      for (int i = 9; i >= 0 && ++last_random[i] == 0; --i) {
      }
    } else {
      last_ms = ms;
      randombytes_buf(last_random.data(), last_random.size());
      last_random[0] &= 0x7f;  // headroom, so increments never wrap the random part
    }
    std::copy(last_random.begin(), last_random.end(), raw.begin() + 6);
  }
  for (int i = 5; i >= 0; --i) {
    raw[i] = static_cast<uint8_t>(ms & 0xff);
    ms >>= 8;
  }
  // 128 bits → 26 base32 characters (the first carries 3 bits).
  std::string out(26, '0');
  unsigned __int128 v = 0;
  for (uint8_t b : raw) v = (v << 8) | b;
  for (int i = 25; i >= 0; --i) {
    out[i] = kCrockford[static_cast<size_t>(v & 31)];
    v >>= 5;
  }
  return out;
}

std::string NewId() { return NewIdAt(absl::Now()); }

bool IsValidId(absl::string_view id) {
  if (id.size() != 26) return false;
  if (id[0] > '7') return false;  // only 3 bits fit in the first character
  for (char c : id) {
    if (kCrockford.find(c) == absl::string_view::npos) return false;
  }
  return true;
}

std::string RandomHex(size_t n) {
  EnsureSodium();
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), n);
  return HexEncode(bytes);
}

std::string RandomBase64Url(size_t n) {
  EnsureSodium();
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), n);
  return Base64UrlEncode(bytes);
}

}  // namespace qrcloud::core
