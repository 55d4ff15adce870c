// The audit service's tables, intake, queue and delivery loop against the
// fixture's MariaDB, with a fake center.
#include <catch2/catch.hpp>

#include <deque>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"
#include "services/audit/audit_service.h"
#include "services/audit/audit_store.h"
#include "services/audit/decision_applier.h"
#include "services/audit/migrations.h"
#include "services/audit/rules.h"
#include "services/audit/submission_consumer.h"
#include "services/audit/submission_intake.h"
#include "tests/support/test_env.h"

namespace qrcloud::audit {
namespace {

using testing::FreshDatabase;

constexpr char kCleanMerchant[] =
    R"({"id":"01jq0000000000000000000m01","displayName":"福州小店","qualification":)"
    R"({"state":"PENDING_AUDIT","licenseNumber":"91350100M000100Y43","legalName":"福州小店有限公司"},)"
    R"("someFieldFromTheFuture":true})";
constexpr char kBannedMerchant[] =
    R"({"id":"01jq0000000000000000000m02","displayName":"x","qualification":)"
    R"({"licenseNumber":"91350100M000100Y43","legalName":"福州赌场有限公司"}})";

struct Db {
  std::unique_ptr<store::MysqlPool> mysql;
  std::unique_ptr<AuditStore> store;
};

Db FreshAuditDb() {
  auto mysql = store::MysqlPool::Create(FreshDatabase("audit"));
  REQUIRE(mysql.ok());
  REQUIRE(store::Migrate(**mysql, "audit", Migrations()).ok());
  Db db;
  db.mysql = *std::move(mysql);
  db.store = std::make_unique<AuditStore>(*db.mysql);
  return db;
}

Rules TestRules() {
  RuleOptions o;
  auto words = BannedWords::Parse("赌场\n");
  REQUIRE(words.ok());
  o.banned_words = *std::move(words);
  return Rules(std::move(o));
}

// A center that answers with the statuses it is given, in turn, then OK.
class FakeCenter : public DecisionTarget {
 public:
  absl::Status Send(v1::AuditTask::Subject subject, const v1::AuditDecision& decision) override {
    absl::MutexLock lock(&mu_);
    received_.push_back(decision);
    if (answers_.empty()) return absl::OkStatus();
    absl::Status s = answers_.front();
    answers_.pop_front();
    return s;
  }
  void Answer(absl::Status s) {
    absl::MutexLock lock(&mu_);
    answers_.push_back(std::move(s));
  }
  std::vector<v1::AuditDecision> received() {
    absl::MutexLock lock(&mu_);
    return received_;
  }

 private:
  absl::Mutex mu_;
  std::deque<absl::Status> answers_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::AuditDecision> received_ ABSL_GUARDED_BY(mu_);
};

int64_t Count(store::MysqlPool& mysql, const std::string& sql) {
  auto conn = mysql.Acquire();
  REQUIRE(conn.ok());
  auto row = (*conn)->QueryOne(sql);
  REQUIRE(row.ok());
  return row->Int("n");
}

rpc::CallContext CallAs(const auth::Principal& p) {
  rpc::CallContext c;
  c.principal = &p;
  return c;
}

auth::Principal Auditor() {
  auth::Principal p;
  p.account_id = "01jq00000000000000000audit1";
  p.kind = "STAFF";
  p.Grant(auth::Role::kAuditor);
  return p;
}

TEST_CASE("The audit log refuses UPDATE and DELETE in the database itself") {
  Db db = FreshAuditDb();
  REQUIRE(db.mysql
              ->Transaction([&](store::Connection& conn) {
                return db.store->AppendLog(conn, {"auto",
                                                  "approve",
                                                  v1::AuditTask::QUALIFICATION,
                                                  "m1",
                                                  "t1",
                                                  "s1",
                                                  {"fine"},
                                                  absl::Now()});
              })
              .ok());
  auto conn = db.mysql->Acquire();
  REQUIRE(conn.ok());
  absl::Status update = (*conn)->Execute("UPDATE audit_log SET actor = 'someone-else'").status();
  CHECK_FALSE(update.ok());
  CHECK(update.message().find("append-only") != std::string::npos);
  absl::Status remove = (*conn)->Execute("DELETE FROM audit_log").status();
  CHECK_FALSE(remove.ok());
  CHECK(remove.message().find("append-only") != std::string::npos);
  auto row = (*conn)->QueryOne("SELECT COUNT(*) AS n, MIN(actor) AS actor FROM audit_log");
  REQUIRE(row.ok());
  CHECK(row->Int("n") == 1);
  CHECK(row->String("actor") == "auto");
}

TEST_CASE("Intake decides by the rules, and a re-delivered event creates nothing twice") {
  Db db = FreshAuditDb();
  const Rules rules = TestRules();
  core::FakeClock clock;
  SubmissionIntake intake(*db.store, rules, clock, /*auto_approve=*/true);

  auto first =
      intake.Accept("01jq00000000000000000event1", kQualificationSubmitted, kCleanMerchant);
  REQUIRE(first.ok());
  CHECK(*first == IntakeOutcome::kCreated);
  auto again =
      intake.Accept("01jq00000000000000000event1", kQualificationSubmitted, kCleanMerchant);
  REQUIRE(again.ok());
  CHECK(*again == IntakeOutcome::kReplayed);
  CHECK(Count(*db.mysql, "SELECT COUNT(*) AS n FROM tasks") == 1);
  CHECK(Count(*db.mysql, "SELECT COUNT(*) AS n FROM decisions") == 1);
  CHECK(Count(*db.mysql, "SELECT COUNT(*) AS n FROM audit_log") == 1);

  auto approved = db.store->GetTaskBySubmission("01jq00000000000000000event1");
  REQUIRE(approved.ok());
  CHECK(approved->task.state() == v1::AuditTask::APPROVED);
  CHECK(approved->task.subject() == v1::AuditTask::QUALIFICATION);
  CHECK(approved->task.subject_id() == "01jq0000000000000000000m01");
  CHECK(approved->task.decided_by() == "auto");
  CHECK(approved->task.snapshot_json() == kCleanMerchant);

  REQUIRE(
      intake.Accept("01jq00000000000000000event2", kQualificationSubmitted, kBannedMerchant).ok());
  auto rejected = db.store->GetTaskBySubmission("01jq00000000000000000event2");
  REQUIRE(rejected.ok());
  CHECK(rejected->task.state() == v1::AuditTask::REJECTED);
  REQUIRE(rejected->task.reasons_size() == 1);
  CHECK(rejected->task.reasons(0) == "legalName: contains the prohibited word \"赌场\"");
  CHECK(rejected->task.findings(0) == "REJECT legalName: contains the prohibited word \"赌场\"");

  SubmissionIntake manual(*db.store, rules, clock, /*auto_approve=*/false);
  REQUIRE(
      manual.Accept("01jq00000000000000000event3", kQualificationSubmitted, kCleanMerchant).ok());
  auto queued = db.store->GetTaskBySubmission("01jq00000000000000000event3");
  REQUIRE(queued.ok());
  CHECK(queued->task.state() == v1::AuditTask::QUEUED);
  CHECK(queued->task.decided_by().empty());
  CHECK(Count(*db.mysql, "SELECT COUNT(*) AS n FROM decisions") == 2);  // none for the queued one
}

TEST_CASE("Intake skips types it does not audit and refuses events it cannot read") {
  Db db = FreshAuditDb();
  const Rules rules = TestRules();
  core::FakeClock clock;
  SubmissionIntake intake(*db.store, rules, clock, true);
  auto skipped = intake.Accept("e1", "order.placed", "{}");
  REQUIRE(skipped.ok());
  CHECK(*skipped == IntakeOutcome::kSkipped);
  CHECK(intake.Accept("e2", kQualificationSubmitted, "not json").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(intake.Accept("", kQualificationSubmitted, kCleanMerchant).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(intake.Accept("e3", kCampaignSubmitted, R"({"title":"no id"})").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(Count(*db.mysql, "SELECT COUNT(*) AS n FROM tasks") == 0);

  // A campaign is taken in like a qualification.
  REQUIRE(
      intake
          .Accept(
              "e4", kCampaignSubmitted,
              R"({"id":"c1","merchantId":"m1","title":"t","mode":"SHOWCASE","template":"menu"})")
          .ok());
  auto task = db.store->GetTaskBySubmission("e4");
  REQUIRE(task.ok());
  CHECK(task->task.subject() == v1::AuditTask::CAMPAIGN);
  CHECK(task->task.merchant_id() == "m1");
  CHECK(task->task.state() == v1::AuditTask::APPROVED);
}

TEST_CASE("Delivery retries with backoff until the center takes the decision") {
  Db db = FreshAuditDb();
  const Rules rules = TestRules();
  core::FakeClock clock;
  SubmissionIntake intake(*db.store, rules, clock, true);
  REQUIRE(
      intake.Accept("01jq00000000000000000event1", kQualificationSubmitted, kCleanMerchant).ok());

  FakeCenter center;
  center.Answer(absl::UnavailableError("center down"));
  center.Answer(absl::UnavailableError("center still down"));
  ApplierOptions options;
  options.first_backoff = absl::Seconds(1);
  options.max_backoff = absl::Seconds(4);
  DecisionApplier applier(*db.store, center, clock, options);

  auto n = applier.ApplyDue();
  REQUIRE(n.ok());
  CHECK(*n == 0);                   // refused; due again in 1 s
  CHECK(*applier.ApplyDue() == 0);  // not yet due
  CHECK(center.received().size() == 1);
  clock.Advance(absl::Seconds(1));
  CHECK(*applier.ApplyDue() == 0);  // refused again; due in 2 s
  clock.Advance(absl::Seconds(1));
  CHECK(*applier.ApplyDue() == 0);
  CHECK(center.received().size() == 2);
  clock.Advance(absl::Seconds(1));
  CHECK(*applier.ApplyDue() == 1);
  const auto received = center.received();
  REQUIRE(received.size() == 3);
  CHECK(received[2].subject_id() == "01jq0000000000000000000m01");
  CHECK(received[2].submission_id() == "01jq00000000000000000event1");
  CHECK(received[2].approve());
  CHECK(received[2].decided_by() == "auto");
  CHECK(Count(*db.mysql,
              "SELECT COUNT(*) AS n FROM decisions WHERE applied_at IS NOT NULL "
              "AND outcome = 'applied' AND attempts = 3") == 1);
  clock.Advance(absl::Minutes(5));
  CHECK(*applier.ApplyDue() == 0);  // delivered once
  CHECK(center.received().size() == 3);

  CHECK(RetryDelay(1, options) == absl::Seconds(1));
  CHECK(RetryDelay(3, options) == absl::Seconds(4));
  CHECK(RetryDelay(30, options) == absl::Seconds(4));
}

TEST_CASE("A superseded submission or a vanished subject ends delivery") {
  Db db = FreshAuditDb();
  const Rules rules = TestRules();
  core::FakeClock clock;
  SubmissionIntake intake(*db.store, rules, clock, true);
  REQUIRE(intake.Accept("e1", kQualificationSubmitted, kCleanMerchant).ok());
  REQUIRE(intake.Accept("e2", kQualificationSubmitted, kBannedMerchant).ok());
  FakeCenter center;
  center.Answer(
      absl::FailedPreconditionError("submission e1 is not the merchant's pending qualification"));
  center.Answer(absl::NotFoundError("merchant gone"));
  DecisionApplier applier(*db.store, center, clock);
  CHECK(*applier.ApplyDue() == 2);
  CHECK(Count(*db.mysql, "SELECT COUNT(*) AS n FROM decisions WHERE outcome = 'superseded'") == 1);
  CHECK(Count(*db.mysql, "SELECT COUNT(*) AS n FROM decisions WHERE outcome = 'subject_gone'") ==
        1);
  CHECK(*db.store->CountUndelivered() == 0);
}

TEST_CASE("Auditors list the queue, decide once, and the log shows who decided what") {
  Db db = FreshAuditDb();
  const Rules rules = TestRules();
  core::FakeClock clock;
  SubmissionIntake intake(*db.store, rules, clock, /*auto_approve=*/false);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(intake.Accept(absl::StrCat("e", i), kQualificationSubmitted, kCleanMerchant).ok());
    clock.Advance(absl::Milliseconds(5));
  }
  AuditLogic logic(*db.store, nullptr, clock);
  const auth::Principal auditor = Auditor();

  v1::ListTasksRequest list;
  list.mutable_page()->set_page_size(2);
  v1::ListTasksResponse page1;
  REQUIRE(logic.ListTasks(CallAs(auditor), list, page1).ok());
  REQUIRE(page1.tasks_size() == 2);
  CHECK(page1.tasks(0).id() < page1.tasks(1).id());  // oldest first
  REQUIRE(!page1.page().next_page_token().empty());
  list.mutable_page()->set_page_token(page1.page().next_page_token());
  v1::ListTasksResponse page2;
  REQUIRE(logic.ListTasks(CallAs(auditor), list, page2).ok());
  REQUIRE(page2.tasks_size() == 1);
  CHECK(page2.page().next_page_token().empty());

  const std::string id = page1.tasks(0).id();
  v1::DecideTaskRequest decide;
  decide.set_id(id);
  decide.set_approve(false);
  v1::AuditTask task;
  absl::Status no_reasons = logic.DecideTask(CallAs(auditor), decide, task);
  CHECK(no_reasons.code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolations(no_reasons).at(0).field == "reasons");
  decide.add_reasons("  ");
  CHECK(logic.DecideTask(CallAs(auditor), decide, task).code() ==
        absl::StatusCode::kInvalidArgument);

  decide.clear_reasons();
  decide.add_reasons("the licence photo is unreadable");
  REQUIRE(logic.DecideTask(CallAs(auditor), decide, task).ok());
  CHECK(task.state() == v1::AuditTask::REJECTED);
  CHECK(task.decided_by() == auditor.account_id);
  CHECK(task.reasons(0) == "the licence photo is unreadable");

  decide.set_approve(true);
  absl::Status twice = logic.DecideTask(CallAs(auditor), decide, task);
  CHECK(twice.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(twice.message().find("already REJECTED") != std::string::npos);

  v1::DecideTaskRequest approve;
  approve.set_id(page1.tasks(1).id());
  approve.set_approve(true);
  REQUIRE(logic.DecideTask(CallAs(auditor), approve, task).ok());
  CHECK(task.state() == v1::AuditTask::APPROVED);

  v1::DecideTaskRequest missing;
  missing.set_id(core::NewId());
  missing.set_approve(true);
  CHECK(logic.DecideTask(CallAs(auditor), missing, task).code() == absl::StatusCode::kNotFound);

  // Two decisions for delivery, each the auditor's.
  CHECK(
      Count(
          *db.mysql,
          "SELECT COUNT(*) AS n FROM decisions WHERE decided_by = '01jq00000000000000000audit1'") ==
      2);

  v1::ListAuditLogRequest log_request;
  v1::ListAuditLogResponse log;
  REQUIRE(logic.ListAuditLog(CallAs(auditor), log_request, log).ok());
  REQUIRE(log.entries_size() == 5);             // three queued by the checks, two decisions
  CHECK(log.entries(0).action() == "approve");  // newest first
  CHECK(log.entries(0).actor() == auditor.account_id);
  CHECK(log.entries(1).action() == "reject");
  CHECK(log.entries(1).reasons(0) == "the licence photo is unreadable");
  CHECK(log.entries(4).action() == "queue");
  CHECK(log.entries(4).actor() == "auto");

  // Only auditors (and admins).
  auth::Principal merchant;
  merchant.account_id = "m";
  merchant.Grant(auth::Role::kMerchant);
  absl::Status denied = logic.ListTasks(CallAs(merchant), list, page2);
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  CHECK(denied.message() == "this call needs the auditor role");
  CHECK(logic.DecideTask(CallAs(merchant), approve, task).code() ==
        absl::StatusCode::kPermissionDenied);
  CHECK(logic.ListAuditLog(CallAs(merchant), log_request, log).code() ==
        absl::StatusCode::kPermissionDenied);
  auth::Principal admin;
  admin.Grant(auth::Role::kAdmin);
  CHECK(logic.ListTasks(CallAs(admin), list, page2).ok());

  list.mutable_page()->set_page_size(201);
  CHECK(core::FieldViolations(logic.ListTasks(CallAs(auditor), list, page2)).at(0).field ==
        "page.pageSize");
}

}  // namespace
}  // namespace qrcloud::audit
