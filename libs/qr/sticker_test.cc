#include "libs/qr/sticker.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/core/status.h"
#include "libs/qr/decoder.h"
#include "libs/qr/encoder.h"
#include "libs/qr/image_io.h"
#include "libs/qr/testing/external_tools.h"
#include "libs/qr/testing/test_images.h"

namespace qrcloud::qr {
namespace {

constexpr char kUrl[] = "https://qrcloud.example.com/s/table12";

StickerText Text() {
  StickerText text;
  text.caption = "春季特惠 / Spring offer";
  text.merchant_name = "老王火锅 Lao Wang Hotpot";
  return text;
}

TEST_CASE("A PDF sticker carries the caption, merchant and bilingual instruction") {
  Matrix matrix = Encode(kUrl).value();
  testing::TempDir dir;
  testing::WriteFile(dir.File("s.pdf"), RenderSticker(matrix, Text(), Format::kPdf).value());
  std::string text = testing::PdfText(dir.File("s.pdf"));
  CHECK(text.find("春季特惠 / Spring offer") != std::string::npos);
  CHECK(text.find("老王火锅 Lao Wang Hotpot") != std::string::npos);
  CHECK(text.find("扫码查看优惠 / Scan to see the offer") != std::string::npos);
  CHECK(testing::Run("pdfinfo " + dir.File("s.pdf")).find("198.425 x 283.465 pts") !=
        std::string::npos);  // 70 × 100 mm
  std::string png = testing::PdfPageToPng(dir.File("s.pdf"), 1, 200);
  CHECK(testing::ZbarBytes({png}) == kUrl);
}

TEST_CASE("A PNG sticker is sized by its dpi and its code reads back") {
  Matrix matrix = Encode(kUrl).value();
  std::string png = RenderSticker(matrix, Text(), Format::kPng).value();
  testing::PngHeader header = testing::ReadPngHeader(png);
  CHECK(header.width == 827);  // 70 mm at 300 dpi
  CHECK(header.height == 1181);
  auto ours = Decode(png);
  REQUIRE(ours.ok());
  CHECK(*ours == std::vector<DecodedCode>{{kUrl, "QRCode"}});
  testing::TempDir dir;
  testing::WriteFile(dir.File("s.png"), png);
  CHECK(testing::ZbarBytes({dir.File("s.png")}) == kUrl);
}

TEST_CASE("An SVG sticker renders with librsvg and its code reads back") {
  EncodeOptions high;
  high.level = EcLevel::kHigh;
  Matrix matrix = Encode(kUrl, high).value();
  StickerOptions options;
  options.style.logo = Logo{testing::LogoPng(60, 60), 0.06};
  std::string svg = RenderSticker(matrix, Text(), Format::kSvg, options).value();
  CHECK(svg.find("<svg") != std::string::npos);
  testing::TempDir dir;
  testing::WriteFile(dir.File("s.svg"), svg);
  testing::Run("rsvg-convert -w 800 " + dir.File("s.svg") + " -o " + dir.File("s.png"));
  CHECK(testing::ZbarBytes({dir.File("s.png")}) == kUrl);
}

TEST_CASE("Text too long for the card is shrunk and cut, never drawn past the edges") {
  Matrix matrix = Encode(kUrl).value();
  StickerText text = Text();
  text.caption = std::string(60, 'W');
  text.merchant_name = std::string(80, 'M');
  testing::TempDir dir;
  testing::WriteFile(dir.File("s.pdf"), RenderSticker(matrix, text, Format::kPdf).value());
  GrayImage page =
      ReadImage(testing::ReadFile(testing::PdfPageToPng(dir.File("s.pdf"), 1, 100))).value();
  int edge = page.width * 4 / 100;  // inside the card's 6% padding
  int ink_at_edges = 0;
  for (int y = 0; y < page.height; ++y) {
    for (int x = 0; x < page.width; ++x) {
      if ((x < edge || x >= page.width - edge) && page.at(x, y) < 128) ++ink_at_edges;
    }
  }
  CHECK(ink_at_edges == 0);
  std::string png = testing::PdfPageToPng(dir.File("s.pdf"), 1, 200);
  CHECK(testing::ZbarBytes({png}) == kUrl);
}

TEST_CASE("Sticker text and sizes are checked") {
  Matrix matrix = Encode(kUrl).value();
  StickerText text = Text();
  text.caption = "bad \xff utf-8";
  CHECK(core::FieldViolations(RenderSticker(matrix, text, Format::kPng).status()).at(0).field ==
        "text.caption");
  text = Text();
  text.merchant_name = std::string(81, 'x');
  CHECK(core::FieldViolations(RenderSticker(matrix, text, Format::kPng).status()).at(0).field ==
        "text.merchantName");
  StickerOptions options;
  options.width_mm = 10;
  CHECK(core::FieldViolations(RenderSticker(matrix, Text(), Format::kPdf, options).status())
            .at(0)
            .field == "widthMm");
  options = {};
  options.height_mm = 40;  // 70 mm wide, 40 mm tall: no room for the code
  CHECK(core::FieldViolations(RenderSticker(matrix, Text(), Format::kPdf, options).status())
            .at(0)
            .field == "heightMm");
  options = {};
  options.dpi = 2400;
  CHECK(core::FieldViolations(RenderSticker(matrix, Text(), Format::kPng, options).status())
            .at(0)
            .field == "dpi");
}

std::vector<StickerItem> Tables(int count) {
  std::vector<StickerItem> items;
  for (int i = 1; i <= count; ++i) {
    items.push_back({Encode(absl::StrCat("https://qrcloud.example.com/t/", i)).value(),
                     TableStickerText(i, "老王火锅 Lao Wang Hotpot")});
  }
  return items;
}

TEST_CASE("A sheet lays numbered table stickers on A4 pages, every code readable") {
  testing::TempDir dir;
  testing::WriteFile(dir.File("sheet.pdf"), RenderStickerSheet(Tables(14)).value());
  CHECK(testing::PdfPages(dir.File("sheet.pdf")) == 2);  // 3 × 4 a page
  CHECK(testing::Run("pdfinfo " + dir.File("sheet.pdf")).find("595.276 x 841.89 pts (A4)") !=
        std::string::npos);
  std::string text = testing::PdfText(dir.File("sheet.pdf"));
  CHECK(text.find("1号桌 / Table 1") != std::string::npos);
  CHECK(text.find("14号桌 / Table 14") != std::string::npos);
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  CHECK(text.find("2/2") != std::string::npos);  // page footer

  std::string page = testing::PdfPageToPng(dir.File("sheet.pdf"), 1, 200);
  std::vector<std::string> read = testing::ZbarText(page);
  std::sort(read.begin(), read.end());
  std::vector<std::string> expected;
  for (int i = 1; i <= 12; ++i)
    expected.push_back(absl::StrCat("https://qrcloud.example.com/t/", i));
  std::sort(expected.begin(), expected.end());
  CHECK(read == expected);
}

// The center renders for many requests at once; cairo, pango and the
// library share nothing between calls.
TEST_CASE("Stickers render concurrently on several threads") {
  auto render = [](int first, std::vector<std::string>* read) {
    for (int t = first; t < first + 6; ++t) {
      std::string url = absl::StrCat("https://qrcloud.example.com/t/", t);
      std::string png =
          RenderSticker(Encode(url).value(), TableStickerText(t, "店"), Format::kPng).value();
      read->push_back(Decode(png).value().at(0).text);
    }
  };
  std::vector<std::string> a, b;
  std::thread other(render, 100, &b);
  render(200, &a);
  other.join();
  CHECK(a.back() == "https://qrcloud.example.com/t/205");
  CHECK(b.back() == "https://qrcloud.example.com/t/105");
  CHECK(a.size() + b.size() == 12);
}

TEST_CASE("Sheet options and items are checked") {
  SheetOptions options;
  options.columns = 0;
  CHECK(core::FieldViolations(RenderStickerSheet(Tables(1), options).status()).at(0).field ==
        "columns");
  options = {};
  options.columns = 8;
  options.rows = 10;
  auto status = RenderStickerSheet(Tables(1), options).status();
  CHECK(core::FieldViolations(status).at(0).field == "gutterMm");
  CHECK(status.message().find("at least 25 mm") != std::string::npos);
  CHECK(core::FieldViolations(RenderStickerSheet({}).status()).at(0).field == "items");
  std::vector<StickerItem> items = Tables(4);
  items[3].text.caption = "\xc3";
  CHECK(core::FieldViolations(RenderStickerSheet(items).status()).at(0).field ==
        "items[3].text.caption");
}

TEST_CASE("A long sheet streams in parts as its pages are drawn, and stops when told") {
  const std::vector<StickerItem> items = Tables(120);  // 10 pages
  std::vector<size_t> sizes;
  std::string pdf;
  REQUIRE(StreamStickerSheet(items, {}, 16 * 1024, [&](std::string part) {
            sizes.push_back(part.size());
            pdf += part;
            return true;
          }).ok());
  // Several parts, each (but the last) at least the size asked: the pages
  // left as they were drawn, not all at the end.
  REQUIRE(sizes.size() >= 3);
  for (size_t i = 0; i + 1 < sizes.size(); ++i) CHECK(sizes[i] >= 16 * 1024);
  CHECK(sizes.front() < pdf.size() / 2);
  testing::TempDir dir;
  testing::WriteFile(dir.File("long.pdf"), pdf);
  CHECK(testing::PdfPages(dir.File("long.pdf")) == 10);
  std::string text = testing::PdfText(dir.File("long.pdf"));
  CHECK(text.find("120号桌 / Table 120") != std::string::npos);

  int parts = 0;
  const absl::Status stopped =
      StreamStickerSheet(items, {}, 16 * 1024, [&](std::string) { return ++parts < 2; });
  CHECK(stopped.code() == absl::StatusCode::kCancelled);
  CHECK(parts == 2);  // nothing drawn for a reader who left
}

}  // namespace
}  // namespace qrcloud::qr
