#include "libs/text/normalize.h"

#include <catch2/catch.hpp>

namespace qrcloud::text {
namespace {

TEST_CASE("Spelling tricks read as the word they spell") {
  CHECK(NormalizeForMatching("Cocaine") == "cocaine");
  CHECK(NormalizeForMatching("co\u200bcaine") == "cocaine");  // zero-width space
  CHECK(NormalizeForMatching("co\u00adcaine") == "cocaine");  // soft hyphen
  CHECK(NormalizeForMatching("\uff23\uff41\uff53\uff49\uff4e\uff4f") == "casino");  // full width
  CHECK(NormalizeForMatching("c\u043ec\u0430ine") == "cocaine");  // Cyrillic о and а
  CHECK(NormalizeForMatching("\u03bfpium") == "opium");           // Greek ο
  CHECK(NormalizeForMatching("赌\u200b博") == "赌博");
  CHECK(NormalizeForMatching("賭博") == "赌博");  // traditional
  CHECK(NormalizeForMatching("六合彩 ＯＫ") == "六合彩 ok");
}

TEST_CASE("Ordinary text keeps its letters") {
  CHECK(NormalizeForMatching("burn the bum") == "burn the bum");  // Latin is not folded
  CHECK(NormalizeForMatching("老王火锅 Lao Wang") == "老王火锅 lao wang");
  CHECK(NormalizeForMatching("Москва") != "");  // other scripts still read
  CHECK(NormalizeForMatching("a\xff"
                             "b") == "a\ufffdb");  // broken bytes replaced
}

}  // namespace
}  // namespace qrcloud::text
