#include "tools/qrcloudctl/output.h"

#include <algorithm>
#include <charconv>
#include <memory>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/core/money.h"
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

// A YAML scalar: plain when it cannot be read as anything else, else
// double-quoted with JSON's escapes (a subset of YAML's).
std::string YamlScalar(const std::string& text, bool is_string) {
  if (!is_string) return text;
  const bool plain = !text.empty() && text.size() <= 200 &&
                     text.find_first_of(":#'\"{}[],&*!|>%@`\n\r\t\\") == std::string::npos &&
                     text.front() != ' ' && text.back() != ' ' && text.front() != '-' &&
                     text.front() != '?' && text != "true" && text != "false" && text != "null" &&
                     text != "~" && text != "yes" && text != "no" &&
                     text.find_first_not_of("0123456789.+-eE") != std::string::npos;
  if (plain) return text;
  google::protobuf::Value v;
  v.set_string_value(text);
  std::string quoted;
  (void)google::protobuf::util::MessageToJsonString(v, &quoted);
  return quoted;
}

bool IsStringValued(const FieldDescriptor* field) {
  // Enums and well-known types print as text too; quoting decides only
  // whether a reader could take them for another type.
  return field->cpp_type() == FieldDescriptor::CPPTYPE_STRING ||
         field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
}

void AppendYaml(const Message& m, int indent, bool first_in_item, std::string& out) {
  std::vector<const FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);
  const std::string pad(indent, ' ');
  bool first = first_in_item;
  auto key = [&](const FieldDescriptor* field) {
    // The first key of a list item sits after its "- ".
    std::string k = absl::StrCat(first ? "" : pad, field->json_name(), ":");
    first = false;
    return k;
  };
  for (const FieldDescriptor* field : fields) {
    const bool nested = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                        !IsWellKnown(field->message_type());
    const Reflection* r = m.GetReflection();
    if (!field->is_repeated()) {
      if (nested) {
        absl::StrAppend(&out, key(field), "\n");
        AppendYaml(r->GetMessage(m, field), indent + 2, false, out);
      } else {
        absl::StrAppend(&out, key(field), " ",
                        YamlScalar(ValueText(m, field, -1), IsStringValued(field)), "\n");
      }
      continue;
    }
    absl::StrAppend(&out, key(field), "\n");
    const int n = r->FieldSize(m, field);
    for (int i = 0; i < n; ++i) {
      absl::StrAppend(&out, pad, "- ");
      if (nested) {
        const Message& item = r->GetRepeatedMessage(m, field, i);
        std::vector<const FieldDescriptor*> set;
        item.GetReflection()->ListFields(item, &set);
        if (set.empty()) {
          absl::StrAppend(&out, "{}\n");
        } else {
          AppendYaml(item, indent + 2, true, out);
        }
      } else {
        absl::StrAppend(&out, YamlScalar(ValueText(m, field, i), IsStringValued(field)), "\n");
      }
    }
  }
}

// A list answer: one repeated field of messages (the rows), besides paging.
const FieldDescriptor* RowsField(const Message& m) {
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  const FieldDescriptor* rows = nullptr;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_repeated() && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        !IsWellKnown(f->message_type())) {
      if (rows != nullptr) return nullptr;
      rows = f;
    }
  }
  return rows;
}

bool IsMoney(const google::protobuf::Descriptor* d) { return d->full_name() == "qrcloud.v1.Money"; }

// What a table shows of a row's field; empty when the column does not fit
// a table (long text, lists, nested objects).
bool TableColumn(const FieldDescriptor* f) {
  if (f->is_repeated()) return false;
  const std::string& n = f->name();
  if (n == "description" || absl::EndsWith(n, "_url") || n == "template" ||
      absl::EndsWith(n, "_token") || n == "token" || n == "payload" || absl::EndsWith(n, "_json")) {
    return false;
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return IsMoney(f->message_type()) || IsWellKnown(f->message_type());
  }
  return true;
}

std::string CellText(const Message& row, const FieldDescriptor* f) {
  if (!row.GetReflection()->HasField(row, f) && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return "";
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && IsMoney(f->message_type())) {
    const Message& money = row.GetReflection()->GetMessage(row, f);
    const auto* d = money.GetDescriptor();
    const auto* r = money.GetReflection();
    auto value = core::Money::Of(r->GetString(money, d->FindFieldByName("currency")),
                                 r->GetInt64(money, d->FindFieldByName("minor")));
    return value.ok() ? value->ToString() : "";
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM &&
      row.GetReflection()->GetEnumValue(row, f) == 0) {
    return "";  // unspecified
  }
  std::string text = OneLine(ValueText(row, f, -1));
  if (f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return text;
  // At most 32 characters (not bytes: Chinese names stay whole).
  size_t chars = 0, cut = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == 31) cut = i;
  }
  if (chars > 32) text = absl::StrCat(text.substr(0, cut), "…");
  return text;
}

// Columns wide enough for their widest cell, measured in characters.
size_t Width(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Table(const Message& m, const FieldDescriptor* rows_field, bool colour) {
  const Reflection* r = m.GetReflection();
  const int n = r->FieldSize(m, rows_field);
  const google::protobuf::Descriptor* row_type = rows_field->message_type();
  std::vector<const FieldDescriptor*> columns;
  for (int i = 0; i < row_type->field_count() && columns.size() < 7; ++i) {
    const FieldDescriptor* f = row_type->field(i);
    if (!TableColumn(f)) continue;
    bool any = false;
    for (int j = 0; j < n && !any; ++j) {
      const Message& row = r->GetRepeatedMessage(m, rows_field, j);
      any = !CellText(row, f).empty() && CellText(row, f) != "0" && CellText(row, f) != "false";
    }
    if (any) columns.push_back(f);
  }
  std::vector<std::vector<std::string>> cells(n + 1);
  for (const FieldDescriptor* f : columns) cells[0].push_back(absl::AsciiStrToUpper(f->name()));
  for (int j = 0; j < n; ++j) {
    const Message& row = r->GetRepeatedMessage(m, rows_field, j);
    for (const FieldDescriptor* f : columns) cells[j + 1].push_back(CellText(row, f));
  }
  std::vector<size_t> widths(columns.size(), 0);
  for (const auto& line : cells) {
    for (size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], Width(line[c]));
  }
  std::string out;
  if (n == 0) cells.clear();
  for (size_t l = 0; l < cells.size(); ++l) {
    std::string line;
    for (size_t c = 0; c < cells[l].size(); ++c) {
      line += cells[l][c];
      if (c + 1 < cells[l].size()) line += std::string(widths[c] - Width(cells[l][c]) + 2, ' ');
    }
    if (l == 0 && colour) line = absl::StrCat("\x1b[1m", line, "\x1b[0m");
    absl::StrAppend(&out, line, "\n");
  }
  if (n == 0) absl::StrAppend(&out, "(none)\n");
  // Paging and anything else the answer carries, as path: value lines.
  std::unique_ptr<Message> rest(m.New());
  rest->CopyFrom(m);
  rest->GetReflection()->ClearField(rest.get(), rows_field);
  AppendText(*rest, "", out);
  return out;
}

}  // namespace

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view name) {
  if (name == "json") return OutputFormat::kJson;
  if (name == "yaml") return OutputFormat::kYaml;
  if (name == "text") return OutputFormat::kText;
  return absl::InvalidArgumentError(
      absl::StrCat("--output must be text, json or yaml; got \"", name, "\""));
}

std::string Render(const Message& message, OutputFormat format, bool colour) {
  switch (format) {
    case OutputFormat::kText: {
      if (const FieldDescriptor* rows = RowsField(message)) return Table(message, rows, colour);
      std::string out;
      AppendText(message, "", out);
      return out;
    }
    case OutputFormat::kYaml: {
      std::string out;
      AppendYaml(message, 0, true, out);
      return out.empty() ? "{}\n" : out;
    }
    case OutputFormat::kJson:
      break;
  }
  return IndentByTwo(Json(message, true));
}

std::string RenderCompactJson(const Message& message) { return Json(message, false) + "\n"; }

std::string RenderError(const absl::Status& status, bool colour) {
  std::string out = absl::StrCat(
      colour ? "\x1b[31merror:\x1b[0m " : "error: ", absl::StatusCodeToString(status.code()), ": ",
      status.message(), "\n");
  for (const core::FieldViolation& v : core::FieldViolations(status)) {
    absl::StrAppend(&out, "  ", v.field, ": ", v.description, "\n");
  }
  return out;
}

}  // namespace qrcloud::ctl
