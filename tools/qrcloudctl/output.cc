#include "tools/qrcloudctl/output.h"

#include <charconv>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/core/status.h"

namespace qrcloud::ctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The shortest text that reads back as `v` (26.0745, not 26.074500000000001).
std::string ShortestText(double v) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, result.ptr);
}

std::string Json(const Message& message, bool indent) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = indent;
  std::string json;
  // Fails only for messages that cannot be printed at all (a bad Any), which
  // no qrcloud response carries.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

// protobuf indents by one space per level; two read better. JSON strings
// never hold a raw line break, so every line's leading spaces are indentation.
std::string IndentByTwo(absl::string_view json) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(json, '\n')) {
    const size_t depth = line.find_first_not_of(' ');
    if (depth == absl::string_view::npos) continue;  // a blank line (the trailing one)
    absl::StrAppend(&out, std::string(2 * depth, ' '), line.substr(depth), "\n");
  }
  return out;
}

// Timestamps, durations and the like read as their JSON forms.
bool IsWellKnown(const google::protobuf::Descriptor* type) {
  return absl::StartsWith(type->file()->name(), "google/protobuf/");
}

// Keeps a text value on its line ("path: value" per line), as JSON would.
std::string OneLine(absl::string_view value) {
  return absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"\n", "\\n"}, {"\r", "\\r"}});
}

// Field `field` of `m` as text: element `index` of a repeated field, or the
// singular value when `index` is -1. Only for fields that are not plain messages.
std::string ValueText(const Message& m, const FieldDescriptor* field, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, field, index) : r->GetString(m, field);
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, field, index) : r->GetBool(m, field)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return (rep ? r->GetRepeatedEnum(m, field, index) : r->GetEnum(m, field))->name();
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return ShortestText(rep ? r->GetRepeatedDouble(m, field, index) : r->GetDouble(m, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return ShortestText(rep ? r->GetRepeatedFloat(m, field, index) : r->GetFloat(m, field));
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, field, index) : r->GetInt32(m, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, field, index) : r->GetInt64(m, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, field, index) : r->GetUInt32(m, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, field, index) : r->GetUInt64(m, field));
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& value = rep ? r->GetRepeatedMessage(m, field, index) : r->GetMessage(m, field);
      return std::string(absl::StripSuffix(absl::StripPrefix(Json(value, false), "\""), "\""));
    }
  }
  return "";
}

void AppendText(const Message& m, const std::string& prefix, std::string& out) {
  std::vector<const FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);  // the fields that are set, by number
  for (const FieldDescriptor* field : fields) {
    const std::string path = absl::StrCat(prefix, field->json_name());
    const bool nested = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                        !IsWellKnown(field->message_type());
    if (!field->is_repeated()) {
      if (nested) {
        AppendText(m.GetReflection()->GetMessage(m, field), path + ".", out);
      } else {
        absl::StrAppend(&out, path, ": ", OneLine(ValueText(m, field, -1)), "\n");
      }
      continue;
    }
    const int n = m.GetReflection()->FieldSize(m, field);
    if (nested) {
      for (int i = 0; i < n; ++i) {
        AppendText(m.GetReflection()->GetRepeatedMessage(m, field, i),
                   absl::StrCat(path, ".", i, "."), out);
      }
      continue;
    }
    std::vector<std::string> values;
    for (int i = 0; i < n; ++i) values.push_back(OneLine(ValueText(m, field, i)));
    absl::StrAppend(&out, path, ": ", absl::StrJoin(values, ", "), "\n");
  }
}

}  // namespace

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view name) {
  if (name == "json") return OutputFormat::kJson;
  if (name == "text") return OutputFormat::kText;
  return absl::InvalidArgumentError(
      absl::StrCat("--output must be json or text; got \"", name, "\""));
}

std::string Render(const Message& message, OutputFormat format) {
  if (format == OutputFormat::kText) {
    std::string out;
    AppendText(message, "", out);
    return out;
  }
  return IndentByTwo(Json(message, true));
}

std::string RenderError(const absl::Status& status) {
  std::string out = absl::StrCat("error: ", absl::StatusCodeToString(status.code()), ": ",
                                 status.message(), "\n");
  for (const core::FieldViolation& v : core::FieldViolations(status)) {
    absl::StrAppend(&out, "  ", v.field, ": ", v.description, "\n");
  }
  return out;
}

}  // namespace qrcloud::ctl
