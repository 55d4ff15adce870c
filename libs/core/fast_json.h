// A fast path for reading protobuf messages from JSON, for the hot loops
// that read many small events (a settlement batch parses thousands): the
// proto3 JSON mapping of the common shapes (scalars, enums by name, nested
// messages, repeated fields, Timestamp), read with reflection in one pass.
//
// It decides only what it is sure of. True: `message` holds exactly what
// protobuf's own JsonStringToMessage gives for `json` (with
// ignore_unknown_fields as `ignore_unknown_fields` says: events from newer
// publishers may carry fields this build does not know; a request with an
// unknown field is left to protobuf, whose error names it). False: "not decided here" (a shape it
// does not take, or input protobuf may judge otherwise): clear `message` and ask protobuf's parser,
// whose verdict stands. So a caller is never stricter or looser than
// protobuf, only faster on the shapes that come in bulk:
//
//   if (!core::FastJsonToMessage(json, &event)) {
//     event.Clear();
//     ok = google::protobuf::util::JsonStringToMessage(json, &event, options).ok();
//   }
//
// Left to protobuf: maps, bytes, well-known types other than Timestamp, null
// values, numbers written as strings for float fields, enums by number,
// repeated or oneof fields given twice, and nesting deeper than 32.
// libs/core/fast_json_test.cc compares it with protobuf's parser.
#ifndef QRCLOUD_LIBS_CORE_FAST_JSON_H_
#define QRCLOUD_LIBS_CORE_FAST_JSON_H_

#include <google/protobuf/message.h>

#include "absl/strings/string_view.h"

namespace qrcloud::core {

bool FastJsonToMessage(absl::string_view json, google::protobuf::Message* message,
                       bool ignore_unknown_fields = true);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_FAST_JSON_H_
