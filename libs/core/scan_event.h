// A scan of a managed QR code, as the gateway appends it to the Redis
// stream `scans` and the center's rollup reads it back. The field names here
// are the stream's schema.
#ifndef QRCLOUD_LIBS_CORE_SCAN_EVENT_H_
#define QRCLOUD_LIBS_CORE_SCAN_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace qrcloud::core {

inline constexpr char kScanStream[] = "scans";

// kScript: an HTTP library or tool (curl, python-requests, Go's client...)
// or no user agent at all: a program, not a person with a phone.
enum class ClientClass { kBrowser, kApp, kBot, kScript, kOther };
absl::string_view ClientClassName(ClientClass c);

struct ScanEvent {
  // Unique per scan (a ULID made by the gateway): the rollup counts each
  // event id once, however often the event reaches the stream.
  std::string event_id;
  std::string code_id;
  std::string slug;
  int64_t time_ms = 0;        // when the gateway saw it, Unix milliseconds
  std::string platform_code;  // from ?p=, validated; "" for direct scans
  ClientClass client = ClientClass::kOther;
  std::string device;        // hash of (salted client address, user agent)
  std::string source;        // hash of the salted client address alone
  std::string referer_host;  // host part of Referer, or ""
  bool head = false;         // a HEAD request: recorded, not counted
  bool bot = false;          // a known crawler or link previewer: recorded, not counted
  // Only for a person signed in when scanning (an app that sends its session
  // with the scan): their account, and the code's campaign, for their scan
  // history. Empty otherwise, and then not written at all.
  std::string account;
  std::string campaign;

  // Flagged scans are recorded but never counted: HEAD, known bots and
  // link previewers, scripted clients.
  bool flagged() const { return head || bot || client == ClientClass::kScript; }

  std::vector<std::pair<std::string, std::string>> ToFields() const;
  static std::optional<ScanEvent> FromFields(
      const std::vector<std::pair<std::string, std::string>>& fields);

  // One line of text ("eid=…\tcode=…\t…\n", values C-escaped), the form in
  // which events are packed into stream entries and the gateway's spool.
  std::string ToLine() const;
  static std::optional<ScanEvent> FromLine(absl::string_view line);
};

// A stream entry of `scans` carries a batch of events (the gateway's group
// commit): one field "events" holding their lines. Malformed lines are
// skipped.
inline constexpr char kScanEventsField[] = "events";
// The gateway's id for the batch (a ULID), the same when the batch is
// replayed from its spool.
inline constexpr char kScanBatchField[] = "batch";
// Only on a replay from the spool: when the batch was tried before (Unix
// ms, comma-separated), where the rollup looks for an earlier copy.
inline constexpr char kScanAttemptsField[] = "attempts";
std::string PackScanEvents(const std::vector<ScanEvent>& events);
std::vector<ScanEvent> UnpackScanEvents(absl::string_view packed);

// Classifies a User-Agent: known bots and link previewers, scripted clients
// (HTTP libraries and command-line tools, or no user agent), in-app browsers
// (WeChat, Alipay), ordinary browsers, anything else.
ClientClass ClassifyUserAgent(absl::string_view user_agent);

// A platform code as carried in ?p=: 1 to 32 of [A-Za-z0-9_-].
bool ValidPlatformCode(absl::string_view code);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_SCAN_EVENT_H_
