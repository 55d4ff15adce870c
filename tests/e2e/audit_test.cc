// The audit flow end to end (DESIGN.md §2, merchant cloud flow step 2): the
// real center, audit service and gateway over MariaDB and Redis. A merchant
// submits through REST; the audit worker checks it, decides or queues it; an
// auditor decides through REST; the decision reaches the center, also when
// the center was down at the time.
#include <catch2/catch.hpp>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/store/mysql.h"
#include "tests/support/api.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

namespace qrcloud::testing {
namespace {

constexpr absl::Duration kDeadline = absl::Seconds(30);

struct Merchant {
  Api api;
  std::string id;
  // Each merchant its own: a licence another one holds goes to an auditor.
  std::string license = UniqueLicense();
};

struct World {
  std::unique_ptr<Stack> stack;

  explicit World(std::vector<std::string> audit_flags = {}) {
    auto s = Stack::Start({.audit = true, .audit_flags = std::move(audit_flags)});
    INFO((s.ok() ? "" : std::string(s.status().message())));
    REQUIRE(s.ok());
    stack = *std::move(s);
  }

  Api NewApi() const { return Api("127.0.0.1", stack->gateway_port()); }

  Merchant NewMerchant() {
    Merchant m{NewApi(), "", UniqueLicense()};
    const std::string login = absl::StrCat(UniqueName("audit"), "@example.com");
    ApiResponse created = m.api.Post(
        "/v1/accounts", absl::StrCat(R"({"kind":"MERCHANT","login":")", login,
                                     R"(","password":"correct-horse","displayName":"福州小店"})"));
    REQUIRE(created.status == 200);
    m.id = created.At("account.merchantId");
    ApiResponse session = m.api.Post(
        "/v1/sessions", absl::StrCat(R"({"login":")", login, R"(","password":"correct-horse"})"));
    REQUIRE(session.status == 200);
    m.api.set_token(session.At("token"));
    return m;
  }

  // The administrator (also an auditor), as `tools/up` makes it, signed in.
  // Returns the API and sets `account_id`.
  Api Auditor(std::string* account_id = nullptr) {
    const std::string password_file = stack->dir() + "/admin-password";
    REQUIRE(RunToCompletion("qrcloud-center",
                            {"ensure-admin", "admin@qrcloud.local", password_file}, stack->env(),
                            stack->dir() + "/ensure-admin.log")
                .ok());
    std::ifstream in(password_file);
    std::string password;
    std::getline(in, password);
    Api api = NewApi();
    ApiResponse session =
        api.Post("/v1/sessions",
                 absl::StrCat(R"({"login":"admin@qrcloud.local","password":")", password, R"("})"));
    REQUIRE(session.status == 200);
    api.set_token(session.At("token"));
    if (account_id != nullptr) *account_id = session.At("account.id");
    return api;
  }
};

void SubmitQualification(Merchant& m, const std::string& legal_name) {
  ApiResponse r = m.api.Post(
      "/v1/merchants/" + m.id + "/qualification",
      absl::StrCat(R"({"licenseNumber":")", m.license, R"(","legalName":")", legal_name, R"("})"));
  REQUIRE(r.status == 200);
  CHECK(r.At("merchant.qualification.state") == "PENDING_AUDIT");
}

// Polls the merchant until its qualification is in `state`; the last answer.
ApiResponse AwaitQualification(Merchant& m, const std::string& state,
                               absl::Duration deadline = kDeadline) {
  ApiResponse last;
  const bool reached = WaitFor(
      [&] {
        last = m.api.Get("/v1/merchants/" + m.id);
        return last.status == 200 && last.At("qualification.state") == state;
      },
      deadline, absl::Milliseconds(100));
  INFO(last.body);
  REQUIRE(reached);
  return last;
}

// The id of the first task about `subject_id` in GET /v1/audit/tasks?<query>.
std::string FindTask(Api& auditor, const std::string& query, const std::string& subject_id) {
  ApiResponse r = auditor.Get("/v1/audit/tasks?" + query);
  if (r.status != 200) return "";
  for (int i = 0; !r.At(absl::StrCat("tasks.", i, ".id")).empty(); ++i) {
    if (r.At(absl::StrCat("tasks.", i, ".subjectId")) == subject_id)
      return r.At(absl::StrCat("tasks.", i, ".id"));
  }
  return "";
}

// Waits for the worker to queue a submission about `subject_id` (the
// merchant's qualification, or a campaign) for an auditor.
std::string AwaitQueuedTask(Api& auditor, const std::string& subject_id,
                            const std::string& subject = "QUALIFICATION") {
  std::string id;
  REQUIRE(WaitFor(
      [&] {
        id = FindTask(auditor, "state=QUEUED&subject=" + subject, subject_id);
        return !id.empty();
      },
      kDeadline, absl::Milliseconds(100)));
  return id;
}

TEST_CASE(
    "The automatic checks approve a clean qualification and reject a prohibited word with the "
    "reason") {
  World world;
  std::string admin_id;
  Api auditor = world.Auditor(&admin_id);

  Merchant clean = world.NewMerchant();
  SubmitQualification(clean, "福州小店有限公司");
  ApiResponse approved = AwaitQualification(clean, "APPROVED");
  CHECK(approved.At("qualification.reasons").empty());
  CHECK(!approved.At("qualification.decideTime").empty());

  Merchant banned = world.NewMerchant();
  SubmitQualification(banned, "福州赌场有限公司");
  ApiResponse rejected = AwaitQualification(banned, "REJECTED");
  CHECK(rejected.At("qualification.reasons.0") ==
        "legalName: contains the prohibited word \"赌场\"");

  // Both decisions are the checks', in the log and on the tasks.
  ApiResponse log = auditor.Get("/v1/audit/log?subjectId=" + banned.id);
  REQUIRE(log.status == 200);
  CHECK(log.At("entries.0.actor") == "auto");
  CHECK(log.At("entries.0.action") == "reject");
  CHECK(log.At("entries.0.subject") == "QUALIFICATION");
  CHECK(log.At("entries.0.reasons.0") == "legalName: contains the prohibited word \"赌场\"");
  CHECK(!log.At("entries.0.time").empty());
  const std::string task = FindTask(auditor, "state=APPROVED", clean.id);
  CHECK(!task.empty());
  CHECK(FindTask(auditor, "state=REJECTED&subject=QUALIFICATION", banned.id) != "");
  CHECK(FindTask(auditor, "", clean.id).empty());  // nothing queued

  // The merchant fixes the name and resubmits: a new submission, approved.
  SubmitQualification(banned, "福州小吃有限公司");
  AwaitQualification(banned, "APPROVED");
}

TEST_CASE(
    "With automatic approval off, an auditor decides from the queue and the merchant sees it") {
  World world({"--auto_approve=false"});
  std::string admin_id;
  Api auditor = world.Auditor(&admin_id);

  Merchant a = world.NewMerchant();
  SubmitQualification(a, "福州小店有限公司");
  const std::string task_a = AwaitQueuedTask(auditor, a.id);
  CHECK(a.api.Get("/v1/merchants/" + a.id).At("qualification.state") == "PENDING_AUDIT");

  // Merchants cannot see or decide audit tasks.
  ApiResponse forbidden = a.api.Get("/v1/audit/tasks");
  CHECK(forbidden.status == 403);
  CHECK(forbidden.At("message") == "this call needs the auditor role");
  CHECK(a.api.Post("/v1/audit/tasks/" + task_a + ":decide", R"({"approve":true})").status == 403);
  CHECK(a.api.Get("/v1/audit/log").status == 403);

  // A rejection needs a reason.
  ApiResponse no_reason =
      auditor.Post("/v1/audit/tasks/" + task_a + ":decide", R"({"approve":false})");
  CHECK(no_reason.status == 400);
  CHECK(no_reason.At("details.0.fieldViolations.0.field") == "reasons");
  CHECK(no_reason.At("message").find("reasons") != std::string::npos);

  ApiResponse decided =
      auditor.Post("/v1/audit/tasks/" + task_a + ":decide", R"({"approve":true})");
  REQUIRE(decided.status == 200);
  CHECK(decided.At("state") == "APPROVED");
  CHECK(decided.At("decidedBy") == admin_id);
  AwaitQualification(a, "APPROVED");

  // A task is decided once.
  ApiResponse twice =
      auditor.Post("/v1/audit/tasks/" + task_a + ":decide", R"({"approve":false,"reasons":["x"]})");
  CHECK(twice.status == 400);
  CHECK(twice.At("code") == "9");  // FAILED_PRECONDITION
  CHECK(twice.At("message").find("already APPROVED") != std::string::npos);

  Merchant b = world.NewMerchant();
  SubmitQualification(b, "福州小吃有限公司");
  const std::string task_b = AwaitQueuedTask(auditor, b.id);
  ApiResponse rejected = auditor.Post("/v1/audit/tasks/" + task_b + ":decide",
                                      R"({"approve":false,"reasons":["营业执照照片不清晰"]})");
  REQUIRE(rejected.status == 200);
  CHECK(rejected.At("state") == "REJECTED");
  ApiResponse b_now = AwaitQualification(b, "REJECTED");
  CHECK(b_now.At("qualification.reasons.0") == "营业执照照片不清晰");

  // The log: both decisions, newest first, with who made them.
  ApiResponse log = auditor.Get("/v1/audit/log");
  REQUIRE(log.status == 200);
  CHECK(log.At("entries.0.action") == "reject");
  CHECK(log.At("entries.0.subjectId") == b.id);
  CHECK(log.At("entries.0.actor") == admin_id);
  CHECK(log.At("entries.0.reasons.0") == "营业执照照片不清晰");
  ApiResponse log_a = auditor.Get("/v1/audit/log?subjectId=" + a.id);
  REQUIRE(log_a.status == 200);
  CHECK(log_a.At("entries.0.action") == "approve");
  CHECK(log_a.At("entries.0.actor") == admin_id);
  CHECK(log_a.At("entries.1.action") == "queue");  // the checks sent it to a person
  CHECK(log_a.At("entries.1.actor") == "auto");
  CHECK(log_a.At("entries.2.id").empty());

  // Neither is queued any more.
  CHECK(FindTask(auditor, "state=QUEUED", a.id).empty());
  CHECK(FindTask(auditor, "state=QUEUED", b.id).empty());
}

TEST_CASE(
    "Campaigns through the audit service: clean ones publish, doubtful ones wait for an auditor") {
  World world;
  Api auditor = world.Auditor();
  Merchant m = world.NewMerchant();
  SubmitQualification(m, "福州小店有限公司");
  AwaitQualification(m, "APPROVED");
  const auto await_state = [&](const std::string& id, const std::string& state) {
    ApiResponse last;
    const bool reached = WaitFor(
        [&] {
          last = m.api.Get("/v1/campaigns/" + id);
          return last.At("state") == state;
        },
        kDeadline, absl::Milliseconds(100));
    INFO(last.body);
    REQUIRE(reached);
    return last;
  };
  const auto submit = [&](const std::string& json) {
    ApiResponse draft = m.api.Post("/v1/merchants/" + m.id + "/campaigns", json);
    INFO(draft.body);
    REQUIRE(draft.status == 200);
    REQUIRE(m.api.Post("/v1/campaigns/" + draft.At("id") + ":submit", "{}").status == 200);
    return draft.At("id");
  };

  // Clean: the automatic checks approve it, and it gets its page and code.
  const std::string clean = submit(R"({"title":"Tea for two","mode":"ORDER","template":"coupon",
    "price":{"currency":"CNY","minor":"3800"},"stock":"20"})");
  ApiResponse live = await_state(clean, "PUBLISHED");
  CHECK(!live.At("codeId").empty());
  const std::string page_url = live.At("pageUrl");
  REQUIRE(page_url.find("/m/") != std::string::npos);
  ApiResponse code = m.api.Get("/v1/codes/" + live.At("codeId"));
  REQUIRE(code.status == 200);
  Api visitor = world.NewApi();
  ApiResponse scanned = visitor.Get("/s/" + code.At("slug"));
  CHECK(scanned.status == 302);
  CHECK(scanned.Header("location") == page_url);
  ApiResponse page = visitor.Get(page_url.substr(page_url.find("/m/")));
  CHECK(page.status == 200);
  CHECK(page.body.find("Tea for two") != std::string::npos);

  // A price above the review line waits for a person, who approves it.
  const std::string doubtful = submit(R"({"title":"Banquet hall","mode":"ORDER","template":"coupon",
    "price":{"currency":"CNY","minor":"20000000"},"stock":"2"})");
  const std::string task = AwaitQueuedTask(auditor, doubtful, "CAMPAIGN");
  CHECK(m.api.Get("/v1/campaigns/" + doubtful).At("state") == "PENDING_AUDIT");
  ApiResponse decided = auditor.Post("/v1/audit/tasks/" + task + ":decide", R"({"approve":true})");
  REQUIRE(decided.status == 200);
  CHECK(!await_state(doubtful, "PUBLISHED").At("pageUrl").empty());

  // A prohibited word is rejected automatically, with the reason.
  const std::string banned =
      submit(R"({"title":"赌场 night","mode":"SHOWCASE","template":"showcase"})");
  ApiResponse rejected = await_state(banned, "REJECTED");
  INFO(rejected.body);
  CHECK(rejected.At("rejectReasons.0").find("赌场") != std::string::npos);
}

TEST_CASE("Spelling tricks do not get a prohibited word past the checks") {
  World world;
  // Traditional characters with a zero-width space between them, and a
  // Latin word spelled with a Cyrillic о.
  for (const char* name : {"澳门賭\u200b博有限公司", "C\u043ecaine Trading Co"}) {
    INFO(name);
    Merchant m = world.NewMerchant();
    SubmitQualification(m, name);
    ApiResponse rejected = AwaitQualification(m, "REJECTED");
    CHECK(rejected.At("qualification.reasons.0").find("prohibited word") != std::string::npos);
  }
}

// Polls the merchant until its last profile edit is in `state`.
ApiResponse AwaitProfileReview(Merchant& m, const std::string& state) {
  ApiResponse last;
  const bool reached = WaitFor(
      [&] {
        last = m.api.Get("/v1/merchants/" + m.id);
        return last.status == 200 && last.At("profileReview.state") == state;
      },
      kDeadline, absl::Milliseconds(100));
  INFO(last.body);
  REQUIRE(reached);
  return last;
}

TEST_CASE("Finding 8: an approved merchant's new name reaches its page only through audit") {
  World world;
  Merchant m = world.NewMerchant();
  SubmitQualification(m, "福州小店有限公司");
  AwaitQualification(m, "APPROVED");
  Api visitor = world.NewApi();
  const std::string page = "/m/" + m.id;
  REQUIRE(visitor.Get(page).status == 200);

  // A prohibited name, spelt to slip past: the page keeps the approved name
  // throughout, and only the owner learns why the edit was refused.
  ApiResponse edit =
      m.api.Call("PATCH", "/v1/merchants/" + m.id, "{\"displayName\":\"澳门賭\\u200b博\"}");
  INFO(edit.body);
  REQUIRE(edit.status == 200);
  CHECK(edit.At("displayName") == "福州小店");
  CHECK(edit.At("profileReview.state") == "PENDING_AUDIT");
  CHECK(visitor.Get(page).body.find("澳门") == std::string::npos);
  ApiResponse refused = AwaitProfileReview(m, "REJECTED");
  CHECK(refused.At("profileReview.reasons.0").find("prohibited word") != std::string::npos);
  CHECK(refused.At("displayName") == "福州小店");
  ApiResponse shown = visitor.Get(page);
  CHECK(shown.body.find("福州小店") != std::string::npos);
  CHECK(shown.body.find("澳门") == std::string::npos);
  CHECK(shown.body.find("prohibited") == std::string::npos);

  // A clean new name passes the checks and then shows.
  REQUIRE(m.api.Call("PATCH", "/v1/merchants/" + m.id, R"({"displayName":"福州鱼丸店"})").status ==
          200);
  ApiResponse approved = AwaitProfileReview(m, "APPROVED");
  CHECK(approved.At("displayName") == "福州鱼丸店");
  CHECK(visitor.Get(page).body.find("福州鱼丸店") != std::string::npos);
}

TEST_CASE("A licence another merchant holds is never auto-approved: an auditor decides") {
  World world;
  Api auditor = world.Auditor();
  Merchant owner = world.NewMerchant();
  SubmitQualification(owner, "福州小店有限公司");
  AwaitQualification(owner, "APPROVED");

  // A second merchant submits the same licence and legal name: it waits for
  // a person, who can see why.
  Merchant copycat = world.NewMerchant();
  copycat.license = owner.license;
  SubmitQualification(copycat, "福州小店有限公司");
  const std::string task = AwaitQueuedTask(auditor, copycat.id);
  ApiResponse queued = auditor.Get("/v1/audit/tasks?state=QUEUED&subject=QUALIFICATION");
  INFO(queued.body);
  CHECK(queued.body.find(task) != std::string::npos);
  CHECK(queued.body.find("1 other merchant(s) submitted or hold this licence") !=
        std::string::npos);
  CHECK(copycat.api.Get("/v1/merchants/" + copycat.id).At("qualification.state") ==
        "PENDING_AUDIT");
}

TEST_CASE("The whole merchant cloud flow through REST, audited by the checks and an auditor") {
  // Automatic approval off: the checks run on every submission and record
  // their findings, and an auditor decides each through REST.
  World world({"--auto_approve=false"});
  Api auditor = world.Auditor();
  Merchant m = world.NewMerchant();
  SubmitQualification(m, "福州小店有限公司");
  const std::string qualification_task = AwaitQueuedTask(auditor, m.id);
  REQUIRE(auditor.Post("/v1/audit/tasks/" + qualification_task + ":decide", R"({"approve":true})")
              .status == 200);
  AwaitQualification(m, "APPROVED");

  // A campaign fenced to 500 m around the shop, one per person.
  ApiResponse draft =
      m.api.Post("/v1/merchants/" + m.id + "/campaigns", R"({"title":"鱼丸汤 Fish ball soup",
    "mode":"ORDER","template":"coupon","price":{"currency":"CNY","minor":"1500"},"stock":"20","perPersonLimit":1,
    "fence":{"origin":{"lat":26.0745,"lng":119.2965},"radiusM":500}})");
  REQUIRE(draft.status == 200);
  const std::string id = draft.At("id");
  REQUIRE(m.api.Post("/v1/campaigns/" + id + ":submit", "{}").status == 200);
  const std::string task = AwaitQueuedTask(auditor, id, "CAMPAIGN");
  CHECK(m.api.Get("/v1/campaigns/" + id).At("state") == "PENDING_AUDIT");
  REQUIRE(auditor.Post("/v1/audit/tasks/" + task + ":decide", R"({"approve":true})").status == 200);
  ApiResponse live;
  REQUIRE(WaitFor(
      [&] {
        live = m.api.Get("/v1/campaigns/" + id);
        return live.At("state") == "PUBLISHED" && !live.At("codeId").empty();
      },
      kDeadline, absl::Milliseconds(100)));

  // Page and code; a scan leads to the page.
  Api person = world.NewApi();
  const std::string page_url = live.At("pageUrl");
  CHECK(person.Get(page_url.substr(page_url.find("/m/"))).status == 200);
  ApiResponse code = m.api.Get("/v1/codes/" + live.At("codeId"));
  ApiResponse scanned = person.Get("/s/" + code.At("slug"));
  CHECK(scanned.status == 302);
  CHECK(scanned.Header("location") == page_url);

  // A person orders: outside the fence refused, inside a receipt, a retry
  // the same order, a second order over the limit refused.
  const std::string login = absl::StrCat(UniqueName("buyer"), "@example.com");
  REQUIRE(person
              .Post("/v1/accounts", absl::StrCat(R"({"kind":"PERSON","login":")", login,
                                                 R"(","password":"correct-horse"})"))
              .status == 200);
  person.set_token(person
                       .Post("/v1/sessions", absl::StrCat(R"({"login":")", login,
                                                          R"(","password":"correct-horse"})"))
                       .At("token"));
  const std::string orders = "/v1/campaigns/" + id + "/orders";
  ApiResponse outside =
      person.Post(orders, R"({"requestId":"flow-0","location":{"lat":26.0900,"lng":119.2965}})");
  CHECK(outside.status == 403);
  CHECK(outside.At("message").find("within 500 m") != std::string::npos);
  const std::string inside = R"({"requestId":"flow-1","location":{"lat":26.0760,"lng":119.2970}})";
  ApiResponse first = person.Post(orders, inside);
  REQUIRE(first.status == 200);
  const std::string token = first.At("order.receipt.token");
  REQUIRE(!token.empty());
  CHECK(person.Post(orders, inside).At("order.id") == first.At("order.id"));
  ApiResponse over =
      person.Post(orders, R"({"requestId":"flow-2","location":{"lat":26.0760,"lng":119.2970}})");
  CHECK(over.status == 400);
  CHECK(over.At("message").find("limit is 1 per person") != std::string::npos);
  CHECK(m.api.Get("/v1/campaigns/" + id).At("stockLeft") == "19");

  // Redeemed once; again 409; another merchant and an altered token refused.
  const std::string redeem = absl::StrCat(R"({"token":")", token, R"("})");
  ApiResponse redeemed = m.api.Post("/v1/receipts:redeem", redeem);
  REQUIRE(redeemed.status == 200);
  CHECK(redeemed.At("order.state") == "REDEEMED");
  CHECK(m.api.Post("/v1/receipts:redeem", redeem).status == 409);
  Merchant other = world.NewMerchant();
  CHECK(other.api.Post("/v1/receipts:redeem", redeem).status == 404);
  std::string altered = token;
  altered[60] = altered[60] == 'A' ? 'B' : 'A';
  ApiResponse fake =
      m.api.Post("/v1/receipts:redeem", absl::StrCat(R"({"token":")", altered, R"("})"));
  CHECK(fake.status == 400);
  CHECK(fake.At("details.0.fieldViolations.0.field") == "token");
}

TEST_CASE("A decision made while the center is down reaches it once the center is back") {
  World world({"--auto_approve=false"});
  Api auditor = world.Auditor();
  Merchant m = world.NewMerchant();
  SubmitQualification(m, "福州小店有限公司");
  const std::string task = AwaitQueuedTask(auditor, m.id);

  world.stack->StopCenter();
  ApiResponse decided = auditor.Post("/v1/audit/tasks/" + task + ":decide", R"({"approve":true})");
  REQUIRE(decided.status == 200);  // recorded by the audit service alone
  CHECK(decided.At("state") == "APPROVED");

  // Kept in the audit database, undelivered, while the center is away.
  store::MysqlOptions o = Env().mysql;
  o.database = world.stack->audit_database();
  auto mysql = store::MysqlPool::Create(o);
  REQUIRE(mysql.ok());
  auto undelivered = [&] {
    auto conn = (*mysql)->Acquire();
    REQUIRE(conn.ok());
    auto row = (*conn)->QueryOne(
        "SELECT applied_at IS NULL AS waiting, attempts FROM decisions WHERE task_id = ?", {task});
    REQUIRE(row.ok());
    return std::make_pair(row->Bool("waiting"), row->Int("attempts"));
  };
  CHECK(WaitFor([&] { return undelivered().second >= 1; }, kDeadline));  // tried, and failed
  CHECK(undelivered().first);

  REQUIRE(world.stack->StartCenter().ok());
  AwaitQualification(m, "APPROVED", absl::Seconds(60));
  CHECK(WaitFor([&] { return !undelivered().first; }, kDeadline));
}

}  // namespace
}  // namespace qrcloud::testing
