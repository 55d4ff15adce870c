// Handling the outbox's events (libs/store/outbox.h) from a Redis stream:
// each entry's `data` parsed as the protobuf message its stream carries
// (JSON), and handed with its `type` to the service's function. For
// Host::AddConsumer:
//
//   host.AddConsumer({.stream = "orders", .group = "personal"},
//                    service::EventHandler<v1::Order>(
//                        "orders", [&](const std::string& type, const v1::Order& order) {
//                          return wallet.OnOrder(order);
//                        }));
//
// An entry whose data is not such a message is logged, counted and
// acknowledged (it can never succeed); a function's error leaves that entry
// and the rest pending, to be delivered again (so functions must be
// idempotent: an event may come twice).
#ifndef QRCLOUD_LIBS_SERVICE_EVENTS_H_
#define QRCLOUD_LIBS_SERVICE_EVENTS_H_

#include <functional>
#include <string>

#include <google/protobuf/util/json_util.h>

#include "libs/cache/stream_consumer.h"
#include "libs/core/log.h"
#include "libs/core/metrics.h"

namespace qrcloud::service {

// The counter of events handled from `stream`, by outcome.
core::Counter& EventsHandled(const std::string& stream, const std::string& outcome);

// The `data` of `entry` as a `Message` (JSON); false, logged and counted as
// malformed, when it is not one (it can never succeed: acknowledge it). For
// a handler of a stream that carries several messages, by type.
// Fills `out` from `json` as protobuf's JsonStringToMessage does with
// unknown fields ignored (a newer publisher may add fields), through the fast
// path where it can (libs/core/fast_json.h: events come in bulk).
bool EventFromJson(const std::string& json, google::protobuf::Message& out);

template <typename Message>
bool ParseEvent(const std::string& stream, const cache::StreamEntry& entry, Message& out) {
  if (EventFromJson(entry.Field("data"), out)) return true;
  spdlog::error("{} stream: entry {} ({}) is not a {}; dropped", stream, entry.id,
                entry.Field("type"), Message::descriptor()->full_name());
  EventsHandled(stream, "malformed").Inc();
  return false;
}

template <typename Message>
cache::StreamHandler EventHandler(
    std::string stream,
    std::function<absl::Status(const std::string& type, const Message& event)> handle) {
  return [stream = std::move(stream), handle = std::move(handle)](
             const std::vector<cache::StreamEntry>& entries, cache::RedisPool&) {
    cache::Handled handled;
    for (const cache::StreamEntry& e : entries) {
      Message event;
      if (!EventFromJson(e.Field("data"), event)) {
        spdlog::error("{} stream: entry {} ({}) is not a {}; dropped", stream, e.id,
                      e.Field("type"), Message::descriptor()->full_name());
        EventsHandled(stream, "malformed").Inc();
        ++handled.done;
        continue;
      }
      if (absl::Status s = handle(e.Field("type"), event); !s.ok()) {
        handled.status = s;
        EventsHandled(stream, "retried").Inc();
        break;
      }
      EventsHandled(stream, "handled").Inc();
      ++handled.done;
    }
    return handled;
  };
}

// One event of a batch, parsed.
template <typename Message>
struct Event {
  std::string id;  // the stream entry's
  std::string type;
  Message data;
};

// The same for a function that handles a whole batch at once (one database
// transaction for many events): it gets every well-formed entry of the
// batch, in order, and its error leaves them all pending, to be delivered
// again. Malformed entries are logged, counted and acknowledged as above.
template <typename Message>
cache::StreamHandler BatchEventHandler(
    std::string stream,
    std::function<absl::Status(const std::vector<Event<Message>>& events)> handle) {
  return [stream = std::move(stream), handle = std::move(handle)](
             const std::vector<cache::StreamEntry>& entries, cache::RedisPool&) {
    std::vector<Event<Message>> events;
    events.reserve(entries.size());
    size_t malformed = 0;
    for (const cache::StreamEntry& e : entries) {
      Event<Message> event{e.id, e.Field("type"), Message()};
      if (!EventFromJson(e.Field("data"), event.data)) {
        spdlog::error("{} stream: entry {} ({}) is not a {}; dropped", stream, e.id,
                      e.Field("type"), Message::descriptor()->full_name());
        ++malformed;
        continue;
      }
      events.push_back(std::move(event));
    }
    cache::Handled handled;
    if (absl::Status s = events.empty() ? absl::OkStatus() : handle(events); !s.ok()) {
      handled.status = s;
      EventsHandled(stream, "retried").Inc(events.size());
      return handled;  // none done: the batch comes again
    }
    if (malformed > 0) EventsHandled(stream, "malformed").Inc(malformed);
    EventsHandled(stream, "handled").Inc(events.size());
    handled.done = entries.size();
    return handled;
  };
}

}  // namespace qrcloud::service

#endif  // QRCLOUD_LIBS_SERVICE_EVENTS_H_
