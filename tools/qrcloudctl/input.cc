#include "tools/qrcloudctl/input.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <yaml-cpp/yaml.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/json_input.h"
#include "libs/core/status.h"

namespace qrcloud::ctl {
namespace {

using google::protobuf::Value;

// Integers beyond this lose digits as JSON numbers (doubles): they go as
// text, which protobuf's JSON parser reads into integer fields exactly.
constexpr double kExactInteger = 9007199254740992.0;  // 2^53

void PlainScalar(const std::string& text, Value* out) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    out->set_null_value(google::protobuf::NULL_VALUE);
    return;
  }
  if (text == "true" || text == "True" || text == "TRUE") return out->set_bool_value(true);
  if (text == "false" || text == "False" || text == "FALSE") return out->set_bool_value(false);
  int64_t integer;
  double number;
  if (absl::SimpleAtoi(text, &integer)) {
    if (std::fabs(static_cast<double>(integer)) < kExactInteger) {
      return out->set_number_value(static_cast<double>(integer));
    }
    return out->set_string_value(text);
  }
  const bool numeric = text.find_first_not_of("0123456789.+-eE") == std::string::npos &&
                       absl::ascii_isdigit(static_cast<unsigned char>(text.back()));
  if (numeric && absl::SimpleAtod(text, &number) && std::isfinite(number)) {
    return out->set_number_value(number);
  }
  out->set_string_value(text);
}

absl::Status ToValue(const YAML::Node& node, Value* out, int depth) {
  if (depth > 32) return absl::InvalidArgumentError("the document nests more than 32 levels");
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out->set_null_value(google::protobuf::NULL_VALUE);
      return absl::OkStatus();
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!", plain ones "?".
      if (node.Tag() == "!") {
        out->set_string_value(node.Scalar());
      } else {
        PlainScalar(node.Scalar(), out);
      }
      return absl::OkStatus();
    case YAML::NodeType::Sequence:
      for (const YAML::Node& item : node) {
        QRCLOUD_RETURN_IF_ERROR(ToValue(item, out->mutable_list_value()->add_values(), depth + 1));
      }
      if (!out->has_list_value()) out->mutable_list_value();
      return absl::OkStatus();
    case YAML::NodeType::Map: {
      auto* fields = out->mutable_struct_value()->mutable_fields();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", entry.first.Mark().line + 1, ": keys must be plain names"));
        }
        const std::string key = entry.first.Scalar();
        if (fields->count(key)) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", entry.first.Mark().line + 1, ": \"", key, "\" is given twice"));
        }
        QRCLOUD_RETURN_IF_ERROR(ToValue(entry.second, &(*fields)[key], depth + 1));
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ReadInputFile(const std::string& path, size_t max_bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
      path == "-" ? stdin : std::fopen(path.c_str(), "rb"),
      path == "-" ? +[](std::FILE*) { return 0; } : &std::fclose);
  if (!file) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::string data;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    if (data.size() + n > max_bytes) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " is larger than the ", max_bytes, " bytes accepted"));
    }
    data.append(buffer, n);
  }
  if (std::ferror(file.get())) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  return data;
}

absl::StatusOr<std::string> YamlToJson(absl::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", e.mark.line + 1, ", column ", e.mark.column + 1, ": ", e.msg));
  }
  Value value;
  QRCLOUD_RETURN_IF_ERROR(ToValue(root, &value, 0));
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) {
    return absl::InvalidArgumentError("the document cannot be read as JSON");
  }
  return json;
}

absl::Status ParseDocument(absl::string_view text, google::protobuf::Message* message,
                           std::vector<std::string>* keys) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string json, YamlToJson(text));
  google::protobuf::Value value;
  if (!google::protobuf::util::JsonStringToMessage(json, &value).ok() ||
      !value.has_struct_value()) {
    return core::InvalidField("body", "the document must be an object of fields (name: value)");
  }
  if (keys != nullptr) {
    for (const auto& [key, unused] : value.struct_value().fields()) keys->push_back(key);
  }
  return core::ParseJsonInto(json, message, "");
}

}  // namespace qrcloud::ctl
