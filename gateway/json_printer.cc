#include "gateway/json_printer.h"

#include <google/protobuf/reflection.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <memory>
#include <system_error>
#include <type_traits>
#include <vector>

#include "absl/base/casts.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/validate.h"

namespace qrcloud::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// True for the bytes a JSON string holds as they are.
constexpr bool Plain(unsigned char c) {
  return c >= 0x20 && c != 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != 0xe2;
}

void AppendString(absl::string_view s, std::string* out) {
  // A service may put bytes that are not UTF-8 in a string field (protobuf
  // only logs it); JSON must stay UTF-8. Found by the transcoder fuzzer.
  if (!core::IsValidUtf8(s)) {
    AppendString(core::ToValidUtf8(s), out);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    // Copy the run of bytes that need no escaping in one go.
    size_t run = i;
    while (run < s.size() && Plain(static_cast<unsigned char>(s[run]))) ++run;
    out->append(s.data() + i, run - i);
    if (run == s.size()) break;
    i = run;
    const unsigned char c = s[i];
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      // As protobuf does: '<' and '>' escaped, so JSON can sit inside HTML.
      case '<':
        out->append("\\u003c");
        break;
      case '>':
        out->append("\\u003e");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
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
    ++i;
  }
  out->push_back('"');
}

// As protobuf prints them: the value at FLT_DIG (DBL_DIG) significant
// digits when that reads back as the same value, else at 9 (17).
template <typename T>
void AppendFloating(T v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    constexpr bool kFloat = std::is_same_v<T, float>;
    char buf[64];
    auto printed =
        std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general, kFloat ? 6 : 15);
    T back{};
    const auto read = std::from_chars(buf, printed.ptr, back);
    if (read.ec != std::errc() || back != v) {
      printed =
          std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general, kFloat ? 9 : 17);
    }
    out->append(buf, printed.ptr);
  }
}

// Thrown on meeting a google.protobuf.Any, which needs a type resolver.
struct NeedsResolver {};

void PrintMessage(const Message& m, std::string* out);

// Appends `v` as exactly `width` decimal digits.
void AppendDigits(int64_t v, int width, std::string* out) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out->append(buf, width);
}

// 0, 3, 6 or 9 fractional digits, as protobuf prints them.
void AppendNanos(int32_t nanos, std::string* out) {
  if (nanos == 0) return;
  out->push_back('.');
  if (nanos % 1000000 == 0) {
    AppendDigits(nanos / 1000000, 3, out);
  } else if (nanos % 1000 == 0) {
    AppendDigits(nanos / 1000, 6, out);
  } else {
    AppendDigits(nanos, 9, out);
  }
}

// RFC 3339 in UTC. The civil date comes from the day count by the
// days-to-civil algorithm of H. Hinnant (proleptic Gregorian calendar),
// which is what absl::FormatTime gives, without a time-zone lookup.
void AppendTimestamp(int64_t seconds, int32_t nanos, std::string* out) {
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  out->push_back('"');
  if (year < 0 || year > 9999) {
    absl::StrAppend(out, year);  // outside what a Timestamp may hold; printed all the same
  } else {
    AppendDigits(year, 4, out);
  }
  out->push_back('-');
  AppendDigits(month, 2, out);
  out->push_back('-');
  AppendDigits(day, 2, out);
  out->push_back('T');
  AppendDigits(rest / 3600, 2, out);
  out->push_back(':');
  AppendDigits(rest / 60 % 60, 2, out);
  out->push_back(':');
  AppendDigits(rest % 60, 2, out);
  AppendNanos(nanos, out);
  out->append("Z\"");
}

void AppendDuration(int64_t seconds, int32_t nanos, std::string* out) {
  out->push_back('"');
  if (seconds < 0 || nanos < 0) out->push_back('-');
  absl::StrAppend(out, std::llabs(seconds));
  AppendNanos(std::abs(nanos), out);
  out->append("s\"");
}

// An enum value by name; a number the enum does not name as the number;
// google.protobuf.NullValue as null.
void AppendEnum(const google::protobuf::EnumDescriptor* type, int number, std::string* out) {
  if (type->full_name() == "google.protobuf.NullValue") {
    out->append("null");
  } else if (const auto* value = type->FindValueByNumber(number)) {
    out->push_back('"');
    out->append(value->name());
    out->push_back('"');
  } else {
    absl::StrAppend(out, number);
  }
}

// A FieldMask: its paths joined by commas, each in lowerCamelCase.
template <typename Paths>
void AppendFieldMask(const Paths& paths, std::string* out) {
  std::string joined;
  bool first = true;
  for (const auto& path : paths) {
    if (!first) joined.push_back(',');
    first = false;
    bool upper = false;
    for (char c : path) {
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
      absl::StrAppend(out, "\"", rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f),
                      "\"");
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
    case FieldDescriptor::CPPTYPE_ENUM:
      AppendEnum(f->enum_type(), rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f),
                 out);
      break;
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

// How a message type prints, worked out once per type.
struct Plan {
  enum Kind { kObject, kStruct, kWrapper, kTimestamp, kDuration, kFieldMask, kAny } kind = kObject;
  // For kObject: the fields in field-number order (the order protobuf's
  // printer uses), each with its JSON key already quoted: "name":
  std::vector<std::pair<const FieldDescriptor*, std::string>> fields;
  // For the wire printer: a field's place in `fields` by its number.
  std::vector<int> index_by_number;  // numbers up to kDenseNumbers
  absl::flat_hash_map<int, int> index_by_large_number;
  static constexpr int kDenseNumbers = 512;

  const std::pair<const FieldDescriptor*, std::string>* Find(uint64_t number) const {
    if (number < index_by_number.size()) {
      const int i = index_by_number[number];
      return i < 0 ? nullptr : &fields[i];
    }
    auto it = index_by_large_number.find(static_cast<int>(std::min<uint64_t>(number, INT32_MAX)));
    return it == index_by_large_number.end() ? nullptr : &fields[it->second];
  }
};

Plan MakePlan(const Descriptor* d) {
  Plan plan;
  const std::string& name = d->full_name();
  if (name == "google.protobuf.Value" || name == "google.protobuf.Struct" ||
      name == "google.protobuf.ListValue") {
    plan.kind = Plan::kStruct;
  } else if (absl::StartsWith(name, "google.protobuf.") && d->field_count() == 1 &&
             absl::EndsWith(name, "Value")) {
    plan.kind = Plan::kWrapper;  // a wrapper prints as its value
  } else if (name == "google.protobuf.Timestamp") {
    plan.kind = Plan::kTimestamp;
  } else if (name == "google.protobuf.Duration") {
    plan.kind = Plan::kDuration;
  } else if (name == "google.protobuf.FieldMask") {
    plan.kind = Plan::kFieldMask;
  } else if (name == "google.protobuf.Any") {
    plan.kind = Plan::kAny;
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    plan.fields.emplace_back(f, absl::StrCat("\"", f->json_name(), "\":"));
  }
  std::sort(plan.fields.begin(), plan.fields.end(),
            [](const auto& a, const auto& b) { return a.first->number() < b.first->number(); });
  for (size_t i = 0; i < plan.fields.size(); ++i) {
    const int number = plan.fields[i].first->number();
    if (number < Plan::kDenseNumbers) {
      if (plan.index_by_number.size() <= static_cast<size_t>(number))
        plan.index_by_number.resize(number + 1, -1);
      plan.index_by_number[number] = static_cast<int>(i);
    } else {
      plan.index_by_large_number[number] = static_cast<int>(i);
    }
  }
  return plan;
}

// Plans are kept per thread, so finding one takes no lock. Descriptors of
// the generated pool live as long as the process. A node map: a plan stays
// put while printing a nested message adds another.
const Plan& PlanFor(const Descriptor* d) {
  thread_local absl::node_hash_map<const Descriptor*, Plan> plans;
  auto it = plans.find(d);
  if (it == plans.end()) it = plans.emplace(d, MakePlan(d)).first;
  return it->second;
}

void PrintMessage(const Message& m, std::string* out) {
  const Plan& plan = PlanFor(m.GetDescriptor());
  switch (plan.kind) {
    case Plan::kStruct:
      return PrintStructValue(m, out);
    case Plan::kWrapper:
      return AppendScalar(m, plan.fields[0].first, -1, out);
    case Plan::kTimestamp:
    case Plan::kDuration: {
      const Reflection* r = m.GetReflection();
      const int64_t seconds = r->GetInt64(m, plan.fields[0].first);
      const int32_t nanos = r->GetInt32(m, plan.fields[1].first);
      return plan.kind == Plan::kTimestamp ? AppendTimestamp(seconds, nanos, out)
                                           : AppendDuration(seconds, nanos, out);
    }
    case Plan::kFieldMask:
      return AppendFieldMask(
          m.GetReflection()->GetRepeatedFieldRef<std::string>(m, plan.fields[0].first), out);
    case Plan::kAny:
      throw NeedsResolver();
    case Plan::kObject:
      break;
  }
  const Reflection* r = m.GetReflection();
  out->push_back('{');
  bool first = true;
  // Set fields only, as Reflection::ListFields would list them: repeated
  // ones when not empty, the rest when present (proto3: when not default).
  for (const auto& [f, key] : plan.fields) {
    int size = 0;
    if (f->is_repeated()) {
      size = r->FieldSize(m, f);
      if (size == 0) continue;
    } else if (!r->HasField(m, f)) {
      continue;
    }
    if (!first) out->push_back(',');
    first = false;
    out->append(key);
    if (f->is_map()) {
      out->push_back('{');
      for (int i = 0; i < size; ++i) {
        if (i) out->push_back(',');
        const Message& entry = r->GetRepeatedMessage(m, f, i);
        AppendMapKey(entry, out);
        out->push_back(':');
        AppendScalar(entry, entry.GetDescriptor()->map_value(), -1, out);
      }
      out->push_back('}');
    } else if (f->is_repeated()) {
      out->push_back('[');
      for (int i = 0; i < size; ++i) {
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

// ------------------------------------------------------------- wire printer
//
// Prints straight from the wire format, with no message built in between.
// It covers what a protobuf serializer writes: fields in number order, each
// singular field once. Anything else (a field out of order or repeated, two
// members of one oneof, a duplicate map key, a group, Any or Struct values,
// malformed bytes) makes it give up, and the caller parses the bytes and
// prints the message instead, which gives the same JSON.

class WireReader {
 public:
  explicit WireReader(absl::string_view bytes)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool done() const { return p_ == end_; }

  bool Varint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64 && p_ != end_; shift += 7) {
      const auto b = static_cast<uint8_t>(*p_++);
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) {
        *v = result;
        return true;
      }
    }
    return false;
  }
  bool Fixed(int bytes, uint64_t* v) {
    if (end_ - p_ < bytes) return false;
    uint64_t result = 0;
    for (int i = bytes - 1; i >= 0; --i) result = (result << 8) | static_cast<uint8_t>(p_[i]);
    p_ += bytes;
    *v = result;
    return true;
  }
  bool Delimited(absl::string_view* v) {
    uint64_t n = 0;
    if (!Varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    *v = absl::string_view(p_, n);
    p_ += n;
    return true;
  }
  // A field's tag: false at the end of the bytes or for a tag protobuf
  // refuses (field number 0 or above 2^29-1, wire type 6 or 7).
  bool Tag(uint64_t* number, int* wire_type) {
    uint64_t tag = 0;
    if (!Varint(&tag)) return false;
    *number = tag >> 3;
    *wire_type = static_cast<int>(tag & 7);
    return *number >= 1 && *number <= 536870911 && *wire_type <= 5;
  }
  // Skips one value of an unknown field.
  bool Skip(int wire_type) {
    uint64_t ignored = 0;
    absl::string_view bytes;
    switch (wire_type) {
      case 0:
        return Varint(&ignored);
      case 1:
        return Fixed(8, &ignored);
      case 2:
        return Delimited(&bytes);
      case 5:
        return Fixed(4, &ignored);
      default:
        return false;  // groups
    }
  }

 private:
  const char* p_;
  const char* end_;
};

// One scalar as read off the wire: the bits of a number, or the bytes of a
// string, bytes or message field.
struct WireValue {
  uint64_t bits = 0;
  absl::string_view bytes;
};

// The wire type a field's values are written with; -1 for groups.
int WireTypeOf(const FieldDescriptor* f) {
  switch (f->type()) {
    case FieldDescriptor::TYPE_DOUBLE:
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
      return 1;
    case FieldDescriptor::TYPE_FLOAT:
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
      return 5;
    case FieldDescriptor::TYPE_STRING:
    case FieldDescriptor::TYPE_BYTES:
    case FieldDescriptor::TYPE_MESSAGE:
      return 2;
    case FieldDescriptor::TYPE_GROUP:
      return -1;
    default:
      return 0;
  }
}

bool ReadValue(WireReader& in, int wire_type, WireValue* v) {
  switch (wire_type) {
    case 0:
      return in.Varint(&v->bits);
    case 1:
      return in.Fixed(8, &v->bits);
    case 5:
      return in.Fixed(4, &v->bits);
    case 2:
      return in.Delimited(&v->bytes);
    default:
      return false;
  }
}

bool IsDefault(const FieldDescriptor* f, const WireValue& v) {
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) return false;
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) return v.bytes.empty();
  switch (f->type()) {  // the bits a default value is written as
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_ENUM:
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
    case FieldDescriptor::TYPE_FLOAT:
      return static_cast<uint32_t>(v.bits) == 0;
    default:
      return v.bits == 0;
  }
}

bool PrintWireMessage(const Descriptor* d, absl::string_view bytes, int depth, std::string* out);

bool AppendWireValue(const FieldDescriptor* f, const WireValue& v, int depth, std::string* out) {
  switch (f->type()) {
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SFIXED32:
      absl::StrAppend(out, static_cast<int32_t>(v.bits));
      break;
    case FieldDescriptor::TYPE_SINT32: {
      const auto u = static_cast<uint32_t>(v.bits);
      absl::StrAppend(out, static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1)));
      break;
    }
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32:
      absl::StrAppend(out, static_cast<uint32_t>(v.bits));
      break;
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SFIXED64:
      absl::StrAppend(out, "\"", static_cast<int64_t>(v.bits), "\"");
      break;
    case FieldDescriptor::TYPE_SINT64:
      absl::StrAppend(out, "\"", static_cast<int64_t>((v.bits >> 1) ^ (~(v.bits & 1) + 1)), "\"");
      break;
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64:
      absl::StrAppend(out, "\"", v.bits, "\"");
      break;
    case FieldDescriptor::TYPE_BOOL:
      out->append(v.bits != 0 ? "true" : "false");
      break;
    case FieldDescriptor::TYPE_DOUBLE:
      AppendFloating(absl::bit_cast<double>(v.bits), out);
      break;
    case FieldDescriptor::TYPE_FLOAT:
      AppendFloating(absl::bit_cast<float>(static_cast<uint32_t>(v.bits)), out);
      break;
    case FieldDescriptor::TYPE_ENUM:
      AppendEnum(f->enum_type(), static_cast<int32_t>(v.bits), out);
      break;
    case FieldDescriptor::TYPE_STRING:
      if (!core::IsValidUtf8(v.bytes)) return false;  // the parse that follows refuses it
      AppendString(v.bytes, out);
      break;
    case FieldDescriptor::TYPE_BYTES:
      out->push_back('"');
      out->append(absl::Base64Escape(v.bytes));
      out->push_back('"');
      break;
    case FieldDescriptor::TYPE_MESSAGE:
      return PrintWireMessage(f->message_type(), v.bytes, depth + 1, out);
    case FieldDescriptor::TYPE_GROUP:
      return false;
  }
  return true;
}

// Reads fields 1 and 2 of a small message (Timestamp, Duration, map entry,
// wrapper), the last value of each winning as in a parse. False on
// malformed bytes or a value of the wrong wire type.
bool ReadPair(absl::string_view bytes, int type1, int type2, WireValue* first, WireValue* second,
              bool* has1, bool* has2) {
  WireReader in(bytes);
  while (!in.done()) {
    uint64_t number = 0;
    int wire_type = 0;
    if (!in.Tag(&number, &wire_type)) return false;
    if (number == 1 && wire_type == type1) {
      if (!ReadValue(in, wire_type, first)) return false;
      *has1 = true;
    } else if (number == 2 && wire_type == type2) {
      if (!ReadValue(in, wire_type, second)) return false;
      *has2 = true;
    } else if (number == 1 || number == 2 || !in.Skip(wire_type)) {
      return false;
    }
  }
  return true;
}

bool PrintWireObject(const Plan& plan, absl::string_view bytes, int depth, std::string* out) {
  WireReader in(bytes);
  out->push_back('{');
  uint64_t last_number = 0;
  const FieldDescriptor* open = nullptr;  // the repeated field whose array is open
  uint64_t oneofs_seen = 0;
  std::unique_ptr<absl::flat_hash_set<std::string>> map_keys;
  bool first = true;
  auto close_open = [&] {
    if (open != nullptr) out->push_back(open->is_map() ? '}' : ']');
    open = nullptr;
  };
  while (!in.done()) {
    uint64_t number = 0;
    int wire_type = 0;
    if (!in.Tag(&number, &wire_type)) return false;
    const auto* entry = plan.Find(number);
    if (entry == nullptr) {  // unknown fields do not print
      if (!in.Skip(wire_type)) return false;
      continue;
    }
    const FieldDescriptor* f = entry->first;
    if (number < last_number || (number == last_number && !f->is_repeated())) return false;
    last_number = number;
    const int field_wire_type = WireTypeOf(f);
    if (field_wire_type < 0) return false;

    if (!f->is_repeated()) {
      WireValue v;
      if (wire_type != field_wire_type || !ReadValue(in, wire_type, &v)) return false;
      if (!f->has_presence() && IsDefault(f, v)) continue;  // proto3: a default does not print
      if (const auto* oneof = f->real_containing_oneof()) {
        if (oneof->index() >= 64) return false;
        const uint64_t bit = uint64_t{1} << oneof->index();
        if (oneofs_seen & bit) return false;  // the last member set would win
        oneofs_seen |= bit;
      }
      close_open();
      if (!first) out->push_back(',');
      first = false;
      out->append(entry->second);
      if (!AppendWireValue(f, v, depth, out)) return false;
      continue;
    }

    if (open != f) {
      close_open();
      if (!first) out->push_back(',');
      first = false;
      out->append(entry->second);
      out->push_back(f->is_map() ? '{' : '[');
      open = f;
    } else {
      out->push_back(',');
    }
    if (f->is_map()) {
      const FieldDescriptor* key = f->message_type()->map_key();
      const FieldDescriptor* value = f->message_type()->map_value();
      WireValue entry_bytes, k, v;
      bool has_key = false, has_value = false;
      if (wire_type != 2 || !in.Delimited(&entry_bytes.bytes) ||
          !ReadPair(entry_bytes.bytes, WireTypeOf(key), WireTypeOf(value), &k, &v, &has_key,
                    &has_value)) {
        return false;
      }
      std::string key_text;
      if (!AppendWireValue(key, k, depth, &key_text)) return false;
      if (key_text.front() != '"') key_text = absl::StrCat("\"", key_text, "\"");
      if (!map_keys) map_keys = std::make_unique<absl::flat_hash_set<std::string>>();
      if (!map_keys->insert(absl::StrCat(number, ":", key_text)).second)
        return false;  // the last would win
      out->append(key_text);
      out->push_back(':');
      if (!AppendWireValue(value, v, depth, out)) return false;
    } else if (wire_type == 2 && field_wire_type != 2) {  // packed
      absl::string_view packed;
      if (!in.Delimited(&packed)) return false;
      WireReader elements(packed);
      bool first_element = true;
      while (!elements.done()) {
        WireValue v;
        if (!ReadValue(elements, field_wire_type, &v)) return false;
        if (!first_element) out->push_back(',');
        first_element = false;
        if (!AppendWireValue(f, v, depth, out)) return false;
      }
      if (first_element && out->back() == ',') out->pop_back();  // an empty packed run
    } else {
      WireValue v;
      if (wire_type != field_wire_type || !ReadValue(in, wire_type, &v)) return false;
      if (!AppendWireValue(f, v, depth, out)) return false;
    }
  }
  close_open();
  out->push_back('}');
  return true;
}

bool PrintWireMessage(const Descriptor* d, absl::string_view bytes, int depth, std::string* out) {
  if (depth > 64) return false;
  const Plan& plan = PlanFor(d);
  switch (plan.kind) {
    case Plan::kObject:
      return PrintWireObject(plan, bytes, depth, out);
    case Plan::kStruct:
    case Plan::kAny:
      return false;
    case Plan::kTimestamp:
    case Plan::kDuration: {
      WireValue seconds, nanos;
      bool has_seconds = false, has_nanos = false;
      if (!ReadPair(bytes, 0, 0, &seconds, &nanos, &has_seconds, &has_nanos)) return false;
      const auto s = static_cast<int64_t>(seconds.bits);
      const auto n = static_cast<int32_t>(nanos.bits);
      if (plan.kind == Plan::kTimestamp) {
        AppendTimestamp(s, n, out);
      } else {
        AppendDuration(s, n, out);
      }
      return true;
    }
    case Plan::kWrapper: {
      const FieldDescriptor* f = plan.fields[0].first;
      WireValue value, unused;
      bool has_value = false, has_unused = false;
      if (!ReadPair(bytes, WireTypeOf(f), -1, &value, &unused, &has_value, &has_unused))
        return false;
      return AppendWireValue(f, value, depth, out);  // absent: the default
    }
    case Plan::kFieldMask: {
      std::vector<absl::string_view> paths;
      WireReader in(bytes);
      while (!in.done()) {
        uint64_t number = 0;
        int wire_type = 0;
        absl::string_view path;
        if (!in.Tag(&number, &wire_type)) return false;
        if (number == 1 && wire_type == 2) {
          if (!in.Delimited(&path) || !core::IsValidUtf8(path)) return false;
          paths.push_back(path);
        } else if (number == 1 || !in.Skip(wire_type)) {
          return false;
        }
      }
      AppendFieldMask(paths, out);
      return true;
    }
  }
  return false;
}

}  // namespace

bool PrintJsonFromWire(const Descriptor* type, absl::string_view bytes, std::string* out) {
  const size_t start = out->size();
  if (PrintWireMessage(type, bytes, 0, out)) return true;
  out->resize(start);
  return false;
}

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
