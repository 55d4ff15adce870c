// Round trips through an independent decoder: 1,000 payloads — short and
// near-capacity URLs, Chinese text, Wi-Fi strings full of characters that
// need escaping — rendered as PNG, SVG and PDF must read back byte for byte
// with ZBar's zbarimg (SVG rasterised by librsvg, PDF by poppler).
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/qr/decoder.h"
#include "libs/qr/encoder.h"
#include "libs/qr/pdf_renderer.h"
#include "libs/qr/png_renderer.h"
#include "libs/qr/svg_renderer.h"
#include "libs/qr/testing/external_tools.h"
#include "libs/qr/wifi.h"

namespace qrcloud::qr {
namespace {

using testing::TempDir;

constexpr int kPayloads = 1000;
constexpr int kPixelsPerModule = 3;

struct Case {
  std::string payload;
  EcLevel level;
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  Case Next(int i) {
    EcLevel level = static_cast<EcLevel>(Int(0, 3));
    switch (i % 20) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
        return {absl::StrCat("https://qrcloud.example.com/s/", Chars(Int(6, 12), kUrlSafe)), level};
      case 7:  // near the version-40 capacity of its level
        return {NearCapacityUrl(level), level};
      case 8:
      case 9:
        return {absl::StrCat("https://shop.example.cn/m/", Chars(Int(5, 10), kUrlSafe), "?",
                             Chars(Int(80, 600), kUrlSafe)),
                level};
      case 10:
      case 11:
      case 12:
      case 13:
        return {ChineseText(), level};
      case 14:
      case 15:
      case 16:
        return {
            WifiPayload(WifiField(), WifiField(), Int(0, 3) == 0 ? "WEP" : "WPA", Int(0, 4) == 0),
            level};
      case 17:
        return {Chars(Int(1, 300), "0123456789"), level};
      case 18:
        return {Chars(Int(1, 200), "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"), level};
      default:
        return {absl::StrCat("订单 ", Int(1, 99999), " — ", ChineseText(), " 🍲☕ ok"), level};
    }
  }

 private:
  static constexpr absl::string_view kUrlSafe =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~=&%";

  int Int(int lo, int hi) { return lo + static_cast<int>(rng_() % (hi - lo + 1)); }

  std::string Chars(int n, absl::string_view alphabet) {
    std::string out;
    for (int i = 0; i < n; ++i) out.push_back(alphabet[Int(0, alphabet.size() - 1)]);
    return out;
  }

  std::string NearCapacityUrl(EcLevel level) {
    std::string prefix = "https://qrcloud.example.com/p?d=";
    int length = Capacity(level, Mode::kByte) - Int(0, 30);
    return prefix + Chars(length - static_cast<int>(prefix.size()), kUrlSafe);
  }

  std::string ChineseText() {
    static constexpr const char* kWords[] = {
        "欢迎", "光临", "老王火锅", "扫码", "点餐", "优惠", "福州", "鱼丸", "限时",
        "特价", "，",   "。",       "！",   "会员", "积分", "号桌", "查看", "星光咖啡"};
    std::string out;
    int words = Int(1, 60);
    for (int i = 0; i < words; ++i) absl::StrAppend(&out, kWords[Int(0, 17)]);
    if (Int(0, 2) == 0) absl::StrAppend(&out, " ", Int(1, 500));
    return out;
  }

  // SSIDs and passwords full of the characters WIFI: escapes.
  std::string WifiField() {
    std::string out = Chars(Int(1, 20), "abcXYZ019;,:\\\" ");
    if (Int(0, 3) == 0) absl::StrAppend(&out, "咖啡店");
    return out;
  }

  std::mt19937_64 rng_;
};

std::vector<Case> Cases() {
  Generator generator(20240601);
  std::vector<Case> cases;
  for (int i = 0; i < kPayloads; ++i) cases.push_back(generator.Next(i));
  return cases;
}

Matrix EncodeCase(const Case& c) {
  EncodeOptions options;
  options.level = c.level;
  absl::StatusOr<Matrix> matrix = Encode(c.payload, options);
  INFO(c.payload << " → " << matrix.status().ToString());
  REQUIRE(matrix.ok());
  return *std::move(matrix);
}

int SidePixels(const Matrix& m) { return (m.size() + 2 * kDefaultQuietZone) * kPixelsPerModule; }

std::string Concatenated(const std::vector<Case>& cases) {
  std::string all;
  for (const Case& c : cases) all += c.payload;
  return all;
}

// On a mismatch, reads the files one by one and names those that fail.
void ExpectZbarReadsAll(const std::vector<std::string>& pngs, const std::vector<Case>& cases) {
  std::string read = testing::ZbarBytes(pngs);
  if (read == Concatenated(cases)) {
    SUCCEED("zbarimg read every payload exactly");
    return;
  }
  int failures = 0;
  for (size_t i = 0; i < pngs.size() && failures < 10; ++i) {
    std::string one = testing::ZbarBytes({pngs[i]});
    if (one == cases[i].payload) continue;
    ++failures;
    FAIL_CHECK(pngs[i] << ": expected \"" << cases[i].payload << "\", zbarimg read \"" << one
                       << "\"");
  }
  FAIL("zbarimg output differs from the payloads");
}

TEST_CASE("1000 payloads as PNG read back exactly with zbarimg and with our decoder") {
  std::vector<Case> cases = Cases();
  TempDir dir;
  std::vector<std::string> files;
  int ours_wrong = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    Matrix matrix = EncodeCase(cases[i]);
    PngOptions options;
    options.size = std::max(kMinPngSize, SidePixels(matrix));
    absl::StatusOr<std::string> png = RenderPng(matrix, options);
    REQUIRE(png.ok());
    files.push_back(dir.File(absl::StrCat(i, ".png")));
    testing::WriteFile(files.back(), *png);
    absl::StatusOr<std::vector<DecodedCode>> ours = Decode(*png);
    if (!ours.ok() || ours->size() != 1 || (*ours)[0].text != cases[i].payload) ++ours_wrong;
  }
  CHECK(ours_wrong == 0);
  ExpectZbarReadsAll(files, cases);
}

TEST_CASE("1000 payloads as SVG, rasterised by librsvg, read back exactly with zbarimg") {
  std::vector<Case> cases = Cases();
  TempDir dir;
  std::vector<std::string> svgs, pngs;
  for (size_t i = 0; i < cases.size(); ++i) {
    Matrix matrix = EncodeCase(cases[i]);
    SvgOptions options;
    options.size_px = SidePixels(matrix);
    absl::StatusOr<std::string> svg = RenderSvg(matrix, options);
    REQUIRE(svg.ok());
    svgs.push_back(dir.File(absl::StrCat(i, ".svg")));
    pngs.push_back(dir.File(absl::StrCat(i, ".png")));
    testing::WriteFile(svgs.back(), *svg);
  }
  testing::SvgsToPngs(svgs);
  ExpectZbarReadsAll(pngs, cases);
}

TEST_CASE("1000 payloads as PDF, rasterised by poppler, read back exactly with zbarimg") {
  std::vector<Case> cases = Cases();
  TempDir dir;
  std::vector<std::string> pdfs;
  for (size_t i = 0; i < cases.size(); ++i) {
    Matrix matrix = EncodeCase(cases[i]);
    PdfOptions options;
    // Two points a module, rasterised at 108 dpi: three pixels a module.
    options.size_pt = std::max(kMinPdfPoints, SidePixels(matrix) * 2.0 / kPixelsPerModule);
    absl::StatusOr<std::string> pdf = RenderPdf(matrix, options);
    REQUIRE(pdf.ok());
    pdfs.push_back(dir.File(absl::StrCat(i, ".pdf")));
    testing::WriteFile(pdfs.back(), *pdf);
  }
  ExpectZbarReadsAll(testing::PdfsToPngs(pdfs, 36 * kPixelsPerModule), cases);
}

TEST_CASE("Chinese 8-bit data without ECI reads as UTF-8 in zbarimg's text mode too") {
  // What most phone scanners do: guess the character set. UTF-8 Chinese is
  // guessed right, so no ECI header is needed for the texts we print.
  TempDir dir;
  std::string payload = "欢迎光临老王火锅，12号桌扫码点餐";
  std::string png = dir.File("zh.png");
  testing::WriteFile(png, RenderPng(Encode(payload).value()).value());
  CHECK(testing::ZbarText(png) == std::vector<std::string>{payload});
}

}  // namespace
}  // namespace qrcloud::qr
