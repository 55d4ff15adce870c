#include "libs/web/script_json.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qrcloud::web {
namespace {

// The length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t Utf8SequenceLength(absl::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto continuation = [&](size_t i) { return i < s.size() && (byte(i) & 0xC0) == 0x80; };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (b0 == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
    if (b0 == 0xED && byte(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (b0 == 0xF0 && byte(1) < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && byte(1) >= 0x90) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

std::string ScriptJsonString(absl::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  while (!text.empty()) {
    const size_t n = Utf8SequenceLength(text);
    if (n == 0) {
      out += "\\ufffd";
      text.remove_prefix(1);
      continue;
    }
    const absl::string_view ch = text.substr(0, n);
    text.remove_prefix(n);
    if (ch == "\xE2\x80\xA8") {
      out += "\\u2028";
    } else if (ch == "\xE2\x80\xA9") {
      out += "\\u2029";
    } else if (n > 1) {
      out.append(ch.data(), ch.size());
    } else {
      const unsigned char c = static_cast<unsigned char>(ch[0]);
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '<':
        case '>':
        case '&':
          absl::StrAppendFormat(&out, "\\u%04x", c);
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            absl::StrAppendFormat(&out, "\\u%04x", c);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
    }
  }
  out += "\"";
  return out;
}

void ScriptJsonObject::Key(absl::string_view key) {
  if (!members_.empty()) members_ += ",";
  absl::StrAppend(&members_, ScriptJsonString(key), ":");
}

ScriptJsonObject& ScriptJsonObject::AddString(absl::string_view key, absl::string_view value) {
  Key(key);
  members_ += ScriptJsonString(value);
  return *this;
}

ScriptJsonObject& ScriptJsonObject::AddInt(absl::string_view key, int64_t value) {
  Key(key);
  absl::StrAppend(&members_, value);
  return *this;
}

ScriptJsonObject& ScriptJsonObject::AddBool(absl::string_view key, bool value) {
  Key(key);
  members_ += value ? "true" : "false";
  return *this;
}

ScriptJsonObject& ScriptJsonObject::AddObject(absl::string_view key,
                                              const ScriptJsonObject& object) {
  Key(key);
  members_ += object.Json();
  return *this;
}

}  // namespace qrcloud::web
