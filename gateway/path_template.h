// google.api.http path templates: parsing and matching.
//
//   Template = "/" Segments [ Verb ] ;
//   Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;
//   Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   Verb     = ":" LITERAL ;
//
// A variable without "=" matches one segment; "**" matches the rest of the
// path (one or more segments) and may only come last.
#ifndef QRCLOUD_GATEWAY_PATH_TEMPLATE_H_
#define QRCLOUD_GATEWAY_PATH_TEMPLATE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::gateway {

class PathTemplate {
 public:
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // A variable's field path and its (percent-decoded) value.
  using Bindings = std::vector<std::pair<std::string, std::string>>;

  // Bindings if `path` (percent-encoded, without the query) matches.
  std::optional<Bindings> Match(absl::string_view path) const;

  // The request path split once for matching against many templates.
  struct SplitPath {
    std::vector<absl::string_view> parts;     // segments, last one whole
    std::vector<absl::string_view> stripped;  // segments, last one without ":verb"
    absl::string_view verb;                   // after the last ':' of the last segment
    bool valid = false;                       // false for a path not starting with '/'
  };
  static SplitPath Split(absl::string_view path);
  std::optional<Bindings> Match(const SplitPath& path) const;

  const std::string& text() const { return text_; }
  const std::string& verb() const { return verb_; }
  // Field paths of the variables, in order.
  std::vector<std::string> VariablePaths() const;
  // Orders templates so the most specific is tried first: more literal
  // segments first, then fewer wildcards.
  int Specificity() const;
  // The template with each variable as {name}, for OpenAPI.
  std::string OpenApiPath() const;

 private:
  enum class Kind { kLiteral, kSingle, kMulti };
  struct Segment {
    Kind kind;
    std::string literal;
  };
  struct Variable {
    std::string field_path;
    size_t first;  // index of its first segment
    size_t last;   // one past its last segment (kMulti: to the end)
  };

  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

// Decodes %XX escapes; nullopt for a malformed escape. '+' stays '+' (it
// only means space in query strings).
std::optional<std::string> PercentDecode(absl::string_view s);

}  // namespace qrcloud::gateway

#endif  // QRCLOUD_GATEWAY_PATH_TEMPLATE_H_
