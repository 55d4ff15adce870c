// The platform foundation end to end: real center and gateway processes over
// MariaDB and Redis, driven through the REST contract as a client would.
#include <catch2/catch.hpp>

#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "tests/support/api.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr char kLicense[] = "91350100M000100Y43";

std::unique_ptr<Stack> StartStack(StackOptions options = {}) {
  auto stack = Stack::Start(options);
  INFO((stack.ok() ? "" : std::string(stack.status().message())));
  REQUIRE(stack.ok());
  return *std::move(stack);
}

struct Merchant {
  std::string login;
  std::string account_id;
  std::string merchant_id;
  std::string token;
};

// Registers a merchant account and signs it in.
Merchant NewMerchant(Api& api, const std::string& name = "福州小店") {
  Merchant m;
  m.login = absl::StrCat(UniqueName("shop"), "@example.com");
  ApiResponse created =
      api.Post("/v1/accounts",
               absl::StrCat(R"({"kind":"MERCHANT","login":")", m.login,
                            R"(","password":"correct-horse","displayName":")", name, R"("})"));
  REQUIRE(created.status == 200);
  m.account_id = created.At("account.id");
  m.merchant_id = created.At("account.merchantId");
  REQUIRE(core::IsValidId(m.merchant_id));
  ApiResponse session = api.Post(
      "/v1/sessions", absl::StrCat(R"({"login":")", m.login, R"(","password":"correct-horse"})"));
  REQUIRE(session.status == 200);
  m.token = session.At("token");
  REQUIRE(!m.token.empty());
  return m;
}

Api ApiFor(const Stack& s) { return Api("127.0.0.1", s.gateway_port()); }

TEST_CASE("A merchant registers, signs in, qualifies, locates and reads it all back") {
  auto stack = StartStack();
  Api api = ApiFor(*stack);
  Merchant m = NewMerchant(api);
  api.set_token(m.token);

  ApiResponse me = api.Get("/v1/me");
  REQUIRE(me.status == 200);
  CHECK(me.At("account.kind") == "MERCHANT");
  CHECK(me.At("account.merchantId") == m.merchant_id);
  CHECK(me.At("credential") == "session");

  ApiResponse patched =
      api.Call("PATCH", "/v1/merchants/" + m.merchant_id,
               R"({"description":"Hotpot since 1998","websiteUrl":"https://shop.example.com"})");
  REQUIRE(patched.status == 200);
  CHECK(patched.At("description") == "Hotpot since 1998");
  CHECK(patched.At("displayName") == "福州小店");  // not in the body, so not changed

  ApiResponse qualified = api.Post(
      "/v1/merchants/" + m.merchant_id + "/qualification",
      absl::StrCat(R"({"licenseNumber":")", kLicense, R"(","legalName":"福州小店有限公司"})"));
  REQUIRE(qualified.status == 200);
  CHECK(qualified.At("merchant.qualification.state") == "PENDING_AUDIT");
  CHECK(qualified.At("merchant.qualification.licenseNumber") == kLicense);

  ApiResponse located =
      api.Call("PUT", "/v1/merchants/" + m.merchant_id + "/location",
               R"({"location":{"lat":26.0745,"lng":119.2965},"address":"福州市鼓楼区"})");
  REQUIRE(located.status == 200);

  ApiResponse back = api.Get("/v1/merchants/" + m.merchant_id);
  REQUIRE(back.status == 200);
  CHECK(back.At("qualification.state") == "PENDING_AUDIT");
  CHECK(back.At("qualification.legalName") == "福州小店有限公司");
  CHECK(back.At("location.lat") == "26.0745");
  CHECK(back.At("address") == "福州市鼓楼区");
  CHECK(back.At("websiteUrl") == "https://shop.example.com");
  CHECK(!back.Header("x-request-id").empty());

  // The submission reached the audit stream for the audit worker.
  auto redis_options = Env().redis;
  redis_options.db = stack->redis_db();
  auto redis = cache::RedisPool::Create(redis_options);
  REQUIRE(redis.ok());
  CHECK(WaitFor(
      [&] {
        auto entries = (*redis)->Command({"XRANGE", "audit", "-", "+"});
        return entries.ok() && entries->size() == 1 &&
               JsonAt((*entries)[0][1][5].str(), "id") == m.merchant_id;
      },
      absl::Seconds(10)));
}

TEST_CASE("Bad input gets a 400 naming the field and changes nothing") {
  auto stack = StartStack({.gateway_flags = {"--max_body_bytes=65536"}});
  Api api = ApiFor(*stack);
  Merchant m = NewMerchant(api);
  api.set_token(m.token);
  const std::string merchant_path = "/v1/merchants/" + m.merchant_id;
  const std::string before = api.Get(merchant_path).body;

  struct Case {
    const char* name;
    const char* method;
    std::string path;
    std::string body;
    const char* field;
  };
  const std::string login = absl::StrCat(UniqueName("new"), "@example.com");
  const std::vector<Case> cases = {
      {"malformed JSON", "POST", "/v1/accounts", R"({"kind":"PERSON","login":)", "body"},
      {"a wrong type", "PUT", merchant_path + "/location",
       R"({"location":{"lat":"north","lng":1}})", "location.lat"},
      {"an unknown enum", "POST", "/v1/accounts",
       absl::StrCat(R"({"kind":"EMPEROR","login":")", login, R"(","password":"correct-horse"})"),
       "kind"},
      {"a missing kind", "POST", "/v1/accounts",
       absl::StrCat(R"({"login":")", login, R"(","password":"correct-horse"})"), "kind"},
      {"a missing login", "POST", "/v1/accounts", R"({"kind":"PERSON","password":"correct-horse"})",
       "login"},
      {"a short password", "POST", "/v1/accounts",
       absl::StrCat(R"({"kind":"PERSON","login":")", login, R"(","password":"short"})"),
       "password"},
      {"a wrong check character", "POST", merchant_path + "/qualification",
       R"({"licenseNumber":"91350100M000100Y44","legalName":"X"})", "licenseNumber"},
      {"a missing legal name", "POST", merchant_path + "/qualification",
       absl::StrCat(R"({"licenseNumber":")", kLicense, R"("})"), "legalName"},
      {"an unknown field", "PATCH", merchant_path, R"({"dispalyName":"x"})", "dispalyName"},
      {"a javascript: website", "PATCH", merchant_path, R"j({"websiteUrl":"javascript:alert(1)"})j",
       "websiteUrl"},
      {"a latitude off the globe", "PUT", merchant_path + "/location",
       R"({"location":{"lat":95,"lng":1}})", "location.lat"},
      {"a body over the limit", "PATCH", merchant_path,
       absl::StrCat(R"({"description":")", std::string(70000, 'x'), R"("})"), ""},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    ApiResponse r = api.Call(c.method, c.path, c.body);
    CHECK(r.status == 400);
    CHECK(r.At("code") == "3");
    if (*c.field) {
      CHECK(r.At("details.0.fieldViolations.0.field") == c.field);
      CHECK(r.At("message").find(c.field) != std::string::npos);
    } else {
      CHECK(r.At("message").find("65536") != std::string::npos);
    }
  }
  // Nothing changed: the merchant reads the same, and the login was never registered.
  Api fresh = ApiFor(*stack);
  fresh.set_token(m.token);
  CHECK(fresh.Get(merchant_path).body == before);
  CHECK(fresh
            .Post("/v1/sessions",
                  absl::StrCat(R"({"login":")", login, R"(","password":"correct-horse"})"))
            .status == 401);
}

TEST_CASE("Credentials: none or bad is 401, sign-out ends the session, a login registers once") {
  auto stack = StartStack();
  Api api = ApiFor(*stack);
  Merchant m = NewMerchant(api);
  const std::string path = "/v1/merchants/" + m.merchant_id;

  ApiResponse anonymous = api.Get(path);
  CHECK(anonymous.status == 401);
  CHECK(anonymous.At("code") == "16");
  api.set_token("qrs_not-a-real-token");
  CHECK(api.Get(path).status == 401);
  api.set_token("something-else");
  CHECK(api.Get(path).status == 401);

  ApiResponse wrong_password = api.Post(
      "/v1/sessions", absl::StrCat(R"({"login":")", m.login, R"(","password":"wrong-horse"})"));
  CHECK(wrong_password.status == 401);
  ApiResponse unknown_login =
      api.Post("/v1/sessions", R"({"login":"nobody@example.com","password":"wrong-horse"})");
  CHECK(unknown_login.status == 401);
  CHECK(unknown_login.At("message") == wrong_password.At("message"));  // nothing tells them apart

  api.set_token(m.token);
  CHECK(api.Get(path).status == 200);
  CHECK(api.Call("DELETE", "/v1/sessions/current").status == 200);
  CHECK(api.Get(path).status == 401);

  Api again = ApiFor(*stack);
  ApiResponse dup = again.Post(
      "/v1/accounts",
      absl::StrCat(R"({"kind":"PERSON","login":")", m.login, R"(","password":"another-horse"})"));
  CHECK(dup.status == 409);
  CHECK(dup.At("message").find("already registered") != std::string::npos);
}

TEST_CASE("A merchant can neither read nor change another merchant, and nothing leaks") {
  auto stack = StartStack();
  Api api = ApiFor(*stack);
  Merchant a = NewMerchant(api, "Shop A");
  Merchant b = NewMerchant(api, "Secret Shop B");
  api.set_token(a.token);
  const std::string b_path = "/v1/merchants/" + b.merchant_id;

  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> attempts = {
      {"GET", {b_path, ""}},
      {"PATCH", {b_path, R"({"displayName":"Taken over"})"}},
      {"POST",
       {b_path + "/qualification",
        absl::StrCat(R"({"licenseNumber":")", kLicense, R"(","legalName":"X"})")}},
      {"PUT", {b_path + "/location", R"({"location":{"lat":1,"lng":1}})"}},
      {"GET", {"/v1/merchants", ""}},
  };
  for (const auto& [method, target] : attempts) {
    INFO(method << " " << target.first);
    ApiResponse r = api.Call(method, target.first, target.second);
    CHECK((r.status == 404 || r.status == 403));
    CHECK(r.body.find("Secret Shop B") == std::string::npos);
  }
  // A missing merchant and another's look the same.
  ApiResponse missing = api.Get("/v1/merchants/" + core::NewId());
  ApiResponse others = api.Get(b_path);
  CHECK(missing.status == others.status);

  Api person = ApiFor(*stack);
  const std::string login = absl::StrCat(UniqueName("p"), "@example.com");
  REQUIRE(person
              .Post("/v1/accounts", absl::StrCat(R"({"kind":"PERSON","login":")", login,
                                                 R"(","password":"correct-horse"})"))
              .status == 200);
  person.set_token(person
                       .Post("/v1/sessions", absl::StrCat(R"({"login":")", login,
                                                          R"(","password":"correct-horse"})"))
                       .At("token"));
  CHECK(person.Get(b_path).status == 404);

  api.set_token(b.token);
  ApiResponse own = api.Get(b_path);
  CHECK(own.status == 200);
  CHECK(own.At("displayName") == "Secret Shop B");  // unchanged by A's attempts
}

TEST_CASE("The gateway answers alike through grpc++'s client (--backend_client=grpc)") {
  // Every other test goes through the gateway's own client (the default).
  auto stack = StartStack({.gateway_flags = {"--backend_client=grpc"}});
  Api api = ApiFor(*stack);
  Merchant a = NewMerchant(api, "Shop A");
  Merchant b = NewMerchant(api, "Secret Shop B");
  api.set_token(a.token);
  ApiResponse own = api.Get("/v1/merchants/" + a.merchant_id);
  CHECK(own.status == 200);
  CHECK(own.At("displayName") == "Shop A");
  CHECK(own.At("qualification.state") == "NONE");
  ApiResponse others = api.Get("/v1/merchants/" + b.merchant_id);
  CHECK(others.status == 404);
  CHECK(others.body.find("Secret Shop B") == std::string::npos);
  ApiResponse bad = api.Post("/v1/merchants/" + a.merchant_id + "/qualification",
                             R"({"licenseNumber":"91350100M000100Y44","legalName":"X"})");
  CHECK(bad.status == 400);
  CHECK(bad.At("details.0.fieldViolations.0.field") == "licenseNumber");
  api.set_token("");
  CHECK(api.Get("/v1/merchants/" + a.merchant_id).status == 401);
}

TEST_CASE(
    "The administrator (also an auditor) reads any merchant and lists pending qualifications") {
  auto stack = StartStack();
  const std::string password_file = absl::StrCat(Env().dir, "/", UniqueName("admin-password"));
  auto admin_cmd =
      Process::Spawn("qrcloud-center", {"ensure-admin", "admin@qrcloud.local", password_file},
                     stack->env(), password_file + ".log");
  REQUIRE(admin_cmd.ok());
  REQUIRE(WaitFor([&] { return !(*admin_cmd)->Alive(); }, absl::Seconds(30)));
  std::ifstream in(password_file);
  std::string password;
  std::getline(in, password);
  REQUIRE(password.size() >= 16);

  Api api = ApiFor(*stack);
  Merchant m = NewMerchant(api);
  api.set_token(m.token);
  REQUIRE(api.Post("/v1/merchants/" + m.merchant_id + "/qualification",
                   absl::StrCat(R"({"licenseNumber":")", kLicense, R"(","legalName":"L"})"))
              .status == 200);

  Api admin = ApiFor(*stack);
  ApiResponse session =
      admin.Post("/v1/sessions",
                 absl::StrCat(R"({"login":"admin@qrcloud.local","password":")", password, R"("})"));
  REQUIRE(session.status == 200);
  CHECK(session.At("account.roles") == R"(["auditor","admin"])");
  admin.set_token(session.At("token"));
  CHECK(admin.Get("/v1/merchants/" + m.merchant_id).status == 200);
  ApiResponse pending = admin.Get("/v1/merchants?qualificationState=PENDING_AUDIT");
  REQUIRE(pending.status == 200);
  CHECK(pending.body.find(m.merchant_id) != std::string::npos);
}

TEST_CASE("A retried registration with the same requestId acts once") {
  auto stack = StartStack();
  Api api = ApiFor(*stack);
  const std::string body = absl::StrCat(R"({"kind":"PERSON","login":")", UniqueName("r"),
                                        R"(@example.com","password":"correct-horse","requestId":")",
                                        core::NewId(), R"("})");
  ApiResponse first = api.Post("/v1/accounts", body);
  ApiResponse second = api.Post("/v1/accounts", body);
  REQUIRE(first.status == 200);
  CHECK(second.status == 200);
  CHECK(second.At("account.id") == first.At("account.id"));
}

TEST_CASE("API keys are shown once, authenticate, and stop working when revoked") {
  auto stack = StartStack();
  Api api = ApiFor(*stack);
  Merchant m = NewMerchant(api);
  api.set_token(m.token);
  ApiResponse created = api.Post("/v1/me/apiKeys", R"({"name":"till"})");
  REQUIRE(created.status == 200);
  const std::string secret = created.At("secret");
  CHECK(secret.rfind("qrk_", 0) == 0);
  ApiResponse listed = api.Get("/v1/me/apiKeys");
  CHECK(listed.body.find(secret) == std::string::npos);  // never shown again
  CHECK(listed.At("apiKeys.0.prefix") == secret.substr(0, 12));

  Api with_key = ApiFor(*stack);
  with_key.set_token(secret);
  ApiResponse me = with_key.Get("/v1/me");
  REQUIRE(me.status == 200);
  CHECK(me.At("credential") == "api_key");
  CHECK(with_key.Get("/v1/merchants/" + m.merchant_id).status == 200);

  REQUIRE(api.Call("DELETE", "/v1/me/apiKeys/" + created.At("apiKey.id")).status == 200);
  CHECK(with_key.Get("/v1/me").status == 401);
}

TEST_CASE("Unknown routes are 404 and wrong methods 405, both as google.rpc.Status") {
  auto stack = StartStack();
  Api api = ApiFor(*stack);
  ApiResponse unknown = api.Get("/v1/nowhere");
  CHECK(unknown.status == 404);
  CHECK(unknown.At("code") == "5");
  CHECK(unknown.Header("content-type") == "application/json");
  ApiResponse wrong = api.Call("DELETE", "/v1/accounts");
  CHECK(wrong.status == 405);
  CHECK(wrong.At("code") == "12");
  CHECK(wrong.Header("allow") == "POST");
}

TEST_CASE("Rate limits answer 429 with Retry-After") {
  auto stack = StartStack({.gateway_flags = {"--rate_limit_per_address=5"}});
  Api api = ApiFor(*stack);
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 8; ++i) {
    ApiResponse r = api.Get("/v1/me");
    if (r.status == 429) {
      ++limited;
      retry_after = r.Header("retry-after");
      CHECK(r.At("code") == "8");
    } else {
      CHECK(r.status == 401);
    }
  }
  CHECK(limited == 3);
  int seconds = 0;
  CHECK(absl::SimpleAtoi(retry_after, &seconds));
  CHECK(seconds >= 1);
  CHECK(seconds <= 60);
}

TEST_CASE("Operations endpoints: health, readiness, metrics, OpenAPI, request ids") {
  auto stack = StartStack();
  Api api = ApiFor(*stack);
  CHECK(api.Get("/healthz").status == 200);
  ApiResponse ready = api.Get("/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.At("status") == "ready");
  ApiResponse metrics = api.Get("/metrics");
  CHECK(metrics.body.find("http_requests_total") != std::string::npos);
  ApiResponse openapi = api.Get("/openapi.json");
  CHECK(openapi.At("openapi") == "3.0.3");
  CHECK(!openapi.At("paths./v1/merchants/{id}.get.operationId").empty());
  CHECK(!openapi.At("paths./v1/accounts.post.requestBody").empty());
  CHECK(openapi.body.find("\"qrcloud.v1.Merchant\"") != std::string::npos);
  // A contract marked planned (no process serves it yet) is neither routed
  // nor documented: its routes are plain 404s.
  CHECK(openapi.body.find("/v1/me/feed") == std::string::npos);
  CHECK(api.Get("/v1/me/feed").status == 404);
  ApiResponse with_id = api.Call("GET", "/v1/me", "", {{"x-request-id", "trace-42"}});
  CHECK(with_id.Header("x-request-id") == "trace-42");
}

}  // namespace
}  // namespace qrcloud::testing
