// Requests from JSON, as the REST API and qrcloudctl take them: protobuf's
// JSON mapping (lowerCamelCase names, enums by name), with the parser's
// errors rewritten to name the field and say what it accepts.
#ifndef QRCLOUD_LIBS_CORE_JSON_INPUT_H_
#define QRCLOUD_LIBS_CORE_JSON_INPUT_H_

#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qrcloud::core {

// Fills `message` from `json`. An error is INVALID_ARGUMENT with a field
// violation: the field's JSON path (under `prefix`, "body" for the whole)
// and what was wrong: "unknown field \"colour\"", "\"X\" is not a known value;
// accepted: A, B", "...; expected string".
absl::Status ParseJsonInto(absl::string_view json, google::protobuf::Message* message,
                           absl::string_view prefix);

// A field of `d` by its proto or JSON name; null when it has none.
const google::protobuf::FieldDescriptor* FindJsonField(const google::protobuf::Descriptor* d,
                                                       absl::string_view name);

// An enum's value names but the zero value, comma-separated, for messages.
std::string EnumNames(const google::protobuf::EnumDescriptor* e);

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_JSON_INPUT_H_
