#include "services/audit/banned_words.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/core/validate.h"
#include "libs/text/normalize.h"

namespace qrcloud::audit {
namespace {

bool IsWordChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

// True if `word` occurs in `text` with a word boundary wherever the word
// itself begins or ends with a Latin letter or digit.
bool Contains(absl::string_view text, absl::string_view word) {
  const bool bounded_front = IsWordChar(word.front());
  const bool bounded_back = IsWordChar(word.back());
  for (size_t at = text.find(word); at != absl::string_view::npos; at = text.find(word, at + 1)) {
    const size_t end = at + word.size();
    const bool front_ok = !bounded_front || at == 0 || !IsWordChar(text[at - 1]);
    const bool back_ok = !bounded_back || end == text.size() || !IsWordChar(text[end]);
    if (front_ok && back_ok) return true;
  }
  return false;
}

}  // namespace

std::string FoldForMatching(absl::string_view text) { return text::NormalizeForMatching(text); }

absl::StatusOr<BannedWords> BannedWords::Parse(absl::string_view text) {
  BannedWords list;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    absl::string_view word = absl::StripAsciiWhitespace(line);
    if (word.empty() || absl::StartsWith(word, "#")) continue;
    if (!core::IsValidUtf8(word)) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, " is not UTF-8 text"));
    }
    list.words_.emplace_back(std::string(word), FoldForMatching(word));
  }
  return list;
}

absl::StatusOr<BannedWords> BannedWords::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("banned words file ", path, " cannot be read (set --banned_words_file)"));
  }
  std::stringstream text;
  text << in.rdbuf();
  auto list = Parse(text.str());
  if (!list.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("banned words file ", path, ": ", list.status().message()));
  }
  return list;
}

std::optional<std::string> BannedWords::Find(absl::string_view text) const {
  if (words_.empty() || text.empty()) return std::nullopt;
  const std::string folded = FoldForMatching(text);
  for (const auto& [word, folded_word] : words_) {
    if (Contains(folded, folded_word)) return word;
  }
  return std::nullopt;
}

}  // namespace qrcloud::audit
