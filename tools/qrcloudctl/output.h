// How qrcloudctl prints: responses as protobuf JSON (the REST API's shapes) or
// as `path: value` lines, and errors as "error: CODE: message".
#ifndef QRCLOUD_TOOLS_QRCLOUDCTL_OUTPUT_H_
#define QRCLOUD_TOOLS_QRCLOUDCTL_OUTPUT_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::ctl {

enum class OutputFormat {
  kJson,  // protobuf's JSON mapping, indented by two spaces
  kText,  // one "path: value" line per field that is set, in field order
};

// "json" or "text".
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view name);

// `message` in `format`, ending with a newline (nothing at all for an empty
// message in text).
std::string Render(const google::protobuf::Message& message, OutputFormat format);

// "error: <CODE>: <message>\n", then "  <field>: <description>\n" for each
// field violation the status carries.
std::string RenderError(const absl::Status& status);

}  // namespace qrcloud::ctl

#endif  // QRCLOUD_TOOLS_QRCLOUDCTL_OUTPUT_H_
