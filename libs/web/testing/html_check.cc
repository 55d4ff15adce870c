#include "libs/web/testing/html_check.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace qrcloud::web::testing {
namespace {

bool IsVoid(absl::string_view name) {
  static const std::set<std::string, std::less<>> kVoid = {
      "area",  "base", "br",   "col",    "embed", "hr", "img",
      "input", "link", "meta", "source", "track", "wbr"};
  return kVoid.count(name) > 0;
}

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '_';
}

class Parser {
 public:
  explicit Parser(absl::string_view html) : html_(html) {}

  HtmlDoc Run() {
    if (!absl::StartsWithIgnoreCase(html_, "<!doctype html>")) Error("no <!doctype html> first");
    pos_ = html_.find('>') + 1;
    while (pos_ < html_.size()) {
      const size_t lt = html_.find('<', pos_);
      Text(html_.substr(pos_, lt == absl::string_view::npos ? absl::string_view::npos : lt - pos_));
      if (lt == absl::string_view::npos) break;
      pos_ = lt;
      if (absl::StartsWith(html_.substr(pos_), "<!--")) {
        const size_t end = html_.find("-->", pos_);
        if (end == absl::string_view::npos) return Fail("unterminated comment");
        pos_ = end + 3;
      } else if (absl::StartsWith(html_.substr(pos_), "</")) {
        if (!EndTag()) return Done();
      } else if (!StartTag()) {
        return Done();
      }
    }
    for (size_t i : open_) Error(absl::StrCat("<", doc_.elements[i].name, "> never closed"));
    return Done();
  }

 private:
  void Error(absl::string_view what) {
    doc_.errors.push_back(absl::StrCat(what, " (at byte ", pos_, ")"));
  }
  HtmlDoc Fail(absl::string_view what) {
    Error(what);
    return Done();
  }
  HtmlDoc Done() {
    std::set<std::string> ids;
    for (const HtmlElement& e : doc_.elements) {
      if (auto id = e.Attr("id"); id && !ids.insert(*id).second) Error("duplicate id " + *id);
    }
    return std::move(doc_);
  }
  void Text(absl::string_view text) {
    for (size_t i : open_) absl::StrAppend(&doc_.elements[i].text, text);
  }

  std::string Name() {
    const size_t start = pos_;
    while (pos_ < html_.size() && IsNameChar(html_[pos_])) ++pos_;
    return absl::AsciiStrToLower(html_.substr(start, pos_ - start));
  }
  void SkipSpace() {
    while (pos_ < html_.size() && absl::ascii_isspace(static_cast<unsigned char>(html_[pos_]))) {
      ++pos_;
    }
  }

  bool EndTag() {
    pos_ += 2;
    const std::string name = Name();
    SkipSpace();
    if (pos_ >= html_.size() || html_[pos_] != '>') {
      Error("malformed end tag </" + name);
      return false;
    }
    ++pos_;
    if (open_.empty() || doc_.elements[open_.back()].name != name) {
      Error(absl::StrCat("</", name, "> does not close <",
                         open_.empty() ? "" : doc_.elements[open_.back()].name, ">"));
      return false;
    }
    open_.pop_back();
    return true;
  }

  bool StartTag() {
    ++pos_;
    HtmlElement e;
    e.name = Name();
    if (e.name.empty()) {
      Error("a '<' that starts no tag");
      return false;
    }
    std::set<std::string> seen;
    while (true) {
      SkipSpace();
      if (pos_ >= html_.size()) {
        Error("unterminated tag <" + e.name);
        return false;
      }
      if (html_[pos_] == '>') break;
      const std::string attr = Name();
      if (attr.empty()) {
        Error(absl::StrCat("bad character '", html_.substr(pos_, 1), "' in <", e.name, ">"));
        return false;
      }
      if (!seen.insert(attr).second)
        Error(absl::StrCat("duplicate attribute ", attr, " in <", e.name, ">"));
      std::string value;
      if (pos_ < html_.size() && html_[pos_] == '=') {
        if (++pos_ >= html_.size() || html_[pos_] != '"') {
          Error(absl::StrCat("unquoted value of ", attr, " in <", e.name, ">"));
          return false;
        }
        const size_t end = html_.find('"', pos_ + 1);
        if (end == absl::string_view::npos) {
          Error("unterminated attribute value");
          return false;
        }
        value = std::string(html_.substr(pos_ + 1, end - pos_ - 1));
        if (absl::StrContains(value, "<"))
          Error(absl::StrCat("raw '<' in ", attr, " of <", e.name, ">"));
        pos_ = end + 1;
      }
      e.attrs.emplace_back(attr, std::move(value));
    }
    ++pos_;
    doc_.elements.push_back(std::move(e));
    const size_t index = doc_.elements.size() - 1;
    const std::string& name = doc_.elements[index].name;
    if (name == "script" || name == "style") {
      const std::string close = "</" + name;
      size_t end = pos_;
      while ((end = html_.find("</", end)) != absl::string_view::npos &&
             !absl::StartsWithIgnoreCase(html_.substr(end), close)) {
        end += 2;
      }
      if (end == absl::string_view::npos) {
        Error("unterminated <" + name + ">");
        return false;
      }
      doc_.elements[index].text = std::string(html_.substr(pos_, end - pos_));
      Text(doc_.elements[index].text);
      pos_ = end;
      open_.push_back(index);
      return EndTag();
    }
    if (!IsVoid(name)) open_.push_back(index);
    return true;
  }

  absl::string_view html_;
  size_t pos_ = 0;
  HtmlDoc doc_;
  std::vector<size_t> open_;
};

}  // namespace

bool HtmlElement::Has(absl::string_view attr) const { return Attr(attr).has_value(); }

std::optional<std::string> HtmlElement::Attr(absl::string_view attr) const {
  for (const auto& [name, value] : attrs) {
    if (name == attr) return value;
  }
  return std::nullopt;
}

std::vector<const HtmlElement*> HtmlDoc::All(absl::string_view name) const {
  std::vector<const HtmlElement*> out;
  for (const HtmlElement& e : elements) {
    if (e.name == name) out.push_back(&e);
  }
  return out;
}

const HtmlElement* HtmlDoc::ById(absl::string_view id) const {
  for (const HtmlElement& e : elements) {
    if (e.Attr("id") == id) return &e;
  }
  return nullptr;
}

const HtmlElement* HtmlDoc::ByTestId(absl::string_view test_id) const {
  for (const HtmlElement& e : elements) {
    if (e.Attr("data-testid") == test_id) return &e;
  }
  return nullptr;
}

HtmlDoc ParseHtml(absl::string_view html) { return Parser(html).Run(); }

}  // namespace qrcloud::web::testing
