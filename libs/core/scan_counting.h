// The scan path's counting rule, written once: which recorded scans count,
// and which of those are unique (the center's per-code unique scans) or
// valid (a partner's paid scans, per placement). docs/architecture.md,
// "Counting", says why; this file is what the code does.
//
//   - Every scan is recorded. A scan is *counted* unless flagged
//     (ScanEvent::flagged(): a HEAD request, a known bot or link previewer,
//     a scripted client).
//   - A counted scan is *unique* for a subject (a code, a placement) when
//     its device (keyed hash of address + user agent) has not been seen on
//     that subject within kUniqueWindow, and its address (keyed hash of the
//     address alone) has brought fewer than kMaxDevicesPerSource other
//     devices to that subject within the window.
// "Seen" means: a unique scan of the device on that subject; flagged and
// repeated scans do not extend the window.
#ifndef QRCLOUD_LIBS_CORE_SCAN_COUNTING_H_
#define QRCLOUD_LIBS_CORE_SCAN_COUNTING_H_

#include "absl/time/time.h"
#include "libs/core/scan_event.h"

namespace qrcloud::core {

inline constexpr absl::Duration kUniqueWindow = absl::Minutes(30);
// Different devices from one address that count as unique on one subject
// within the window: the phones behind a shop's or an office's NAT count,
// while one machine rotating made-up user agents cannot add more than this.
inline constexpr int kMaxDevicesPerSource = 16;

// What the counter remembers of a scan's subject within the window before
// this scan.
struct WindowHistory {
  // The scan's device had a unique scan of the subject within the window.
  bool device_seen = false;
  // Other devices of the scan's address with a unique scan of the subject
  // within the window.
  int source_devices = 0;
};

// Recorded, and counted: not flagged.
bool Counted(const ScanEvent& event);
// Counted, and its device's first of the subject in the window, within its
// address's cap.
bool Unique(const ScanEvent& event, const WindowHistory& history);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_SCAN_COUNTING_H_
