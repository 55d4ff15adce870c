// What qrcloudctl reads from files: documents (YAML or JSON, the fields of
// the REST body) and raw bytes (media, photos).
#ifndef QRCLOUD_TOOLS_QRCLOUDCTL_INPUT_H_
#define QRCLOUD_TOOLS_QRCLOUDCTL_INPUT_H_

#include <cstddef>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::ctl {

// The whole of `path` ("-": standard input), at most `max_bytes`.
// FAILED_PRECONDITION naming the path when it cannot be read or is larger.
absl::StatusOr<std::string> ReadInputFile(const std::string& path, size_t max_bytes);

// A YAML document (JSON is YAML too) as JSON text. Quoted scalars stay
// text; plain ones read as YAML 1.2's core schema would (null, true, false,
// numbers), so `title: 5` is a number and a string field refuses it.
// INVALID_ARGUMENT with the line and column of a syntax error.
absl::StatusOr<std::string> YamlToJson(absl::string_view text);

// Fills `message` from the document `text` (YAML or JSON), as the REST API
// reads a body: errors name the field (libs/core/json_input.h). `keys`, if
// given, gets the document's top-level keys (for update masks).
absl::Status ParseDocument(absl::string_view text, google::protobuf::Message* message,
                           std::vector<std::string>* keys = nullptr);

}  // namespace qrcloud::ctl

#endif  // QRCLOUD_TOOLS_QRCLOUDCTL_INPUT_H_
