#include "libs/core/fast_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/strings/numbers.h"

namespace qrcloud::core {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kMaxDepth = 32;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF),
// which protobuf's parser requires of every string.
bool ValidUtf8(absl::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The field `key` names, by its JSON name or its proto name (protobuf's
// parser takes both). A key that is one field's JSON name and another's
// proto name is left to protobuf (null and `ambiguous`).
const FieldDescriptor* FieldNamed(const Descriptor* d, const std::string& key, bool& ambiguous) {
  const FieldDescriptor* by_json = nullptr;
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->json_name() == key) {
      by_json = d->field(i);
      break;
    }
  }
  const FieldDescriptor* by_name = d->FindFieldByName(key);
  ambiguous = by_json != nullptr && by_name != nullptr && by_json != by_name;
  if (ambiguous) return nullptr;
  return by_json != nullptr ? by_json : by_name;
}

class Parser {
 public:
  Parser(absl::string_view json, bool ignore_unknown)
      : p_(json.data()), end_(json.data() + json.size()), ignore_unknown_(ignore_unknown) {}

  bool Document(Message* message) {
    Ws();
    if (!Object(message, 0)) return false;
    Ws();
    return p_ == end_;
  }

 private:
  void Ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool Eat(char c) {
    Ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool Peek(char c) {
    Ws();
    return p_ < end_ && *p_ == c;
  }
  bool Literal(absl::string_view word) {
    Ws();
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        absl::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  int Hex4() {
    if (end_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = p_[i];
      v <<= 4;
      if (IsDigit(c)) {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        return -1;
      }
    }
    p_ += 4;
    return v;
  }

  // A JSON string, unescaped, valid UTF-8.
  bool String(std::string& out) {
    Ws();
    if (p_ >= end_ || *p_ != '"') return false;
    ++p_;
    out.clear();
    const char* run = p_;
    while (true) {
      if (p_ >= end_) return false;
      const char c = *p_;
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        ++p_;
        continue;
      }
      out.append(run, p_ - run);
      ++p_;
      if (p_ >= end_) return false;
      const char e = *p_++;
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          int cp = Hex4();
          if (cp < 0) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a pair's high half: its low half follows
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            const int low = Hex4();
            if (low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          AppendUtf8(static_cast<uint32_t>(cp), out);
          break;
        }
        default:
          return false;
      }
      run = p_;
    }
    out.append(run, p_ - run);
    ++p_;  // the closing quote
    return ValidUtf8(out);
  }

  // A JSON number's text, as the grammar has it.
  bool NumberToken(absl::string_view& token) {
    Ws();
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_ || !IsDigit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ >= end_ || !IsDigit(*p_)) return false;
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || !IsDigit(*p_)) return false;
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    token = absl::string_view(start, p_ - start);
    return true;
  }

  // A value skipped (an unknown field's), checked as JSON all the same.
  bool Skip(int depth) {
    if (depth > kMaxDepth) return false;
    Ws();
    if (p_ >= end_) return false;
    switch (*p_) {
      case '"': {
        std::string ignored;
        return String(ignored);
      }
      case '{': {
        ++p_;
        if (Eat('}')) return true;
        do {
          std::string key;
          if (!String(key) || !Eat(':') || !Skip(depth + 1)) return false;
        } while (Eat(','));
        return Eat('}');
      }
      case '[': {
        ++p_;
        if (Eat(']')) return true;
        do {
          if (!Skip(depth + 1)) return false;
        } while (Eat(','));
        return Eat(']');
      }
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default: {
        absl::string_view token;
        return NumberToken(token);
      }
    }
  }

  // An integer, as a JSON number or a string holding one, in canonical
  // form only (no fraction, exponent, sign on zero or leading zero).
  bool IntegerText(std::string& text) {
    Ws();
    if (Peek('"')) {
      if (!String(text)) return false;
    } else {
      absl::string_view token;
      if (!NumberToken(token)) return false;
      text = std::string(token);
    }
    absl::string_view digits = text;
    if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
    if (digits.empty() || (digits[0] == '0' && (digits.size() > 1 || text[0] == '-'))) return false;
    for (char c : digits) {
      if (!IsDigit(c)) return false;
    }
    return true;
  }

  // One value of field `f` (a repeated field's element when `repeated`).
  bool Value(Message* m, const FieldDescriptor* f, bool repeated, int depth) {
    const Reflection* r = m->GetReflection();
    Ws();
    if (Peek('n')) return false;  // null: left to protobuf
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const Descriptor* d = f->message_type();
        if (d->full_name() == "google.protobuf.Timestamp") {
          std::string text;
          google::protobuf::Timestamp ts;
          if (!String(text) || !google::protobuf::util::TimeUtil::FromString(text, &ts)) {
            return false;
          }
          Message* target = repeated ? r->AddMessage(m, f) : r->MutableMessage(m, f);
          target->CopyFrom(ts);
          return true;
        }
        if (d->file()->package() == "google.protobuf") return false;
        Message* target = repeated ? r->AddMessage(m, f) : r->MutableMessage(m, f);
        return Object(target, depth + 1);
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        if (f->type() == FieldDescriptor::TYPE_BYTES) return false;
        std::string s;
        if (!String(s)) return false;
        repeated ? r->AddString(m, f, std::move(s)) : r->SetString(m, f, std::move(s));
        return true;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool b;
        if (Literal("true")) {
          b = true;
        } else if (Literal("false")) {
          b = false;
        } else {
          return false;
        }
        repeated ? r->AddBool(m, f, b) : r->SetBool(m, f, b);
        return true;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        std::string name;
        if (!Peek('"') || !String(name)) return false;
        const auto* value = f->enum_type()->FindValueByName(name);
        if (value == nullptr) return false;
        repeated ? r->AddEnumValue(m, f, value->number()) : r->SetEnumValue(m, f, value->number());
        return true;
      }
      case FieldDescriptor::CPPTYPE_INT32: {
        std::string text;
        int32_t v;
        if (!IntegerText(text) || !absl::SimpleAtoi(text, &v)) return false;
        repeated ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        std::string text;
        int64_t v;
        if (!IntegerText(text) || !absl::SimpleAtoi(text, &v)) return false;
        repeated ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        std::string text;
        uint32_t v;
        if (!IntegerText(text) || text[0] == '-' || !absl::SimpleAtoi(text, &v)) return false;
        repeated ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        std::string text;
        uint64_t v;
        if (!IntegerText(text) || text[0] == '-' || !absl::SimpleAtoi(text, &v)) return false;
        repeated ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: {
        absl::string_view token;
        if (Peek('"') || !NumberToken(token)) return false;
        double v;
        // An integer's text is read as an integer first, as protobuf's
        // parser does ("-0" is 0, not -0.0).
        int64_t i = 0;
        uint64_t u = 0;
        if (token.find_first_of(".eE") == absl::string_view::npos &&
            (token[0] == '-' ? absl::SimpleAtoi(token, &i) : absl::SimpleAtoi(token, &u))) {
          v = token[0] == '-' ? static_cast<double>(i) : static_cast<double>(u);
        } else if (!absl::SimpleAtod(token, &v) || !std::isfinite(v)) {
          return false;
        }
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
          repeated ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
          return true;
        }
        if (std::fabs(v) > std::numeric_limits<float>::max()) return false;
        const auto x = static_cast<float>(v);
        repeated ? r->AddFloat(m, f, x) : r->SetFloat(m, f, x);
        return true;
      }
    }
    return false;
  }

  bool Object(Message* m, int depth) {
    if (depth > kMaxDepth || !Eat('{')) return false;
    if (Eat('}')) return true;
    const Descriptor* d = m->GetDescriptor();
    absl::InlinedVector<const FieldDescriptor*, 16> seen;
    std::string key;
    do {
      if (!String(key) || !Eat(':')) return false;
      bool ambiguous = false;
      const FieldDescriptor* f = FieldNamed(d, key, ambiguous);
      if (ambiguous) return false;
      if (f == nullptr) {  // unknown: ignored if asked, else left to protobuf
        if (!ignore_unknown_ || !Skip(depth + 1)) return false;
        continue;
      }
      if (f->is_map()) return false;
      for (const FieldDescriptor* other : seen) {
        // The same field twice, or two of one oneof: left to protobuf.
        if (other == f || (f->containing_oneof() != nullptr &&
                           other->containing_oneof() == f->containing_oneof())) {
          return false;
        }
      }
      seen.push_back(f);
      if (f->is_repeated()) {
        if (!Eat('[')) return false;
        if (Eat(']')) continue;
        do {
          if (!Value(m, f, /*repeated=*/true, depth)) return false;
        } while (Eat(','));
        if (!Eat(']')) return false;
      } else if (!Value(m, f, /*repeated=*/false, depth)) {
        return false;
      }
    } while (Eat(','));
    return Eat('}');
  }

  const char* p_;
  const char* end_;
  bool ignore_unknown_;
};

}  // namespace

bool FastJsonToMessage(absl::string_view json, google::protobuf::Message* message,
                       bool ignore_unknown_fields) {
  return Parser(json, ignore_unknown_fields).Document(message);
}

}  // namespace qrcloud::core
