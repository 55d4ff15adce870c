// The one logging setup: spdlog to stderr, as text or as JSON lines
// (--log_format=json), at --log_level.
#ifndef QRCLOUD_LIBS_CORE_LOG_H_
#define QRCLOUD_LIBS_CORE_LOG_H_

#include <spdlog/spdlog.h>

namespace qrcloud::core {

// Installs the default logger from the flags. Called by InitProcess().
void InitLogging();

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_LOG_H_
