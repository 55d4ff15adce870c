// A fast protobuf → JSON printer following the proto3 JSON mapping, for the
// gateway's responses. protobuf's own printer (util::MessageToJsonString)
// serialises the message and re-parses it through a type resolver; this one
// walks the message by reflection, several times faster. Output is what the
// mapping prescribes: lowerCamelCase names, 64-bit integers as strings, enums
// by name, bytes as base64, RFC 3339 timestamps, fields at their defaults
// omitted. A message holding a google.protobuf.Any is handed to protobuf's
// printer, which knows how to resolve it.
#ifndef QRCLOUD_GATEWAY_JSON_PRINTER_H_
#define QRCLOUD_GATEWAY_JSON_PRINTER_H_

#include <string>
#include "absl/strings/string_view.h"

#include "google/protobuf/message.h"

namespace qrcloud::gateway {

// Appends the JSON of `message` to `out`.
void PrintJson(const google::protobuf::Message& message, std::string* out);

// Appends the JSON of the message of type `type` serialized in `bytes`, read
// straight off the wire format, with no message built in between: the
// gateway's path for responses. Returns false, leaving `out` as it was, for
// bytes it does not take on (a field out of number order or given twice, Any
// or Struct values, malformed bytes); the caller then parses the message and
// calls PrintJson, which prints the same JSON.
bool PrintJsonFromWire(const google::protobuf::Descriptor* type, absl::string_view bytes,
                       std::string* out);

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_JSON_PRINTER_H_
