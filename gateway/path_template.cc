#include "gateway/path_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace qrcloud::gateway {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ValidIdentifierPath(absl::string_view s) {
  if (s.empty()) return false;
  for (absl::string_view part : absl::StrSplit(s, '.')) {
    if (part.empty() || absl::ascii_isdigit(static_cast<unsigned char>(part[0]))) return false;
    for (char c : part) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> PercentDecode(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;  // a '%' needs two hex digits
    const int hi = HexValue(s[i + 1]);
    const int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": ", why));
  };
  if (text.empty() || text[0] != '/') return bad("must start with '/'");
  PathTemplate t;
  t.text_ = std::string(text);
  absl::string_view rest = text.substr(1);

  // The verb is the ':' suffix after the last '/' and outside braces.
  const size_t last_slash = rest.rfind('/');
  const size_t last_close = rest.rfind('}');
  const size_t colon = rest.rfind(':');
  if (colon != absl::string_view::npos &&
      (last_slash == absl::string_view::npos || colon > last_slash) &&
      (last_close == absl::string_view::npos || colon > last_close)) {
    t.verb_ = std::string(rest.substr(colon + 1));
    if (t.verb_.empty()) return bad("empty verb after ':'");
    rest = rest.substr(0, colon);
  }

  size_t i = 0;
  auto parse_segment = [&](absl::string_view seg) -> absl::Status {
    if (seg == "*") {
      t.segments_.push_back({Kind::kSingle, ""});
    } else if (seg == "**") {
      t.segments_.push_back({Kind::kMulti, ""});
    } else if (seg.empty() || seg.find_first_of("{}*:") != absl::string_view::npos) {
      return bad(absl::StrCat("bad segment \"", seg, "\""));
    } else {
      t.segments_.push_back({Kind::kLiteral, std::string(seg)});
    }
    return absl::OkStatus();
  };

  while (i < rest.size()) {
    if (rest[i] == '{') {
      const size_t close = rest.find('}', i);
      if (close == absl::string_view::npos) return bad("unclosed '{'");
      absl::string_view inner = rest.substr(i + 1, close - i - 1);
      const size_t eq = inner.find('=');
      Variable v;
      v.field_path = std::string(inner.substr(0, eq));
      if (!ValidIdentifierPath(v.field_path))
        return bad(absl::StrCat("bad variable \"", inner, "\""));
      v.first = t.segments_.size();
      if (eq == absl::string_view::npos) {
        t.segments_.push_back({Kind::kSingle, ""});
      } else {
        for (absl::string_view seg : absl::StrSplit(inner.substr(eq + 1), '/')) {
          if (absl::Status s = parse_segment(seg); !s.ok()) return s;
        }
      }
      v.last = t.segments_.size();
      t.variables_.push_back(std::move(v));
      i = close + 1;
    } else {
      const size_t slash = rest.find('/', i);
      absl::string_view seg =
          rest.substr(i, slash == absl::string_view::npos ? absl::string_view::npos : slash - i);
      if (absl::Status s = parse_segment(seg); !s.ok()) return s;
      i += seg.size();
    }
    if (i < rest.size()) {
      if (rest[i] != '/') return bad("expected '/' between segments");
      ++i;
      if (i == rest.size()) return bad("trailing '/'");
    }
  }
  for (size_t k = 0; k < t.segments_.size(); ++k) {
    if (t.segments_[k].kind == Kind::kMulti && k + 1 != t.segments_.size()) {
      return bad("'**' must be the last segment");
    }
  }
  return t;
}

PathTemplate::SplitPath PathTemplate::Split(absl::string_view path) {
  SplitPath out;
  if (path.empty() || path[0] != '/') return out;
  out.valid = true;
  path.remove_prefix(1);
  out.parts = absl::StrSplit(path, '/');
  out.stripped = out.parts;
  absl::string_view& last = out.stripped.back();
  const size_t colon = last.rfind(':');
  if (colon != absl::string_view::npos) {
    out.verb = last.substr(colon + 1);
    last = last.substr(0, colon);
  }
  return out;
}

std::optional<PathTemplate::Bindings> PathTemplate::Match(absl::string_view path) const {
  return Match(Split(path));
}

std::optional<PathTemplate::Bindings> PathTemplate::Match(const SplitPath& path) const {
  if (!path.valid) return std::nullopt;
  if (!verb_.empty() && path.verb != verb_) return std::nullopt;
  const std::vector<absl::string_view>& parts = verb_.empty() ? path.parts : path.stripped;
  const bool multi = !segments_.empty() && segments_.back().kind == Kind::kMulti;
  if (multi ? parts.size() < segments_.size() : parts.size() != segments_.size())
    return std::nullopt;
  for (size_t k = 0; k < segments_.size(); ++k) {
    if (parts[k].empty()) return std::nullopt;
    if (segments_[k].kind == Kind::kLiteral && parts[k] != segments_[k].literal)
      return std::nullopt;
  }
  Bindings bindings;
  bindings.reserve(variables_.size());
  for (const Variable& v : variables_) {
    const size_t end = (v.last == segments_.size() && multi) ? parts.size() : v.last;
    std::string value;
    for (size_t k = v.first; k < end; ++k) {
      auto d = PercentDecode(parts[k]);
      if (!d) return std::nullopt;
      if (k != v.first) value.push_back('/');
      value += *d;
    }
    bindings.emplace_back(v.field_path, std::move(value));
  }
  return bindings;
}

std::vector<std::string> PathTemplate::VariablePaths() const {
  std::vector<std::string> out;
  for (const auto& v : variables_) out.push_back(v.field_path);
  return out;
}

int PathTemplate::Specificity() const {
  int score = 0;
  for (const auto& s : segments_) {
    if (s.kind == Kind::kLiteral) score += 100;
    if (s.kind == Kind::kMulti) score -= 10;
  }
  if (!verb_.empty()) score += 50;
  return score;
}

std::string PathTemplate::OpenApiPath() const {
  std::string out;
  size_t k = 0;
  while (k < segments_.size()) {
    out += "/";
    const Variable* var = nullptr;
    for (const auto& v : variables_) {
      if (v.first == k) var = &v;
    }
    if (var != nullptr) {
      absl::StrAppend(&out, "{", var->field_path, "}");
      k = std::max(var->last, k + 1);
      continue;
    }
    out += segments_[k].kind == Kind::kLiteral ? segments_[k].literal
                                               : (segments_[k].kind == Kind::kSingle ? "*" : "**");
    ++k;
  }
  if (!verb_.empty()) absl::StrAppend(&out, ":", verb_);
  return out;
}

}  // namespace qrcloud::gateway
