#include "libs/core/json_input.h"

#include <vector>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/encoding.h"
#include "libs/core/fast_json.h"
#include "libs/core/status.h"

namespace qrcloud::core {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const FieldDescriptor* FindJsonField(const Descriptor* d, absl::string_view name) {
  const std::string n(name);
  if (const auto* f = d->FindFieldByName(n)) return f;
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->json_name() == n) return d->field(i);
  }
  return nullptr;
}

std::string EnumNames(const google::protobuf::EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() != 0) names.push_back(e->value(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

namespace {

// The JSON-visible path of a field inside `d`, from a dotted proto path.
std::string JsonPath(absl::string_view path) { return JsonFieldName(path); }

// Rewrites the JSON parser's messages so they name the field and say what
// is accepted. The parser reports e.g. "(kind): invalid value \"X\" for type
// TYPE_ENUM" or "Cannot find field: dispalyName".
absl::Status JsonError(const Descriptor* root, absl::string_view prefix, absl::string_view raw) {
  std::string message(raw);
  if (absl::StartsWith(message, "INVALID_ARGUMENT:")) message = message.substr(17);
  // The parser names the field as "(path): …" or "path: …".
  std::string field;
  if (absl::StartsWith(message, "(")) {
    const size_t close = message.find("):");
    if (close != std::string::npos) {
      field = message.substr(1, close - 1);
      message = std::string(absl::StripAsciiWhitespace(message.substr(close + 2)));
    }
  } else if (const size_t colon = message.find(": ");
             colon != std::string::npos &&
             message.find_first_not_of(
                 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]") == colon) {
    field = message.substr(0, colon);
    message = message.substr(colon + 2);
  }
  const std::string where = field.empty()
                                ? std::string(prefix.empty() ? "body" : prefix)
                                : (prefix.empty() ? field : absl::StrCat(prefix, ".", field));
  if (absl::StartsWith(message, "Cannot find field")) {
    const std::string unknown = field.substr(field.rfind('.') + 1);
    return InvalidField(where,
                        absl::StrCat("unknown field \"", unknown,
                                     "\"; field names are lowerCamelCase as in the API reference"));
  }
  if (field.empty()) {
    return InvalidField(where, absl::StrCat("the request body is not valid JSON for this call: ",
                                            absl::StripAsciiWhitespace(message)));
  }
  // Say what the field accepts: the names of an enum, or the expected type.
  std::string hint;
  const Descriptor* d = root;
  const FieldDescriptor* f = nullptr;
  for (absl::string_view part : absl::StrSplit(field, '.')) {
    part = part.substr(0, part.find('['));  // list indices such as "items[2]"
    f = d ? FindJsonField(d, part) : nullptr;
    if (f == nullptr) break;
    d = f->message_type();
  }
  if (f != nullptr && f->enum_type() != nullptr) {
    const size_t quote = message.find('"');
    const size_t end = message.find('"', quote + 1);
    const std::string value =
        quote == std::string::npos ? "" : message.substr(quote, end - quote + 1);
    message = absl::StrCat(value.empty() ? "an unknown value" : value, " is not a known value");
    hint = absl::StrCat("; accepted: ", EnumNames(f->enum_type()));
  } else if (f != nullptr) {
    hint = absl::StrCat(
        "; expected ", f->is_repeated() ? "a list of " : "",
        f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? "an object" : f->cpp_type_name());
  }
  return InvalidField(JsonPath(where), absl::StrCat(message, hint));
}

}  // namespace

absl::Status ParseJsonInto(absl::string_view json, Message* message, absl::string_view prefix) {
  // Most requests are well formed: read in one pass (libs/core/fast_json.h);
  // anything else is protobuf's parser's, whose errors say what is wrong.
  if (FastJsonToMessage(json, message, /*ignore_unknown_fields=*/false)) return absl::OkStatus();
  message->Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, options);
  if (status.ok()) return absl::OkStatus();
  return JsonError(message->GetDescriptor(), prefix, status.ToString());
}

}  // namespace qrcloud::core
