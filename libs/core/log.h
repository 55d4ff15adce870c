// The one logging setup: spdlog to stderr, as text or as JSON lines
// (--log_format=json), at --log_level.
#ifndef QRCLOUD_LIBS_CORE_LOG_H_
#define QRCLOUD_LIBS_CORE_LOG_H_

#include <spdlog/spdlog.h>

#include "absl/strings/string_view.h"

// Lets spdlog/fmt format absl::string_view (a distinct type in Debian's Abseil).
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <typename Context>
  auto format(absl::string_view v, Context& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(v.data(), v.size()), ctx);
  }
};

namespace qrcloud::core {

// Installs the default logger from the flags. Called by InitProcess().
void InitLogging();

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_LOG_H_
