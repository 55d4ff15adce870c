// Managed codes and the scan path end to end: the real center and gateway
// over MariaDB and Redis, driven through REST and /s/{slug}.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/cache/redis.h"
#include "libs/core/ids.h"
#include "libs/core/scan_event.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"
#include "tests/support/world.h"

namespace qrcloud::testing {
namespace {

struct World : StackWorld {
  explicit World(const StackOptions& options = {}) : StackWorld(options) {}

  // A merchant whose qualification is approved (codes that leave the
  // platform need one), signed in.
  Api SignedInMerchant() {
    std::string merchant_id;
    return std::move(*flow().QualifiedMerchant(&merchant_id));
  }

  // Stream entries for one code, decoded.
  std::vector<core::ScanEvent> Scans(const std::string& code_id) {
    std::vector<core::ScanEvent> out;
    auto r = redis->Command({"XRANGE", core::kScanStream, "-", "+"});
    REQUIRE(r.ok());
    for (const auto& e : cache::ParseEntries(*r)) {
      for (auto& ev : core::UnpackScanEvents(e.Field(core::kScanEventsField))) {
        if (ev.code_id == code_id) out.push_back(std::move(ev));
      }
    }
    return out;
  }
};

ApiResponse Scan(const World& w, const std::string& slug, const std::string& method = "GET",
                 std::vector<std::pair<std::string, std::string>> headers = {},
                 const std::string& query = "") {
  Api anon("127.0.0.1", w.stack->gateway_port());
  return anon.Call(method, absl::StrCat("/s/", slug, query), "", std::move(headers));
}

TEST_CASE("A code redirects, and each scan reaches the stream moments after its 302") {
  World w;
  Api api = w.SignedInMerchant();
  ApiResponse code =
      api.Post("/v1/codes", R"({"targetUrl":"https://shop.example.com/menu?x=1","label":"door"})");
  REQUIRE(code.status == 200);
  const std::string slug = code.At("slug");
  const std::string id = code.At("id");
  CHECK(slug.size() == 10);
  CHECK(code.At("shortUrl").find("/s/" + slug) != std::string::npos);
  CHECK(code.At("state") == "ACTIVE");

  for (int i = 0; i < 3; ++i) {
    ApiResponse r = Scan(w, slug, "GET", {{"user-agent", "Mozilla/5.0 (iPhone) Safari"}},
                         i == 2 ? "?p=weibo" : "");
    CHECK(r.status == 302);
    CHECK(r.Header("location") == "https://shop.example.com/menu?x=1");
    // In the gateway's scan log before the answer, shipped to the stream
    // within milliseconds: the scan the client was told of.
    std::vector<core::ScanEvent> scans;
    CHECK(WaitFor(
        [&] {
          scans = w.Scans(id);
          return scans.size() == static_cast<size_t>(i + 1);
        },
        absl::Seconds(5)));
    REQUIRE(scans.size() == static_cast<size_t>(i + 1));
    CHECK(scans.back().event_id == r.Header("x-scan-id"));
  }
  // Case does not matter in the slug.
  std::string upper = slug;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  CHECK(Scan(w, upper, "GET", {{"user-agent", "Mozilla/5.0 (Linux; Android 14) Mobile"}}).status ==
        302);

  // HEAD, bots and scripted clients are recorded with a flag.
  CHECK(Scan(w, slug, "HEAD").status == 302);
  CHECK(Scan(w, slug, "GET", {{"user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1)"}}).status ==
        302);
  CHECK(Scan(w, slug, "GET", {{"user-agent", "curl/8.5.0"}}).status == 302);
  CHECK(Scan(w, slug, "GET", {{"user-agent", ""}}).status == 302);  // no user agent at all
  std::vector<core::ScanEvent> events;
  CHECK(WaitFor(
      [&] {
        events = w.Scans(id);
        return events.size() == 8;
      },
      absl::Seconds(5)));
  REQUIRE(events.size() == 8);
  CHECK(events[2].platform_code == "weibo");
  CHECK(events[4].head);
  CHECK(events[5].bot);
  CHECK(events[6].client == core::ClientClass::kScript);
  CHECK(events[7].flagged());
  CHECK_FALSE(events[0].flagged());

  // The rollup counts: 4 scans (the upper-case one included), 4 flagged; the
  // same device (address + user agent) counts once as unique within 30 min.
  CHECK(WaitFor(
      [&] {
        ApiResponse now = api.Get("/v1/codes/" + id + "/stats");
        return now.At("scans") == "4" && now.At("flagged") == "4";
      },
      absl::Seconds(15)));
  ApiResponse stats = api.Get("/v1/codes/" + id + "/stats");
  CHECK(stats.At("flagged") == "4");
  CHECK(stats.At("uniqueScans") == "2");  // the iPhone and the Android phone
  CHECK(stats.At("hours.0.scans") == "4");
  CHECK(stats.body.find(R"("platformCode":"weibo","scans":"1")") != std::string::npos);
}

TEST_CASE(
    "Unknown, paused, expired and exhausted codes lead to a page, never a redirect to nowhere") {
  World w;
  Api api = w.SignedInMerchant();
  ApiResponse unknown = Scan(w, "zzzzzzzzzz");
  CHECK(unknown.status == 404);
  CHECK(unknown.Header("content-type").find("text/html") == 0);
  CHECK(unknown.body.find("This code is not known") != std::string::npos);
  CHECK(Scan(w, "not-a-slug!").status == 404);

  ApiResponse code = api.Post("/v1/codes", R"({"targetUrl":"https://example.com/"})");
  const std::string id = code.At("id");
  REQUIRE(Scan(w, code.At("slug")).status == 302);
  REQUIRE(api.Call("PATCH", "/v1/codes/" + id, R"({"state":"PAUSED"})").At("state") == "PAUSED");
  // Pausing reaches the scan path within moments, though the gateway had the
  // code cached (the center tells the gateways over Redis pub/sub).
  CHECK(WaitFor([&] { return Scan(w, code.At("slug")).status == 410; }, absl::Seconds(2)));
  CHECK(Scan(w, code.At("slug")).body.find("paused") != std::string::npos);
  REQUIRE(api.Call("PATCH", "/v1/codes/" + id, R"({"state":"ACTIVE"})").status == 200);
  CHECK(WaitFor([&] { return Scan(w, code.At("slug")).status == 302; }, absl::Seconds(2)));

  const absl::Time soon = absl::Now() + absl::Seconds(2);
  ApiResponse expiring = api.Post(
      "/v1/codes",
      absl::StrCat(R"({"targetUrl":"https://example.com/","endTime":")",
                   absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", soon, absl::UTCTimeZone()), R"("})"));
  REQUIRE(expiring.status == 200);
  CHECK(Scan(w, expiring.At("slug")).status == 302);
  CHECK(WaitFor([&] { return Scan(w, expiring.At("slug")).status == 410; }, absl::Seconds(10)));

  ApiResponse limited =
      api.Post("/v1/codes", R"({"targetUrl":"https://example.com/","scanLimit":"2"})");
  REQUIRE(limited.status == 200);
  CHECK(Scan(w, limited.At("slug")).status == 302);
  CHECK(Scan(w, limited.At("slug")).status == 302);
  ApiResponse over = Scan(w, limited.At("slug"));
  CHECK(over.status == 410);
  CHECK(over.body.find("scan limit") != std::string::npos);
}

TEST_CASE("Payload and Wi-Fi codes hold their payload, escaped, their link shows it") {
  World w;
  Api api = w.SignedInMerchant();
  ApiResponse wifi =
      api.Post("/v1/codes",
               R"({"wifi":{"ssid":"Shop;Wi,Fi:\"1\"","password":"pa\\ss;word","security":"WPA"}})");
  REQUIRE(wifi.status == 200);
  CHECK(wifi.At("payload") == R"(WIFI:T:WPA;S:Shop\;Wi\,Fi\:\"1\";P:pa\\ss\;word;;)");
  ApiResponse page = Scan(w, wifi.At("slug"));
  CHECK(page.status == 200);
  CHECK(page.body.find("Wi-Fi") != std::string::npos);
  CHECK(page.body.find("Shop\\;Wi") != std::string::npos);

  ApiResponse text = api.Post("/v1/codes", R"({"payload":"欢迎光临 <b>","errorCorrection":"H"})");
  REQUIRE(text.status == 200);
  CHECK(Scan(w, text.At("slug")).body.find("欢迎光临 &lt;b&gt;") != std::string::npos);
}

TEST_CASE("Code input that cannot work is refused with a 400 naming the field") {
  World w;
  Api api = w.SignedInMerchant();
  struct Case {
    const char* body;
    const char* field;
  };
  const std::string huge(3000, 'x');
  const std::vector<Case> cases = {
      {R"j({"targetUrl":"javascript:alert(1)"})j", "targetUrl"},
      {R"({"targetUrl":"data:text/html,hi"})", "targetUrl"},
      {R"({"targetUrl":"example.com/menu"})", "targetUrl"},
      {R"({})", "targetUrl"},
      {R"({"targetUrl":"https://a.cn","payload":"x"})", "targetUrl"},
      {R"({"wifi":{"ssid":"x","password":"short"}})", "wifi.password"},
      {R"({"targetUrl":"https://a.cn","scanLimit":"-1"})", "scanLimit"},
      {R"({"targetUrl":"https://a.cn","endTime":"2001-01-01T00:00:00Z"})", "endTime"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    ApiResponse r = api.Post("/v1/codes", c.body);
    CHECK(r.status == 400);
    CHECK(r.At("details.0.fieldViolations.0.field") == c.field);
  }
  ApiResponse over =
      api.Post("/v1/codes", absl::StrCat(R"({"payload":")", huge, R"(","errorCorrection":"H"})"));
  CHECK(over.status == 400);
  CHECK(over.At("details.0.fieldViolations.0.field") == "payload");
  CHECK(over.At("message").find("capacity") != std::string::npos);

  ApiResponse code = api.Post("/v1/codes", R"({"targetUrl":"https://a.cn/"})");
  const std::string image = "/v1/codes/" + code.At("id") + "/image";
  ApiResponse format = api.Get(image + "?format=gif");
  CHECK(format.status == 400);
  CHECK(format.At("details.0.fieldViolations.0.field") == "format");
  CHECK(format.At("message").find("svg, png, pdf") != std::string::npos);
  ApiResponse size = api.Get(image + "?format=png&size=10");
  CHECK(size.status == 400);
  CHECK(size.At("details.0.fieldViolations.0.field") == "size");
  ApiResponse color = api.Get(image + "?format=svg&foreground=%23eeeeee");
  CHECK(color.status == 400);
  // And nothing was created by any of the refused calls.
  CHECK(api.Get("/v1/codes").body.find("\"codes\":[{") != std::string::npos);
  CHECK(JsonAt(api.Get("/v1/codes").body, "codes.1.id").empty());
}

TEST_CASE(
    "Images in every format decode with an independent decoder, uploads decode through the API") {
  World w;
  Api api = w.SignedInMerchant();
  ApiResponse code = api.Post("/v1/codes", R"({"targetUrl":"https://shop.example.com/"})");
  const std::string id = code.At("id");
  const std::string short_url = code.At("shortUrl");
  const std::string dir = absl::StrCat(Env().dir, "/", UniqueName("img"));
  REQUIRE(std::system(absl::StrCat("mkdir -p ", dir).c_str()) == 0);

  ApiResponse png = api.Get("/v1/codes/" + id + "/image?format=png&size=300");
  REQUIRE(png.status == 200);
  CHECK(png.Header("content-type") == "image/png");
  std::ofstream(dir + "/code.png") << png.body;
  ApiResponse svg = api.Get("/v1/codes/" + id + "/image?format=svg");
  CHECK(svg.Header("content-type") == "image/svg+xml");
  std::ofstream(dir + "/code.svg") << svg.body;
  ApiResponse pdf = api.Get("/v1/codes/" + id + "/image?format=pdf");
  CHECK(pdf.Header("content-type") == "application/pdf");
  std::ofstream(dir + "/code.pdf") << pdf.body;
  const std::string cmd =
      absl::StrCat("cd ", dir,
                   " && rsvg-convert -w 400 code.svg -o svg.png && pdftoppm -r 150 -png "
                   "-singlefile code.pdf pdf",
                   " && zbarimg --raw -q code.png svg.png pdf.png > decoded.txt");
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream decoded(dir + "/decoded.txt");
  int lines = 0;
  for (std::string line; std::getline(decoded, line); ++lines) CHECK(line == short_url);
  CHECK(lines == 3);

  ApiResponse read = api.Post("/v1/codes:decode",
                              absl::StrCat(R"({"image":")", absl::Base64Escape(png.body), R"("})"));
  REQUIRE(read.status == 200);
  CHECK(read.At("results.0.text") == short_url);
  CHECK(read.At("results.0.format") == "QR_CODE");
  CHECK(api.Post("/v1/codes:decode", R"({"image":"bm90IGFuIGltYWdl"})").status == 400);
}

TEST_CASE("A logo in the middle: the merchant's own PNG, not too large, and the code still reads") {
  World w;
  Api api = w.SignedInMerchant();
  const std::string mid = api.Get("/v1/me").At("account.merchantId");
  ApiResponse code = api.Post("/v1/codes", R"({"targetUrl":"https://shop.example.com/menu"})");
  const std::string image = "/v1/codes/" + code.At("id") + "/image?format=png&size=400&logo=";
  // Any small PNG serves as a logo: the code's own image.
  ApiResponse small = api.Get("/v1/codes/" + code.At("id") + "/image?format=png&size=64");
  REQUIRE(small.status == 200);
  ApiResponse uploaded = api.Post("/v1/merchants/" + mid + "/media",
                                  absl::StrCat(R"({"contentType":"image/png","data":")",
                                               absl::Base64Escape(small.body), R"("})"));
  INFO(uploaded.body);
  REQUIRE(uploaded.status == 200);
  const std::string logo = uploaded.At("id");

  ApiResponse with_logo = api.Get(image + logo);
  REQUIRE(with_logo.status == 200);
  CHECK(with_logo.body !=
        api.Get("/v1/codes/" + code.At("id") + "/image?format=png&size=400").body);
  const std::string dir = absl::StrCat(Env().dir, "/", UniqueName("logo"));
  REQUIRE(std::system(absl::StrCat("mkdir -p ", dir).c_str()) == 0);
  std::ofstream(dir + "/logo.png") << with_logo.body;
  REQUIRE(std::system(
              absl::StrCat("cd ", dir, " && zbarimg --raw -q logo.png > out.txt").c_str()) == 0);
  std::ifstream out(dir + "/out.txt");
  std::string line;
  std::getline(out, line);
  CHECK(line == code.At("shortUrl"));

  // Too large, not a logo, someone else's: refused, naming the field.
  ApiResponse large = api.Get(image + logo + "&logoArea=0.2");
  CHECK(large.status == 400);
  CHECK(large.At("details.0.fieldViolations.0.field") == "logoArea");
  CHECK(large.At("message").find("too large") != std::string::npos);
  ApiResponse nothing = api.Get(image + "01jq0000000000000000000000");
  CHECK(nothing.status == 400);
  CHECK(nothing.At("details.0.fieldViolations.0.field") == "logo");
  Api other = w.SignedInMerchant();
  ApiResponse other_code = other.Post("/v1/codes", R"({"targetUrl":"https://other.example.com/"})");
  ApiResponse borrowed =
      other.Get("/v1/codes/" + other_code.At("id") + "/image?format=png&logo=" + logo);
  CHECK(borrowed.status == 400);
  CHECK(borrowed.At("details.0.fieldViolations.0.field") == "logo");
}

TEST_CASE("Another merchant can neither see nor change a code") {
  World w;
  Api owner = w.SignedInMerchant();
  Api other = w.SignedInMerchant();
  ApiResponse code =
      owner.Post("/v1/codes", R"({"targetUrl":"https://a.cn/","label":"secret label"})");
  const std::string path = "/v1/codes/" + code.At("id");
  for (const auto& [method, target, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", path, ""},
           {"PATCH", path, R"({"state":"PAUSED"})"},
           {"GET", path + "/stats", ""},
           {"GET", path + "/image", ""}}) {
    INFO(method << " " << target);
    ApiResponse r = other.Call(method, target, body);
    CHECK(r.status == 404);
    CHECK(r.body.find("secret label") == std::string::npos);
  }
  CHECK(owner.Get(path).At("state") == "ACTIVE");
  CHECK(other.Get("/v1/codes").body.find(code.At("id")) == std::string::npos);
}

TEST_CASE("A batch of numbered table codes") {
  World w;
  Api api = w.SignedInMerchant();
  ApiResponse batch = api.Post(
      "/v1/codes:batchCreate",
      R"({"template":{"targetUrl":"https://shop.example.com/table"},"count":25,"firstNumber":3,"caption":"Table"})");
  REQUIRE(batch.status == 200);
  CHECK(batch.At("codes.0.number") == "3");
  CHECK(batch.At("codes.24.number") == "27");
  CHECK(batch.At("codes.24.label") == "Table 27");
  CHECK(Scan(w, batch.At("codes.24.slug")).status == 302);
  ApiResponse listed = api.Get("/v1/codes?batchId=" + batch.At("batchId") + "&pageSize=10");
  CHECK(listed.At("codes.9.number") == "12");
  CHECK(!listed.At("nextPageToken").empty());
  CHECK(api.Post("/v1/codes:batchCreate",
                 R"({"template":{"targetUrl":"https://a.cn"},"count":10001})")
            .status == 400);

  // The print sheet: A4 pages of numbered stickers whose codes all read back.
  ApiResponse sheet = api.Get("/v1/codes/batches/" + batch.At("batchId") + "/sheet");
  REQUIRE(sheet.status == 200);
  CHECK(sheet.Header("content-type") == "application/pdf");
  const std::string dir = absl::StrCat(Env().dir, "/", UniqueName("sheet"));
  REQUIRE(std::system(absl::StrCat("mkdir -p ", dir).c_str()) == 0);
  std::ofstream(dir + "/sheet.pdf") << sheet.body;
  // zbar, scanning a page of twelve codes at once, now and then passes one
  // over; three resolutions between them read every code.
  REQUIRE(std::system(
              absl::StrCat("cd ", dir,
                           " && for r in 150 200 300; do pdftoppm -r $r -png sheet.pdf p$r && "
                           "zbarimg --raw -q p$r-*.png >> decoded.txt; done; test -s decoded.txt")
                  .c_str()) == 0);
  std::set<std::string> urls;
  std::ifstream decoded(dir + "/decoded.txt");
  for (std::string line; std::getline(decoded, line);) urls.insert(line);
  std::set<std::string> expected;
  for (int i = 0; i < 25; ++i) expected.insert(batch.At(absl::StrCat("codes.", i, ".shortUrl")));
  std::vector<std::string> missing, extra;
  std::set_difference(expected.begin(), expected.end(), urls.begin(), urls.end(),
                      std::back_inserter(missing));
  std::set_difference(urls.begin(), urls.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  INFO("missing " << absl::StrJoin(missing, " ") << "; extra " << absl::StrJoin(extra, " ")
                  << "; in " << dir);
  CHECK(urls == expected);
  CHECK(api.Get("/v1/codes/batches/" + core::NewId() + "/sheet").status == 404);
}

TEST_CASE("The standard sticker carries the code, caption and merchant name") {
  World w;
  Api api = w.SignedInMerchant();
  const std::string merchant_id = JsonAt(api.Get("/v1/me").body, "account.merchantId");
  REQUIRE(api.Call("PATCH", "/v1/merchants/" + merchant_id,
                   R"({"displayName":"老王火锅 Lao Wang Hotpot"})")
              .status == 200);
  // A qualified merchant's new name shows once the audit approves it.
  w.flow().Decide("profile.submitted", merchant_id, true);
  ApiResponse code =
      api.Post("/v1/codes", R"({"targetUrl":"https://shop.example.com/","label":"春季特惠"})");
  for (const char* format : {"png", "svg", "pdf"}) {
    INFO(format);
    ApiResponse sticker =
        api.Get("/v1/codes/" + code.At("id") + "/image?style=sticker&format=" + format);
    REQUIRE(sticker.status == 200);
    const std::string dir = absl::StrCat(Env().dir, "/", UniqueName("sticker"));
    REQUIRE(std::system(absl::StrCat("mkdir -p ", dir).c_str()) == 0);
    std::ofstream(absl::StrCat(dir, "/s.", format)) << sticker.body;
    const std::string raster = std::string(format) == "png" ? "cp s.png r.png"
                               : std::string(format) == "svg"
                                   ? "rsvg-convert -w 800 s.svg -o r.png"
                                   : "pdftoppm -r 200 -png -singlefile s.pdf r";
    REQUIRE(
        std::system(absl::StrCat("cd ", dir, " && ", raster, " && zbarimg --raw -q r.png > out.txt")
                        .c_str()) == 0);
    std::ifstream in(dir + "/out.txt");
    std::string line;
    std::getline(in, line);
    CHECK(line == code.At("shortUrl"));
    if (std::string(format) == "svg") {
      // The text is set as glyph outlines; the PDF keeps it as text.
      CHECK(sticker.body.find("<svg") != std::string::npos);
    }
    if (std::string(format) == "pdf") {
      REQUIRE(std::system(absl::StrCat("cd ", dir, " && pdftotext s.pdf s.txt").c_str()) == 0);
      std::ifstream text(dir + "/s.txt");
      std::stringstream all;
      all << text.rdbuf();
      CHECK(all.str().find("春季特惠") != std::string::npos);
      CHECK(all.str().find("Lao Wang Hotpot") != std::string::npos);
    }
  }
  CHECK(api.Get("/v1/codes/" + code.At("id") + "/image?style=fancy").status == 400);
}

}  // namespace
}  // namespace qrcloud::testing
