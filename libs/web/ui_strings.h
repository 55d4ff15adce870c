// The pages' UI strings in Chinese and English, and the page language.
//
// A page shows every UI string in both languages, its own language first;
// user content (titles, descriptions, names) is shown as the merchant wrote
// it.
#ifndef QRCLOUD_LIBS_WEB_UI_STRINGS_H_
#define QRCLOUD_LIBS_WEB_UI_STRINGS_H_

#include <optional>
#include <span>
#include <string>

#include "absl/strings/string_view.h"

namespace qrcloud::web {

enum class Lang { kZh, kEn };

// "en" and "en-…" (any case) are English; everything else, "" included, is
// Chinese, the platform's default.
Lang ParseLang(absl::string_view lang);

// The value of <html lang>: "zh-CN" or "en".
absl::string_view HtmlLang(Lang lang);

struct UiString {
  absl::string_view key;
  absl::string_view zh;
  absl::string_view en;
};

// Every UI string, in key order. Lives forever.
std::span<const UiString> UiStrings();

// The string for `key` in `lang`, or nullopt for an unknown key.
std::optional<absl::string_view> UiText(absl::string_view key, Lang lang);

// "<first> / <second>", `lang` first: for attributes and script messages,
// where a second element for the other language is not possible.
// Precondition: `key` is known.
std::string UiBoth(absl::string_view key, Lang lang);

// UiText with "{n}" replaced by `n`. Precondition: `key` is known.
std::string UiFill(absl::string_view key, Lang lang, absl::string_view n);

}  // namespace qrcloud::web

#endif  // QRCLOUD_LIBS_WEB_UI_STRINGS_H_
