#include "gateway/json_printer.h"

#include <google/protobuf/util/json_util.h>

#include <charconv>
#include <cmath>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace qrcloud::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void AppendString(absl::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      // As protobuf does: '<' and '>' escaped, so JSON can sit inside HTML.
      case '<': out->append("\\u003c"); break;
      case '>': out->append("\\u003e"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xa8 ||
                    static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
          // U+2028 and U+2029 end lines in JavaScript.
          out->append(static_cast<unsigned char>(s[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029");
          i += 2;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

template <typename T>
void AppendFloating(T v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    char buf[32];
    // Shortest text that reads back as the same value.
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    out->append(buf, end);
  }
}

// Thrown on meeting a google.protobuf.Any, which needs a type resolver.
struct NeedsResolver {};

void PrintMessage(const Message& m, std::string* out);

void AppendTimestamp(const Message& m, std::string* out) {
  const Reflection* r = m.GetReflection();
  const Descriptor* d = m.GetDescriptor();
  const int64_t seconds = r->GetInt64(m, d->FindFieldByNumber(1));
  const int32_t nanos = r->GetInt32(m, d->FindFieldByNumber(2));
  const absl::Time t = absl::FromUnixSeconds(seconds);
  std::string text = absl::FormatTime("%Y-%m-%dT%H:%M:%S", t, absl::UTCTimeZone());
  // 0, 3, 6 or 9 fractional digits, as protobuf prints them.
  if (nanos != 0) {
    std::string frac = absl::StrFormat("%09d", nanos);
    if (nanos % 1000000 == 0) {
      frac.resize(3);
    } else if (nanos % 1000 == 0) {
      frac.resize(6);
    }
    absl::StrAppend(&text, ".", frac);
  }
  out->push_back('"');
  out->append(text);
  out->append("Z\"");
}

void AppendDuration(const Message& m, std::string* out) {
  const Reflection* r = m.GetReflection();
  const Descriptor* d = m.GetDescriptor();
  const int64_t seconds = r->GetInt64(m, d->FindFieldByNumber(1));
  const int32_t nanos = r->GetInt32(m, d->FindFieldByNumber(2));
  std::string text = (seconds < 0 || nanos < 0) ? "-" : "";
  absl::StrAppend(&text, std::llabs(seconds));
  if (nanos != 0) {
    std::string frac = absl::StrFormat("%09d", std::abs(nanos));
    if (nanos % 1000000 == 0) {
      frac.resize(3);
    } else if (nanos % 1000 == 0) {
      frac.resize(6);
    }
    absl::StrAppend(&text, ".", frac);
  }
  absl::StrAppend(out, "\"", text, "s\"");
}

void AppendFieldMask(const Message& m, std::string* out) {
  const Reflection* r = m.GetReflection();
  const FieldDescriptor* paths = m.GetDescriptor()->FindFieldByNumber(1);
  std::string joined;
  for (int i = 0; i < r->FieldSize(m, paths); ++i) {
    if (i) joined.push_back(',');
    // Each path in lowerCamelCase.
    bool upper = false;
    for (char c : r->GetRepeatedString(m, paths, i)) {
      if (c == '_') {
        upper = true;
        continue;
      }
      joined.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
      upper = false;
    }
  }
  AppendString(joined, out);
}

void AppendScalar(const Message& m, const FieldDescriptor* f, int index, std::string* out) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out, rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out, rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(out, "\"", rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f), "\"");
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out, "\"", rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f), "\"");
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendFloating(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f), out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      AppendFloating(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f), out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false");
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      const auto* value = f->enum_type()->FindValueByNumber(number);
      if (f->enum_type()->full_name() == "google.protobuf.NullValue") {
        out->append("null");
      } else if (value != nullptr) {
        out->push_back('"');
        out->append(value->name());
        out->push_back('"');
      } else {
        absl::StrAppend(out, number);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = rep ? r->GetRepeatedStringReference(m, f, index, &scratch)
                                 : r->GetStringReference(m, f, &scratch);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        out->push_back('"');
        out->append(absl::Base64Escape(s));
        out->push_back('"');
      } else {
        AppendString(s, out);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      PrintMessage(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), out);
      break;
  }
}

// A map entry's key as a JSON object key.
void AppendMapKey(const Message& entry, std::string* out) {
  const FieldDescriptor* key = entry.GetDescriptor()->map_key();
  if (key->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    AppendString(entry.GetReflection()->GetString(entry, key), out);
    return;
  }
  std::string text;
  AppendScalar(entry, key, -1, &text);
  if (text.front() != '"') text = absl::StrCat("\"", text, "\"");
  out->append(text);
}

void PrintStructValue(const Message& m, std::string* out);

void PrintMessage(const Message& m, std::string* out) {
  const Descriptor* d = m.GetDescriptor();
  const std::string& name = d->full_name();
  if (name == "google.protobuf.Value" || name == "google.protobuf.Struct" ||
      name == "google.protobuf.ListValue") {
    PrintStructValue(m, out);
    return;
  }
  if (name.rfind("google.protobuf.", 0) == 0 && d->field_count() == 1 &&
      name.size() > 5 && name.compare(name.size() - 5, 5, "Value") == 0) {
    AppendScalar(m, d->field(0), -1, out);  // a wrapper prints as its value
    return;
  }
  if (name == "google.protobuf.Timestamp") return AppendTimestamp(m, out);
  if (name == "google.protobuf.Duration") return AppendDuration(m, out);
  if (name == "google.protobuf.FieldMask") return AppendFieldMask(m, out);
  if (name == "google.protobuf.Any") throw NeedsResolver();

  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);  // set fields, in field-number order
  out->push_back('{');
  bool first = true;
  for (const FieldDescriptor* f : fields) {
    if (!first) out->push_back(',');
    first = false;
    out->push_back('"');
    out->append(f->json_name());
    out->append("\":");
    if (f->is_map()) {
      out->push_back('{');
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        if (i) out->push_back(',');
        const Message& entry = r->GetRepeatedMessage(m, f, i);
        AppendMapKey(entry, out);
        out->push_back(':');
        AppendScalar(entry, entry.GetDescriptor()->map_value(), -1, out);
      }
      out->push_back('}');
    } else if (f->is_repeated()) {
      out->push_back('[');
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        if (i) out->push_back(',');
        AppendScalar(m, f, i, out);
      }
      out->push_back(']');
    } else {
      AppendScalar(m, f, -1, out);
    }
  }
  out->push_back('}');
}

void PrintStructValue(const Message& m, std::string* out) {
  // Struct, Value and ListValue map onto JSON directly; protobuf's printer
  // handles their corner cases (NaN, nesting) and they are rare in answers.
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(m, &json);
  out->append(json);
}

}  // namespace

void PrintJson(const Message& message, std::string* out) {
  const size_t start = out->size();
  try {
    PrintMessage(message, out);
  } catch (const NeedsResolver&) {
    out->resize(start);
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(message, &json);
    out->append(json);
  }
}

}  // namespace qrcloud::gateway
