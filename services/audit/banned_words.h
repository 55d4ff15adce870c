// The list of prohibited words the automatic checks look for: data, loaded
// from a UTF-8 file with one word (or phrase) per line.
//
// Text and words are compared as text::NormalizeForMatching reads them: case,
// full-width forms, zero-width and format characters, look-alike letters of
// other scripts and traditional Chinese do not hide a word ("Ｃａｓｉｎｏ",
// "co\u200bcaine", "cоcaine" with a Cyrillic о and "賭博" are all found). A word that begins or
// ends with a Latin letter or digit matches only as a whole word there, so "heroin" does not match
// "heroine"; Chinese has no spaces between words, so Chinese words match anywhere.
#ifndef QRCLOUD_SERVICES_AUDIT_BANNED_WORDS_H_
#define QRCLOUD_SERVICES_AUDIT_BANNED_WORDS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qrcloud::audit {

class BannedWords {
 public:
  BannedWords() = default;
  // Blank lines and lines starting with '#' are skipped; surrounding spaces
  // are trimmed.
  static absl::StatusOr<BannedWords> Parse(absl::string_view text);
  // INVALID_ARGUMENT naming the file if it cannot be read or is not UTF-8.
  static absl::StatusOr<BannedWords> Load(const std::string& path);

  // The first listed word found in `text`, as written in the list.
  std::optional<std::string> Find(absl::string_view text) const;

  size_t size() const { return words_.size(); }

 private:
  // (as written, folded)
  std::vector<std::pair<std::string, std::string>> words_;
};

// text::NormalizeForMatching: how both the list and the text are compared.
std::string FoldForMatching(absl::string_view text);

}  // namespace qrcloud::audit

#endif  // QRCLOUD_SERVICES_AUDIT_BANNED_WORDS_H_
