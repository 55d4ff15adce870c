#include "services/audit/banned_words.h"

#include <catch2/catch.hpp>

namespace qrcloud::audit {
namespace {

BannedWords List(absl::string_view text) {
  auto list = BannedWords::Parse(text);
  REQUIRE(list.ok());
  return *std::move(list);
}

TEST_CASE("Words are read one per line, comments and blank lines are skipped") {
  BannedWords list = List("# comment\n\n  赌博  \ncocaine\r\nfake invoice\n");
  CHECK(list.size() == 3);
  CHECK(list.Find("福州赌博有限公司") == "赌博");
  CHECK(list.Find("no cocaine here") == "cocaine");
  CHECK(list.Find("we issue a Fake Invoice on request") == "fake invoice");
  CHECK_FALSE(list.Find("福州小吃有限公司").has_value());
  CHECK_FALSE(list.Find("").has_value());
}

TEST_CASE("Latin words match in any case and full width, but only as whole words") {
  BannedWords list = List("heroin\ncasino\n");
  CHECK(list.Find("HEROIN for sale") == "heroin");
  CHECK(list.Find("Ｃａｓｉｎｏ night") == "casino");  // full-width letters
  CHECK(list.Find("the casino.") == "casino");
  CHECK(list.Find("好玩casino") == "casino");  // next to Chinese text
  CHECK_FALSE(list.Find("our heroine saves the day").has_value());
  CHECK_FALSE(list.Find("casinos2").has_value());
  CHECK_FALSE(list.Find("xcasino").has_value());
}

TEST_CASE(
    "Spelling tricks do not hide a word: zero-width, soft hyphens, look-alikes, traditional") {
  BannedWords list = List("cocaine\n赌博\n");
  CHECK(list.Find("co\u200bcaine delivered") == "cocaine");
  CHECK(list.Find("co\u00adcaine") == "cocaine");
  CHECK(list.Find("c\u043ec\u0430ine") == "cocaine");  // Cyrillic о and а
  CHECK(list.Find("在线赌\u200b博") == "赌博");
  CHECK(list.Find("澳门賭博") == "赌博");  // traditional characters
  CHECK_FALSE(list.Find("cocoa and caine").has_value());
}

TEST_CASE("The list must be UTF-8, and an unreadable file is named") {
  auto bad = BannedWords::Parse("ok\n\xff\xfe\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("line 2") != std::string::npos);
  auto missing = BannedWords::Load("/nonexistent/banned.txt");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("/nonexistent/banned.txt") != std::string::npos);
}

TEST_CASE("Folding lower-cases ASCII and full-width forms and keeps the rest") {
  CHECK(FoldForMatching("AbC") == "abc");
  CHECK(FoldForMatching("ＡＢＣ！") == "abc!");
  CHECK(FoldForMatching("赌博") == "赌博");
}

}  // namespace
}  // namespace qrcloud::audit
