// Test-only: a strict, small HTML checker for the pages libs/web renders.
//
// Stricter than HTML5 on purpose, matching how the templates are written:
// every non-void element is closed explicitly and in order, attribute values
// are double-quoted, ids are unique. It is not a general HTML parser; it
// exists so a test notices a broken tag or an attribute that user content
// managed to open.
#ifndef QRCLOUD_LIBS_WEB_TESTING_HTML_CHECK_H_
#define QRCLOUD_LIBS_WEB_TESTING_HTML_CHECK_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace qrcloud::web::testing {

struct HtmlElement {
  std::string name;                                        // lower case
  std::vector<std::pair<std::string, std::string>> attrs;  // values as written (escaped)
  // All text inside the element, tags removed (raw text for script/style).
  std::string text;

  bool Has(absl::string_view attr) const;
  std::optional<std::string> Attr(absl::string_view attr) const;
};

struct HtmlDoc {
  // Empty when the document passed every check.
  std::vector<std::string> errors;
  // Every element in document order.
  std::vector<HtmlElement> elements;

  std::vector<const HtmlElement*> All(absl::string_view name) const;
  const HtmlElement* ById(absl::string_view id) const;
  const HtmlElement* ByTestId(absl::string_view test_id) const;
};

HtmlDoc ParseHtml(absl::string_view html);

}  // namespace qrcloud::web::testing

#endif  // QRCLOUD_LIBS_WEB_TESTING_HTML_CHECK_H_
