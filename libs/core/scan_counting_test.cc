// The counting rule on its own: flagged scans never count, a device counts
// once per window, an address at most kMaxDevicesPerSource devices.
#include "libs/core/scan_counting.h"

#include <catch2/catch.hpp>

namespace qrcloud::core {
namespace {

ScanEvent Browser() {
  ScanEvent e;
  e.event_id = "e1";
  e.client = ClientClass::kBrowser;
  e.device = "d1";
  e.source = "s1";
  return e;
}

TEST_CASE("HEAD requests, bots and scripted clients are recorded but never counted") {
  ScanEvent head = Browser();
  head.head = true;
  ScanEvent bot = Browser();
  bot.client = ClientClass::kBot;
  bot.bot = true;
  ScanEvent curl = Browser();
  curl.client = ClientClass::kScript;
  for (const ScanEvent& e : {head, bot, curl}) {
    CHECK_FALSE(Counted(e));
    CHECK_FALSE(Unique(e, {}));
  }
  CHECK(Counted(Browser()));
  ScanEvent app = Browser();
  app.client = ClientClass::kApp;  // an in-app browser is a person
  CHECK(Unique(app, {}));
}

TEST_CASE("A device is unique once per window, and an address brings at most 16 devices") {
  CHECK(Unique(Browser(), {.device_seen = false, .source_devices = 0}));
  CHECK_FALSE(Unique(Browser(), {.device_seen = true, .source_devices = 0}));
  CHECK(Unique(Browser(), {.device_seen = false, .source_devices = kMaxDevicesPerSource - 1}));
  CHECK_FALSE(Unique(Browser(), {.device_seen = false, .source_devices = kMaxDevicesPerSource}));
  CHECK(kUniqueWindow == absl::Minutes(30));
}

}  // namespace
}  // namespace qrcloud::core
