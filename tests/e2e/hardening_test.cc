// What an attacker found, tried again through the real path: the gateway, the
// center, MariaDB and Redis. Each case is a finding of docs/security.md and
// failed before its fix.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/cache/redis.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"
#include "tests/support/world.h"

namespace qrcloud::testing {
namespace {

constexpr char kPassword[] = "correct-horse-battery";

struct World : StackWorld {
  explicit World(const StackOptions& options = {}) : StackWorld(options) {}

  // A merchant whose qualification is approved, signed in.
  Api Qualified(std::string* merchant_id) {
    return std::move(*flow().QualifiedMerchant(merchant_id));
  }

  std::string Register(const std::string& kind) {
    Api api = NewApi();
    const std::string login = absl::StrCat(UniqueName("hard"), "@example.com");
    ApiResponse made =
        api.Post("/v1/accounts", absl::StrCat(R"({"kind":")", kind, R"(","login":")", login,
                                              R"(","password":")", kPassword, R"("})"));
    INFO(made.body);
    REQUIRE(made.status == 200);
    return login;
  }

  ApiResponse SignIn(const std::string& login, const std::string& password,
                     const std::string& address) {
    Api api = NewApi();
    return api.Call("POST", "/v1/sessions",
                    absl::StrCat(R"({"login":")", login, R"(","password":")", password, R"("})"),
                    {{"x-forwarded-for", address}});
  }

  Api SignedIn(const std::string& kind) {
    const std::string login = Register(kind);
    Api api = NewApi();
    api.set_token(SignIn(login, kPassword, "192.0.2.1").At("token"));
    REQUIRE(!api.token().empty());
    return api;
  }

  // The longest value of the stack's idempotency keys.
  size_t LongestIdempotentAnswer() {
    size_t longest = 0;
    std::string cursor = "0";
    do {
      auto r = redis->Command({"SCAN", cursor, "MATCH", "qrcloud:idem:*", "COUNT", "1000"});
      REQUIRE(r.ok());
      cursor = (*r)[0].str();
      const cache::Reply keys = (*r)[1];
      for (size_t i = 0; i < keys.size(); ++i) {
        auto length = redis->Command({"STRLEN", keys[i].str()});
        REQUIRE(length.ok());
        longest = std::max(longest, static_cast<size_t>(length->integer()));
      }
    } while (cursor != "0");
    return longest;
  }

  // Keys in the stack's Redis db longer than `bytes`.
  int KeysLongerThan(size_t bytes) {
    int n = 0;
    std::string cursor = "0";
    do {
      auto r = redis->Command({"SCAN", cursor, "COUNT", "1000"});
      REQUIRE(r.ok());
      cursor = (*r)[0].str();
      const cache::Reply keys = (*r)[1];
      for (size_t i = 0; i < keys.size(); ++i) n += keys[i].str().size() > bytes ? 1 : 0;
    } while (cursor != "0");
    return n;
  }
};

// The kilobytes of a process's peak resident memory (VmHWM).
long PeakKib(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      long kib = 0;
      std::string digits;
      for (char c : line) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      REQUIRE(absl::SimpleAtoi(digits, &kib));
      return kib;
    }
  }
  FAIL("no VmHWM for " << pid);
  return 0;
}

// `n` calls at once, one thread and connection each.
template <typename F>
std::vector<ApiResponse> InParallel(int n, F call) {
  std::vector<ApiResponse> out(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back([&, i] { out[i] = call(i); });
  for (auto& t : threads) t.join();
  return out;
}

TEST_CASE("Finding 1: an image bomb, or a PNG with a page after it, is refused at upload") {
  World w;
  std::string mid;
  Api api = w.Qualified(&mid);
  ApiResponse code = api.Post("/v1/codes", R"({"targetUrl":"https://shop.example.com/menu"})");
  std::string png = api.Get("/v1/codes/" + code.At("id") + "/image?format=png&size=300").body;
  REQUIRE(png.rfind("\x89PNG", 0) == 0);
  auto upload = [&](const std::string& bytes) {
    return api.Post(
        "/v1/merchants/" + mid + "/media",
        absl::StrCat(R"({"contentType":"image/png","data":")", absl::Base64Escape(bytes), R"("})"));
  };
  // The same small file, its header saying 16000×16000.
  std::string bomb = png;
  for (int i = 0; i < 4; ++i) {
    bomb[16 + i] = static_cast<char>(16000 >> (24 - 8 * i));
    bomb[20 + i] = static_cast<char>(16000 >> (24 - 8 * i));
  }
  ApiResponse refused = upload(bomb);
  CHECK(refused.status == 400);
  CHECK(refused.At("details.0.fieldViolations.0.field") == "data");
  CHECK(refused.At("message").find("16000×16000 px") != std::string::npos);
  ApiResponse page = upload(png + "<html><script>alert(document.cookie)</script></html>");
  CHECK(page.status == 400);
  CHECK(page.At("message").find("bytes follow its end") != std::string::npos);
  // The image itself is welcome, and served as it was sent.
  ApiResponse ok = upload(png);
  REQUIRE(ok.status == 200);
  CHECK(w.NewApi().Get("/media/" + ok.At("id")).body == png);
}

TEST_CASE("Finding 2: a sign-in with a huge login is refused and leaves nothing in Redis") {
  World w;
  const int long_keys = w.KeysLongerThan(200);
  ApiResponse r = w.SignIn(std::string(3'000'000, 'a'), "whatever-it-is", "192.0.2.7");
  CHECK(r.status == 400);
  CHECK(r.At("details.0.fieldViolations.0.field") == "login");
  // A wrong password for a well-formed login is counted under a hashed key.
  CHECK(w.SignIn("someone@example.com", "not-the-password", "192.0.2.7").status == 401);
  CHECK(w.KeysLongerThan(200) == long_keys);
}

TEST_CASE(
    "Findings 3 and 4: guesses in parallel are counted before hashing, memory stays bounded, "
    "the owner elsewhere still gets in") {
  World w({.gateway_flags = {"--trust_forwarded_for"}});
  const std::string login = w.Register("PERSON");
  const long peak_before = PeakKib(w.stack->center().pid());
  // 35 wrong passwords and the right one, at once, from one address.
  auto answers = InParallel(36, [&](int i) {
    return w.SignIn(login, i == 35 ? kPassword : absl::StrCat("wrong-guess-", i), "203.0.113.9");
  });
  std::map<int, int> by_status;
  for (const auto& a : answers) ++by_status[a.status];
  INFO("401: " << by_status[401] << ", 429: " << by_status[429] << ", 200: " << by_status[200]);
  // Five free tries and the one that set the first wait: no more reach the hash.
  CHECK(by_status[401] + by_status[200] <= 6);
  CHECK(by_status[429] >= 30);
  CHECK(by_status[401] + by_status[200] + by_status[429] == 36);
  for (const auto& a : answers) {
    if (a.status != 429) continue;
    int seconds = 0;
    CHECK(absl::SimpleAtoi(a.Header("retry-after"), &seconds));
    CHECK(seconds >= 1);
    CHECK(a.At("message").find("try again in") != std::string::npos);
  }
  // The owner, at home, is not locked out by the guesser.
  CHECK(w.SignIn(login, kPassword, "198.51.100.20").status == 200);

  // 40 sign-ins with unknown logins from 40 addresses: all answered, and
  // hashing (64 MiB each) took at most its budget (192 MiB) at once.
  auto burst = InParallel(40, [&](int i) {
    return w.SignIn(absl::StrCat("nobody", i, "@example.com"), "not-the-password",
                    absl::StrCat("198.18.0.", i + 1));
  });
  for (const auto& a : burst) CHECK(a.status == 401);
  const long grown_mib = (PeakKib(w.stack->center().pid()) - peak_before) / 1024;
  INFO("the center's peak memory grew by " << grown_mib << " MiB");
  CHECK(grown_mib < 320);
}

TEST_CASE("Findings 6 and 7: weak passwords, look-alike logins and two credentials are refused") {
  World w;
  Api api = w.NewApi();
  auto enrol = [&](const std::string& login, const std::string& password) {
    return api.Post("/v1/accounts", absl::StrCat(R"({"kind":"PERSON","login":")", login,
                                                 R"(","password":")", password, R"("})"));
  };
  const std::string login = absl::StrCat(UniqueName("weak"), "@example.com");
  for (const std::string weak : {"12345678", "password", "        ", "Sunshine2024!"}) {
    ApiResponse r = enrol(login, weak);
    INFO(weak << ": " << r.body);
    CHECK(r.status == 400);
    CHECK(r.At("details.0.fieldViolations.0.field") == "password");
  }
  CHECK(enrol(login, login).At("message").find("contains the login") != std::string::npos);
  ApiResponse lookalike = enrol(
      "\xd0\xb0"
      "dmin@qrcloud.local",
      kPassword);
  CHECK(lookalike.status == 400);
  CHECK(lookalike.At("details.0.fieldViolations.0.field") == "login");
  CHECK(enrol(login, kPassword).status == 200);

  Api person = w.SignedIn("PERSON");
  const std::string bearer = "Bearer " + person.token();
  Api bare = w.NewApi();
  ApiResponse two = bare.Call("GET", "/v1/me", "",
                              {{"authorization", bearer}, {"authorization", "Bearer qrs_other"}});
  CHECK(two.status == 400);
  CHECK(two.At("message").find("more than once") != std::string::npos);
  CHECK(bare.Call("GET", "/v1/me", "", {{"authorization", bearer}}).status == 200);
}

TEST_CASE(
    "Finding 5: an API key's secret is shown once, kept in no cache, and var files are 0600") {
  World w;
  const std::string login = w.Register("MERCHANT");
  Api first = w.NewApi();
  first.set_token(w.SignIn(login, kPassword, "192.0.2.1").At("token"));
  const std::string body = R"({"name":"counter PC","requestId":"key-once-1"})";
  ApiResponse made = first.Post("/v1/me/apiKeys", body);
  REQUIRE(made.status == 200);
  const std::string secret = made.At("secret");
  REQUIRE(secret.size() > 20);
  // A retry, even from another session of the same account, answers the
  // same key without its secret.
  Api second = w.NewApi();
  second.set_token(w.SignIn(login, kPassword, "192.0.2.1").At("token"));
  ApiResponse again = second.Post("/v1/me/apiKeys", body);
  CHECK(again.status == 200);
  CHECK(again.At("apiKey.id") == made.At("apiKey.id"));
  CHECK(again.At("secret").empty());
  CHECK(again.body.find(secret) == std::string::npos);
  // Nothing in Redis holds it.
  std::string cursor = "0";
  do {
    auto r = w.redis->Command({"SCAN", cursor, "COUNT", "1000"});
    REQUIRE(r.ok());
    cursor = (*r)[0].str();
    const cache::Reply keys = (*r)[1];
    for (size_t i = 0; i < keys.size(); ++i) {
      auto type = w.redis->Command({"TYPE", keys[i].str()});
      if (!type.ok() || type->str() != "string") continue;
      auto value = w.redis->Command({"GET", keys[i].str()});
      INFO(keys[i].str());
      CHECK(value->str().find(secret) == std::string::npos);
    }
  } while (cursor != "0");
  // The deps' files (Redis's append-only file holds every session) are the
  // user's alone.
  for (const std::string& dir : {Env().dir + "/redis", Env().dir + "/mysql"}) {
    struct stat st;
    REQUIRE(stat(dir.c_str(), &st) == 0);
    INFO(dir);
    CHECK((st.st_mode & 077) == 0);
  }
  struct stat env_file;
  REQUIRE(stat((Env().dir + "/env").c_str(), &env_file) == 0);
  CHECK((env_file.st_mode & 077) == 0);
}

TEST_CASE("Finding 11: control and bidirectional-override characters are refused in text") {
  World w;
  Api api = w.SignedIn("MERCHANT");
  const std::string mid = api.Get("/v1/me").At("account.merchantId");
  const std::string before = api.Get("/v1/merchants/" + mid).At("displayName");
  // NUL, BEL, DEL, U+202E (right-to-left override) and U+2028, as JSON escapes.
  for (const std::string bad : {"\\u0000", "\\u0007", "\\u007f", "\\u202e", "\\u2028"}) {
    ApiResponse r = api.Call("PATCH", "/v1/merchants/" + mid,
                             absl::StrCat(R"({"displayName":"Lao Wang)", bad, R"(gpj.exe"})"));
    INFO(bad << ": " << r.body);
    CHECK(r.status == 400);
    CHECK(r.At("details.0.fieldViolations.0.field") == "displayName");
  }
  CHECK(api.Get("/v1/merchants/" + mid).At("displayName") == before);
}

TEST_CASE("Findings 13 to 17: bad escapes, bytes and framing are 400s, and answers say nosniff") {
  World w;
  Api api = w.NewApi();
  for (const char* target : {"/m/%ff", "/media/%ff", "/v1/campaigns:search?q=%c0%af"}) {
    ApiResponse r = api.Get(target);
    INFO(target << ": " << r.body);
    CHECK(r.status == 400);
    CHECK(!r.At("details.0.fieldViolations.0.field").empty());
  }
  // An error about bytes that are not UTF-8 is itself valid UTF-8 JSON.
  Api merchant = w.SignedIn("MERCHANT");
  const std::string mid = merchant.Get("/v1/me").At("account.merchantId");
  ApiResponse broken =
      merchant.Call("PATCH", "/v1/merchants/" + mid, "{\"displayName\":\"\xff\xfe\"}");
  CHECK(broken.status == 400);
  CHECK(!broken.At("message").empty());  // it parsed as JSON
  // The path's id is the path's: a query parameter may not replace it.
  ApiResponse twice = merchant.Get("/v1/merchants/" + mid + "?id=someone-else");
  CHECK(twice.status == 400);
  CHECK(twice.At("details.0.fieldViolations.0.field") == "id");
  // Every answer: no sniffing, no framing by other sites.
  ApiResponse me = merchant.Get("/v1/me");
  CHECK(me.Header("x-content-type-options") == "nosniff");
  CHECK(me.Header("content-security-policy") == "frame-ancestors 'none'");
  CHECK(me.Header("x-frame-options") == "DENY");
}

TEST_CASE("Finding 9: codes do not redirect to addresses inside anyone's network") {
  World w;
  Api api = w.SignedIn("MERCHANT");
  for (const char* target :
       {"http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:6390/",
        "http://localhost:8080/admin", "https://router.lan/", "https://\xd0\xb0pple.com/login",
        // The same look-alikes in their ASCII (xn--) form: "аpple", and the
        // all-Cyrillic "аррӏе".
        "https://xn--pple-43d.com/login", "https://xn--80ak6aa92e.com/"}) {
    ApiResponse r = api.Post("/v1/codes", absl::StrCat(R"({"targetUrl":")", target, R"("})"));
    INFO(target << ": " << r.body);
    CHECK(r.status == 400);
    CHECK(r.At("details.0.fieldViolations.0.field") == "targetUrl");
  }
  // Even to a public site, a code leaves the platform only for a merchant
  // whose licence was checked.
  ApiResponse unchecked = api.Post("/v1/codes", R"({"targetUrl":"https://shop.example.com/menu"})");
  CHECK(unchecked.status == 400);
  CHECK(unchecked.At("message").find("qualification is approved") != std::string::npos);
  std::string mid;
  Api qualified = w.Qualified(&mid);
  CHECK(qualified.Post("/v1/codes", R"({"targetUrl":"https://shop.example.com/menu"})").status ==
        200);
}

TEST_CASE(
    "Finding 19: the largest batch prints its whole sheet, streamed, and Redis keeps no "
    "megabytes") {
  World w;
  std::string mid;
  Api api = w.Qualified(&mid);
  const std::string request =
      R"({"template":{"targetUrl":"https://shop.example.com/seat"},"count":10000,)"
      R"("caption":"Seat","requestId":"the-big-batch"})";
  ApiResponse batch = api.Post("/v1/codes:batchCreate", request);
  REQUIRE(batch.status == 200);
  CHECK(batch.At("codes.9999.label") == "Seat 10000");
  // A retry answers with the same batch (kept in MySQL, not in Redis); the
  // same request id for another request is refused.
  ApiResponse again = api.Post("/v1/codes:batchCreate", request);
  REQUIRE(again.status == 200);
  CHECK(again.At("batchId") == batch.At("batchId"));
  CHECK(again.At("codes.9999.slug") == batch.At("codes.9999.slug"));
  ApiResponse other =
      api.Post("/v1/codes:batchCreate",
               R"({"template":{"targetUrl":"https://shop.example.com/seat"},"count":9999,)"
               R"("caption":"Seat","requestId":"the-big-batch"})");
  CHECK(other.status == 400);
  CHECK(other.At("details.0.fieldViolations.0.field") == "requestId");
  CHECK(w.LongestIdempotentAnswer() <= 64 * 1024);

  // The sheet: all 834 pages (12 a page), streamed rather than refused. It
  // takes seconds to draw, more than the test client's usual patience.
  Api patient("127.0.0.1", w.stack->gateway_port(), {.timeout = absl::Minutes(3)});
  patient.set_token(api.token());
  ApiResponse sheet = patient.Get(batch.At("sheetUrl"));
  INFO(sheet.body.substr(0, 300));
  REQUIRE(sheet.status == 200);
  CHECK(sheet.Header("content-type") == "application/pdf");
  CHECK(sheet.Header("transfer-encoding") == "chunked");
  const std::string dir = absl::StrCat(Env().dir, "/", UniqueName("big-sheet"));
  REQUIRE(std::system(absl::StrCat("mkdir -p ", dir).c_str()) == 0);
  std::ofstream(dir + "/sheet.pdf") << sheet.body;
  REQUIRE(std::system(absl::StrCat("cd ", dir,
                                   " && pdfinfo sheet.pdf > info.txt && "
                                   "pdftoppm -r 200 -png -f 834 -l 834 sheet.pdf last && "
                                   "zbarimg --raw -q last-*.png > decoded.txt")
                          .c_str()) == 0);
  std::ifstream info(dir + "/info.txt");
  std::stringstream info_text;
  info_text << info.rdbuf();
  CHECK(info_text.str().find("Pages:           834") != std::string::npos);
  std::ifstream decoded(dir + "/decoded.txt");
  std::stringstream decoded_text;
  decoded_text << decoded.rdbuf();
  // The last page holds seats 9997 to 10000.
  CHECK(decoded_text.str().find(batch.At("codes.9999.shortUrl")) != std::string::npos);
  CHECK(decoded_text.str().find(batch.At("codes.9996.shortUrl")) != std::string::npos);
}

TEST_CASE("Scans: one address cannot inflate unique scans, and scripted clients are not people") {
  World w;
  std::string mid;
  Api api = w.Qualified(&mid);
  ApiResponse code = api.Post("/v1/codes", R"({"targetUrl":"https://shop.example.com/"})");
  REQUIRE(code.status == 200);
  Api anon = w.NewApi();
  const std::string path = "/s/" + code.At("slug");
  // 30 made-up phone user agents from one address (every request here comes
  // from 127.0.0.1), and three HTTP libraries.
  for (int i = 0; i < 30; ++i) {
    REQUIRE(anon.Call("GET", path, "",
                      {{"user-agent",
                        absl::StrCat("Mozilla/5.0 (iPhone; CPU iPhone OS 17_", i, ") Mobile")}})
                .status == 302);
  }
  for (const char* ua : {"curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1"}) {
    REQUIRE(anon.Call("GET", path, "", {{"user-agent", ua}}).status == 302);
  }
  const std::string stats = "/v1/codes/" + code.At("id") + "/stats";
  REQUIRE(WaitFor([&] { return api.Get(stats).At("flagged") == "3"; }, absl::Seconds(15)));
  ApiResponse counted = api.Get(stats);
  CHECK(counted.At("scans") == "30");        // every scan by a person-like client is counted
  CHECK(counted.At("uniqueScans") == "16");  // but one address adds at most 16 devices
}

// The local addresses (as /proc/net/tcp{,6} writes them) of the sockets
// listening on `port`.
std::vector<std::string> ListeningOn(int port) {
  std::vector<std::string> out;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const size_t colon = local.rfind(':');
      if (state != "0A" || colon == std::string::npos) continue;  // 0A: LISTEN
      if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) {
        out.push_back(local.substr(0, colon));
      }
    }
  }
  return out;
}

TEST_CASE("Finding 21: a service's gRPC port listens on the address it is given, loopback here") {
  World w;
  const std::vector<std::string> addresses = ListeningOn(w.stack->center_port());
  REQUIRE(!addresses.empty());
  for (const std::string& a : addresses) {
    INFO(a);
    // 127.0.0.1, as IPv4 or IPv4-mapped IPv6; never 0.0.0.0 or ::.
    CHECK((a == "0100007F" || a == "0000000000000000FFFF00000100007F"));
  }
  // tools/up gives every service loopback.
  std::ifstream up(std::string(QRCLOUD_SOURCE_DIR) + "/tools/up");
  std::stringstream text;
  text << up.rdbuf();
  CHECK(text.str().find("QRCLOUD_LISTEN_ADDRESS=127.0.0.1") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::testing
