#include "libs/service/events.h"

#include "libs/core/fast_json.h"

namespace qrcloud::service {

bool EventFromJson(const std::string& json, google::protobuf::Message& out) {
  if (core::FastJsonToMessage(json, &out)) return true;
  out.Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  return google::protobuf::util::JsonStringToMessage(json, &out, options).ok();
}

core::Counter& EventsHandled(const std::string& stream, const std::string& outcome) {
  return core::MetricsRegistry::Global().GetCounter(
      "stream_events_total", "Events read from a stream by the service, by what became of them.",
      {{"stream", stream}, {"outcome", outcome}});
}

}  // namespace qrcloud::service
