// How qrcloudctl prints: responses as protobuf JSON (the REST API's shapes), YAML, or
// text (tables for lists, `path: value` lines otherwise), and errors as "error: CODE: message".
#ifndef QRCLOUD_TOOLS_QRCLOUDCTL_OUTPUT_H_
#define QRCLOUD_TOOLS_QRCLOUDCTL_OUTPUT_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::ctl {

enum class OutputFormat {
  kText,  // lists as a table of their rows' short fields (then paging as
          // below); anything else one "path: value" line per field set
  kJson,  // protobuf's JSON mapping, indented by two spaces
  kYaml,  // the same names and values as JSON, as YAML
};

// "text", "json" or "yaml".
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view name);

// `message` in `format`, ending with a newline (nothing at all for an empty
// message in text). `colour`: the table's header in bold (for a terminal).
std::string Render(const google::protobuf::Message& message, OutputFormat format,
                   bool colour = false);

// One line of JSON: what a stream prints per message when the output is json.
std::string RenderCompactJson(const google::protobuf::Message& message);

// "error: <CODE>: <message>\n", then "  <field>: <description>\n" for each
// field violation the status carries; "error:" in red when `colour`.
std::string RenderError(const absl::Status& status, bool colour = false);

}  // namespace qrcloud::ctl

#endif  // QRCLOUD_TOOLS_QRCLOUDCTL_OUTPUT_H_
