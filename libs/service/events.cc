#include "libs/service/events.h"

namespace qrcloud::service {

core::Counter& EventsHandled(const std::string& stream, const std::string& outcome) {
  return core::MetricsRegistry::Global().GetCounter(
      "stream_events_total", "Events read from a stream by the service, by what became of them.",
      {{"stream", stream}, {"outcome", outcome}});
}

}  // namespace qrcloud::service
