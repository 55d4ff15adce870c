#include "libs/core/scan_counting.h"

namespace qrcloud::core {

bool Counted(const ScanEvent& event) { return !event.flagged(); }

bool Unique(const ScanEvent& event, const WindowHistory& history) {
  return Counted(event) && !history.device_seen && history.source_devices < kMaxDevicesPerSource;
}

}  // namespace qrcloud::core
