// JSON that is safe to place inside an HTML <script> element.
//
// A page's script reads its data from <script type="application/json">. The
// HTML parser ends that element at the first "</script", and "<!--" changes
// how it is tokenised, so no "<" may appear in the JSON text; ">" and "&" are
// escaped too so the text means the same wherever it is pasted, and U+2028 /
// U+2029 because older JavaScript parsers treat them as line ends inside
// string literals. The result is still plain JSON: JSON.parse reads it back
// unchanged.
#ifndef QRCLOUD_LIBS_WEB_SCRIPT_JSON_H_
#define QRCLOUD_LIBS_WEB_SCRIPT_JSON_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace qrcloud::web {

// `text` as a quoted JSON string: " \ and control characters escaped as JSON
// requires, and < > & U+2028 U+2029 as \u003c \u003e \u0026 \u2028 \u2029.
// Bytes that are not valid UTF-8 become U+FFFD.
std::string ScriptJsonString(absl::string_view text);

// Builds one JSON object, member by member, in insertion order.
class ScriptJsonObject {
 public:
  ScriptJsonObject& AddString(absl::string_view key, absl::string_view value);
  ScriptJsonObject& AddInt(absl::string_view key, int64_t value);
  ScriptJsonObject& AddBool(absl::string_view key, bool value);
  // `object` must be a finished ScriptJsonObject's Json().
  ScriptJsonObject& AddObject(absl::string_view key, const ScriptJsonObject& object);

  std::string Json() const { return "{" + members_ + "}"; }

 private:
  void Key(absl::string_view key);

  std::string members_;
};

}  // namespace qrcloud::web

#endif  // QRCLOUD_LIBS_WEB_SCRIPT_JSON_H_
