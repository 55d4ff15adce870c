// qrcloudctl end to end: the real binary, run as a user would run it, against
// real center and gateway processes; what it changed is read back over REST.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/qr/image.h"
#include "libs/qr/image_io.h"
#include "tests/support/api.h"
#include "tests/support/flow.h"
#include "tests/support/stack.h"
#include "tests/support/test_env.h"

extern char** environ;

namespace qrcloud::testing {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

constexpr char kLicense[] = "91350100M000100Y43";
constexpr char kPassword[] = "correct-horse";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CtlResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A person at a shell with a home directory of their own: runs qrcloudctl
// with HOME (and, if asked, XDG_CONFIG_HOME) pointing into the test's
// directory, so the real home is never touched.
class User {
 public:
  explicit User(bool use_xdg = false)
      : home_(absl::StrCat(Env().dir, "/", UniqueName("ctl-home"))), use_xdg_(use_xdg) {
    REQUIRE(mkdir(home_.c_str(), 0755) == 0);
  }

  std::string credentials_path() const {
    return use_xdg_ ? absl::StrCat(home_, "/xdg/qrcloud/credentials")
                    : absl::StrCat(home_, "/.config/qrcloud/credentials");
  }

  // Starts `qrcloudctl args…` without waiting (a watch), with the test's
  // environment (so give --center and --token); stdout and stderr go to
  // `log_path`. Stopped when the Process is destroyed.
  static std::unique_ptr<Process> Start(const std::vector<std::string>& args,
                                        const std::string& log_path) {
    auto p = Process::Spawn("qrcloudctl", args, {}, log_path);
    REQUIRE(p.ok());
    return *std::move(p);
  }

  const std::string& home() const { return home_; }

  // Runs `qrcloudctl args…` in a session of its own (no controlling
  // terminal, so it never waits on a password prompt), stdin empty. `env`
  // comes on top of the test's environment without any QRCLOUD_ variable.
  CtlResult Run(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                const std::string& stdin_path = "/dev/null") {
    std::vector<std::string> argv_store = {QRCLOUDCTL_PATH};
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    std::vector<std::string> env_store;
    for (char** e = environ; *e != nullptr; ++e) {
      const absl::string_view var(*e);
      if (!absl::StartsWith(var, "QRCLOUD_") && !absl::StartsWith(var, "HOME=") &&
          !absl::StartsWith(var, "XDG_CONFIG_HOME=")) {
        env_store.emplace_back(var);
      }
    }
    env_store.push_back("HOME=" + home_);
    if (use_xdg_) env_store.push_back(absl::StrCat("XDG_CONFIG_HOME=", home_, "/xdg"));
    env_store.insert(env_store.end(), env.begin(), env.end());

    const std::string out_path = absl::StrCat(home_, "/", ++runs_, ".out");
    const std::string err_path = absl::StrCat(home_, "/", runs_, ".err");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, stdin_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv_store[0].c_str(), &actions, &attr,
                               Pointers(argv_store).data(), Pointers(env_store).data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CtlResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadFile(out_path);
    r.err = ReadFile(err_path);
    return r;
  }

  // Runs and requires the exit code, showing the command and its output if not.
  CtlResult Expect(int exit_code, const std::vector<std::string>& args,
                   const std::vector<std::string>& env = {},
                   const std::string& stdin_path = "/dev/null") {
    CtlResult r = Run(args, env, stdin_path);
    INFO("qrcloudctl " << absl::StrJoin(args, " ") << "\nstdout:\n"
                       << r.out << "stderr:\n"
                       << r.err);
    REQUIRE(r.exit_code == exit_code);
    return r;
  }

 private:
  static std::vector<char*> Pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (std::string& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
  }

  std::string home_;
  bool use_xdg_;
  int runs_ = 0;
};

std::unique_ptr<Stack> StartStack() {
  auto stack = Stack::Start();
  INFO((stack.ok() ? "" : std::string(stack.status().message())));
  REQUIRE(stack.ok());
  return *std::move(stack);
}

struct Merchant {
  std::string login;
  std::string merchant_id;
};

// Registers a merchant account over REST, as the web console would.
Merchant RegisterMerchant(Api& api, const std::string& name) {
  Merchant m;
  m.login = absl::StrCat(UniqueName("shop"), "@example.com");
  ApiResponse created = api.Post(
      "/v1/accounts", absl::StrCat(R"({"kind":"MERCHANT","login":")", m.login, R"(","password":")",
                                   kPassword, R"(","displayName":")", name, R"("})"));
  REQUIRE(created.status == 200);
  m.merchant_id = created.At("account.merchantId");
  REQUIRE(!m.merchant_id.empty());
  return m;
}

std::string SignIn(Api& api, const std::string& login) {
  ApiResponse session =
      api.Post("/v1/sessions",
               absl::StrCat(R"({"login":")", login, R"(","password":")", kPassword, R"("})"));
  REQUIRE(session.status == 200);
  return session.At("token");
}

// The value of `key=` in the credentials file.
std::string SavedValue(const std::string& credentials, absl::string_view key) {
  std::istringstream in(credentials);
  for (std::string line; std::getline(in, line);) {
    if (absl::StartsWith(line, absl::StrCat(key, "="))) return line.substr(key.size() + 1);
  }
  return "";
}

TEST_CASE("A merchant signs in with qrcloudctl, edits its profile, qualifies, locates, signs out") {
  auto stack = StartStack();
  Api api("127.0.0.1", stack->gateway_port());
  const Merchant m = RegisterMerchant(api, "福州小店");
  api.set_token(SignIn(api, m.login));
  const std::string merchant_path = "/v1/merchants/" + m.merchant_id;
  User user;

  // login saves the session (and the center) in a file only the user can read.
  CtlResult login = user.Expect(0, {"--center=" + stack->center_address(), "login", m.login,
                                    absl::StrCat("--password=", kPassword)});
  CHECK(JsonAt(login.out, "account.login") == m.login);
  CHECK_THAT(login.out, !Contains("qrs_"));  // the token goes to the file only
  struct stat st;
  REQUIRE(stat(user.credentials_path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::string credentials_dir =
      user.credentials_path().substr(0, user.credentials_path().rfind('/'));
  REQUIRE(stat(credentials_dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  const std::string saved = ReadFile(user.credentials_path());
  const std::string token = SavedValue(saved, "token");
  CHECK_THAT(token, StartsWith("qrs_"));
  CHECK(SavedValue(saved, "center") == stack->center_address());

  // Later commands need neither --token nor --center.
  CtlResult me = user.Expect(0, {"whoami"});
  CHECK(JsonAt(me.out, "account.login") == m.login);
  CHECK(JsonAt(me.out, "account.merchantId") == m.merchant_id);
  CHECK(JsonAt(me.out, "credential") == "session");
  CHECK_THAT(me.out, StartsWith("{\n  \"account\": {\n    \""));  // pretty, two-space indent
  CtlResult me_text = user.Expect(0, {"--output=text", "whoami"});
  CHECK_THAT(me_text.out, Contains("account.merchantId: " + m.merchant_id + "\n"));

  CtlResult got = user.Expect(0, {"merchant", "get"});
  CHECK(JsonAt(got.out, "id") == m.merchant_id);
  CHECK(JsonAt(got.out, "displayName") == "福州小店");

  // update changes exactly the fields named.
  CtlResult updated = user.Expect(
      0, {"merchant", "update", "description=Hotpot since 1998", "contactPhone=+86 591 8888 6666"});
  CHECK(JsonAt(updated.out, "description") == "Hotpot since 1998");
  ApiResponse after_update = api.Get(merchant_path);
  REQUIRE(after_update.status == 200);
  CHECK(after_update.At("description") == "Hotpot since 1998");
  CHECK(after_update.At("contactPhone") == "+86 591 8888 6666");
  CHECK(after_update.At("displayName") == "福州小店");
  user.Expect(0, {"merchant", "update", m.merchant_id, "displayName=New name"});
  ApiResponse renamed = api.Get(merchant_path);
  CHECK(renamed.At("displayName") == "New name");
  CHECK(renamed.At("description") == "Hotpot since 1998");
  CHECK(renamed.At("websiteUrl").empty());

  // qualify: a wrong check character names the field; a good licence goes to audit.
  CtlResult bad = user.Expect(3, {"merchant", "qualify", "91350100M000100Y44", "福州小店有限公司"});
  CHECK_THAT(bad.err, StartsWith("error: INVALID_ARGUMENT: "));
  CHECK_THAT(bad.err, Contains("\n  licenseNumber: "));
  CHECK(api.Get(merchant_path).At("qualification.licenseNumber").empty());
  CtlResult qualified = user.Expect(0, {"merchant", "qualify", kLicense, "福州小店有限公司"});
  CHECK(JsonAt(qualified.out, "merchant.qualification.state") == "PENDING_AUDIT");
  CHECK(api.Get(merchant_path).At("qualification.state") == "PENDING_AUDIT");

  // locate: negative degrees are coordinates, not flags; the id may be given.
  user.Expect(0, {"merchant", "locate", "-33.8688", "-70.6693", "Santiago"});
  ApiResponse south = api.Get(merchant_path);
  CHECK(south.At("location.lat") == "-33.8688");
  CHECK(south.At("location.lng") == "-70.6693");
  CHECK(south.At("address") == "Santiago");
  CtlResult located =
      user.Expect(0, {"merchant", "locate", m.merchant_id, "26.0745", "119.2965", "福州市鼓楼区"});
  CHECK(JsonAt(located.out, "merchant.address") == "福州市鼓楼区");
  ApiResponse fuzhou = api.Get(merchant_path);
  CHECK(fuzhou.At("location.lat") == "26.0745");
  CHECK_THAT(fuzhou.body, Contains(R"("lng":119.2965)"));

  // logout ends the session on the server and forgets it here.
  user.Expect(0, {"logout"});
  CHECK(access(user.credentials_path().c_str(), F_OK) != 0);
  Api old("127.0.0.1", stack->gateway_port());
  old.set_token(token);
  CHECK(old.Get(merchant_path).status == 401);
  CHECK(api.Get(merchant_path).status == 200);  // other sessions live on
  CtlResult after = user.Expect(4, {"--center=" + stack->center_address(), "whoami"});
  CHECK_THAT(after.err, Contains("qrcloudctl login"));
}

// The audit desk's administrator, as tools/up makes it: its password.
std::string AdminPassword(Stack& stack) {
  const std::string password_file = stack.dir() + "/admin-password";
  REQUIRE(RunToCompletion("qrcloud-center", {"ensure-admin", "admin@qrcloud.local", password_file},
                          stack.env(), stack.dir() + "/ensure-admin.log")
              .ok());
  std::ifstream in(password_file);
  std::string password;
  std::getline(in, password);
  return password;
}

// Waits for the audit service to queue a task about `subject_id`, as the
// auditor sees it with `qrcloudctl audit list`; its id.
std::string AwaitTask(User& auditor, const std::vector<std::string>& env,
                      const std::string& subject, const std::string& subject_id) {
  std::string id;
  REQUIRE(WaitFor(
      [&] {
        CtlResult r = auditor.Run({"audit", "list", "--subject=" + subject}, env);
        for (int i = 0;
             r.exit_code == 0 && !JsonAt(r.out, absl::StrCat("tasks.", i, ".id")).empty(); ++i) {
          if (JsonAt(r.out, absl::StrCat("tasks.", i, ".subjectId")) == subject_id) {
            id = JsonAt(r.out, absl::StrCat("tasks.", i, ".id"));
          }
        }
        return !id.empty();
      },
      absl::Seconds(30), absl::Milliseconds(200)));
  return id;
}

// Polls `qrcloudctl args` (JSON out) until `path` reads `value`; the last output.
std::string AwaitValue(User& user, const std::vector<std::string>& args,
                       const std::vector<std::string>& env, const std::string& path,
                       const std::string& value) {
  std::string out;
  const bool reached = WaitFor(
      [&] {
        out = user.Run(args, env).out;
        return JsonAt(out, path) == value;
      },
      absl::Seconds(30), absl::Milliseconds(200));
  INFO(out);
  REQUIRE(reached);
  return out;
}

int Lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST_CASE(
    "The merchant cloud flow, all through qrcloudctl: audit, codes, sheets, live orders, "
    "redemption") {
  auto s = Stack::Start({.audit = true, .audit_flags = {"--auto_approve=false"}});
  INFO((s.ok() ? "" : std::string(s.status().message())));
  REQUIRE(s.ok());
  Stack& stack = **s;
  Api api("127.0.0.1", stack.gateway_port());
  // Registration is the one REST step of the merchant's.
  const Merchant m = RegisterMerchant(api, "福州鱼丸店");
  const std::vector<std::string> at = {
      "QRCLOUD_CENTER=" + stack.center_address(),
      absl::StrCat("QRCLOUD_AUDIT=127.0.0.1:", stack.audit_port())};
  User shop;
  User desk;
  shop.Expect(0, {"login", m.login, absl::StrCat("--password=", kPassword)}, at);
  desk.Expect(0, {"login", "admin@qrcloud.local", "--password=" + AdminPassword(stack)}, at);

  // The session token is a secret: printed only when asked.
  CHECK_THAT(shop.Expect(0, {"whoami"}, at).out, !Contains("qrs_"));
  CHECK_THAT(shop.Expect(0, {"whoami", "--show-token"}, at).out, Contains("\nqrs_"));

  // Help: per command, with an example, and no build paths anywhere.
  CtlResult help = shop.Expect(0, {"--help"});
  CHECK_THAT(help.out, Contains("code sheet <batch-id> --out=<file.pdf>"));
  CHECK_THAT(help.out, !Contains(".cc") && !Contains("Flags from"));
  CtlResult sheet_help = shop.Expect(0, {"code", "sheet", "--help"});
  CHECK_THAT(sheet_help.out, Contains("example:\n  qrcloudctl code sheet"));

  // Qualification, decided by an auditor at the audit desk.
  shop.Expect(0, {"merchant", "qualify", UniqueLicense(), "福州鱼丸店有限公司"}, at);
  const std::string qualification = AwaitTask(desk, at, "QUALIFICATION", m.merchant_id);
  CtlResult task = desk.Expect(0, {"audit", "show", qualification}, at);
  CHECK(JsonAt(task.out, "subjectId") == m.merchant_id);
  CHECK(JsonAt(task.out, "state") == "QUEUED");
  shop.Expect(4, {"audit", "approve", qualification}, at);  // a merchant is no auditor
  desk.Expect(0, {"audit", "approve", qualification}, at);
  CHECK_THAT(desk.Expect(6, {"audit", "approve", qualification}, at).err,
             StartsWith("error: FAILED_PRECONDITION: "));
  AwaitValue(shop, {"merchant", "get"}, at, "qualification.state", "APPROVED");

  // Bad campaign files: one line naming the problem, exit 2, nothing created.
  const std::string dir = shop.home();
  std::ofstream(dir + "/unknown.yaml") << "title: Soup\ncolour: red\n";
  std::ofstream(dir + "/type.yaml") << "title: 5\nmode: ORDER\n";
  CtlResult unknown = shop.Expect(2, {"campaign", "create", "--file=" + dir + "/unknown.yaml"}, at);
  CHECK(Lines(unknown.err) == 1);
  CHECK_THAT(unknown.err, Contains("unknown.yaml: colour: unknown field \"colour\""));
  CtlResult type = shop.Expect(2, {"campaign", "create", "--file=" + dir + "/type.yaml"}, at);
  CHECK(Lines(type.err) == 1);
  CHECK_THAT(type.err, Contains("type.yaml: title: ") && Contains("expected string"));
  CtlResult missing = shop.Expect(2, {"campaign", "create", "--file=" + dir + "/none.yaml"}, at);
  CHECK_THAT(missing.err, StartsWith("error: cannot read " + dir + "/none.yaml: No such file"));
  CHECK(JsonAt(shop.Expect(0, {"campaign", "list"}, at).out, "campaigns.0.id").empty());

  // A campaign from a file, submitted, approved at the desk, published.
  std::ofstream(dir + "/soup.yaml")
      << "title: 鱼丸汤 Fish ball soup\nmode: ORDER\ntemplate: coupon\n"
         "price: {currency: CNY, minor: 1500}\nstock: 20\n"
         "perPersonLimit: 2\ntags: [soup, 福州]\n";
  CtlResult created = shop.Expect(0, {"campaign", "create", "--file=" + dir + "/soup.yaml"}, at);
  const std::string id = JsonAt(created.out, "id");
  REQUIRE(!id.empty());
  CHECK(JsonAt(created.out, "state") == "DRAFT");
  CHECK(JsonAt(created.out, "price.minor") == "1500");
  CHECK(JsonAt(shop.Expect(0, {"campaign", "submit", id}, at).out, "state") == "PENDING_AUDIT");
  desk.Expect(0, {"audit", "approve", AwaitTask(desk, at, "CAMPAIGN", id)}, at);
  const std::string live = AwaitValue(shop, {"campaign", "get", id}, at, "state", "PUBLISHED");
  const std::string code_id = JsonAt(live, "codeId");
  REQUIRE(!code_id.empty());
  CHECK_THAT(shop.Expect(0, {"--output=text", "campaign", "list"}, at).out,
             StartsWith("ID ") && Contains("鱼丸汤 Fish ball soup") && Contains("15.00 CNY"));
  CHECK_THAT(shop.Expect(0, {"--output=yaml", "campaign", "get", id}, at).out,
             Contains("\nstate: PUBLISHED\n"));

  // The code's image and a batch's sticker sheet, written to files that read.
  const std::string short_url =
      JsonAt(shop.Expect(0, {"code", "get", code_id}, at).out, "shortUrl");
  shop.Expect(0, {"code", "image", code_id, "--out=" + dir + "/code.png", "--size=300"}, at);
  const std::string batch =
      JsonAt(shop.Expect(0,
                         {"code", "batch", "--target=https://fishball.example.com/menu",
                          "--count=3", "--caption=Table"},
                         at)
                 .out,
             "batchId");
  REQUIRE(!batch.empty());
  shop.Expect(0, {"code", "sheet", batch, "--out=" + dir + "/tables.pdf"}, at);
  CHECK(ReadFile(dir + "/tables.pdf").rfind("%PDF", 0) == 0);
  REQUIRE(
      std::system(absl::StrCat("cd ", dir,
                               " && zbarimg --raw -q code.png > decoded.txt && pdftoppm -r 150 "
                               "-png -singlefile tables.pdf sheet && zbarimg --raw -q sheet.png "
                               "> sheet.txt")
                      .c_str()) == 0);
  CHECK(ReadFile(dir + "/decoded.txt") == short_url + "\n");
  CHECK(Lines(ReadFile(dir + "/sheet.txt")) == 3);

  // Another merchant's orders are out of reach, live or listed.
  const Merchant other = RegisterMerchant(api, "别家店");
  CtlResult spy = shop.Run({"order", "watch", "--merchant=" + other.merchant_id}, at);
  CHECK((spy.exit_code == 4 || spy.exit_code == 5));
  CHECK(spy.out.empty());
  CtlResult spy_list = shop.Run({"order", "list", "--merchant=" + other.merchant_id}, at);
  CHECK((spy_list.exit_code == 4 || spy_list.exit_code == 5));

  // The live order stream shows a person's order within a second.
  const std::string token = SavedValue(ReadFile(shop.credentials_path()), "token");
  const std::string watch_log = dir + "/watch.log";
  auto watch = User::Start(
      {"--center=" + stack.center_address(), "--token=" + token, "--output=json", "order", "watch"},
      watch_log);
  REQUIRE(WaitFor([&] { return absl::StrContains(ReadFile(watch_log), "Watching new orders"); },
                  absl::Seconds(10), absl::Milliseconds(20)));
  Api person("127.0.0.1", stack.gateway_port());
  const std::string buyer = absl::StrCat(UniqueName("buyer"), "@example.com");
  REQUIRE(person
              .Post("/v1/accounts", absl::StrCat(R"({"kind":"PERSON","login":")", buyer,
                                                 R"(","password":")", kPassword, R"("})"))
              .status == 200);
  person.set_token(SignIn(person, buyer));
  ApiResponse first = person.Post("/v1/campaigns/" + id + "/orders", R"({"requestId":"ctl-1"})");
  REQUIRE(first.status == 200);
  const std::string order_id = first.At("order.id");
  const bool seen = WaitFor([&] { return absl::StrContains(ReadFile(watch_log), order_id); },
                            absl::Seconds(1), absl::Milliseconds(20));
  INFO(ReadFile(watch_log));
  CHECK(seen);
  ApiResponse second = person.Post("/v1/campaigns/" + id + "/orders", R"({"requestId":"ctl-2"})");
  REQUIRE(second.status == 200);
  REQUIRE(WaitFor([&] { return absl::StrContains(ReadFile(watch_log), second.At("order.id")); },
                  absl::Seconds(5), absl::Milliseconds(20)));
  watch.reset();
  // One JSON line per order, in the order they were placed.
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(ReadFile(watch_log), '\n')) {
    if (absl::StartsWith(line, "{")) lines.emplace_back(line);
  }
  REQUIRE(lines.size() == 2);
  CHECK(JsonAt(lines[0], "id") == order_id);
  CHECK(JsonAt(lines[0], "state") == "CONFIRMED");
  CHECK(JsonAt(lines[1], "id") == second.At("order.id"));

  // Redemption: by token; again refused with its own exit status; then a
  // scanner on stdin, one token a line, each answered.
  const std::string token1 = first.At("order.receipt.token");
  const std::string token2 = second.At("order.receipt.token");
  CtlResult by_number =
      shop.Expect(0, {"receipt", "verify", "--number=" + first.At("order.receipt.number")}, at);
  CHECK(JsonAt(by_number.out, "order.id") == order_id);
  CHECK(JsonAt(by_number.out, "redeemable") == "true");
  CHECK(JsonAt(shop.Expect(0, {"receipt", "redeem", token1}, at).out, "order.state") == "REDEEMED");
  CtlResult again = shop.Expect(6, {"receipt", "redeem", token1}, at);
  CHECK_THAT(again.err, StartsWith("error: ALREADY_EXISTS: "));
  std::ofstream(dir + "/scanner.txt") << "\n" << token2 << "\r\n" << token1 << "\n";
  CtlResult scanned =
      shop.Expect(6, {"--output=text", "receipt", "redeem", "--stdin"}, at, dir + "/scanner.txt");
  std::vector<std::string> answers = absl::StrSplit(scanned.out, '\n', absl::SkipEmpty());
  REQUIRE(answers.size() == 2);
  CHECK_THAT(answers[0], StartsWith("REDEEMED ") && Contains(second.At("order.id")));
  CHECK_THAT(answers[1], StartsWith("REFUSED  ALREADY_EXISTS: "));
  CHECK(person.Get("/v1/orders/" + second.At("order.id")).At("state") == "REDEEMED");

  // A photo with no receipt in it: refused by the server, nothing redeemed.
  auto blank = qr::WriteJpeg(qr::GrayImage(400, 300, 200), 90);
  REQUIRE(blank.ok());
  std::ofstream(dir + "/blank.jpg") << *blank;
  CtlResult photo = shop.Expect(3, {"receipt", "verify", "--photo=" + dir + "/blank.jpg"}, at);
  CHECK_THAT(photo.err, StartsWith("error: INVALID_ARGUMENT: ") && Contains("image"));

  // Any method, by server reflection, JSON in and out: one without a
  // friendly command.
  const std::string stats = AwaitValue(
      shop,
      {"call", "MerchantService.GetMerchantStats", "--data={\"id\":\"" + m.merchant_id + "\"}"}, at,
      "days.0.orders", "2");
  CHECK(JsonAt(stats, "days.0.campaignId") == id);
  CHECK_THAT(shop.Expect(5, {"call", "MerchantService.Frobnicate"}, at).err,
             Contains("GetMerchantStats"));
  CHECK_THAT(shop.Expect(0, {"call"}, at).out, Contains("qrcloud.v1.OrderService\n"));

  // A revoked session: refused, one line, nothing changes.
  const std::string revoked = SignIn(api, m.login);
  Api revoker("127.0.0.1", stack.gateway_port());
  revoker.set_token(revoked);
  REQUIRE(revoker.Call("DELETE", "/v1/sessions/current").status == 200);
  CtlResult denied = shop.Expect(4, {"--token=" + revoked, "campaign", "end", id}, at);
  CHECK(Lines(denied.err) == 1);
  CHECK_THAT(denied.err, StartsWith("error: UNAUTHENTICATED: "));
  CHECK(JsonAt(shop.Expect(0, {"campaign", "get", id}, at).out, "state") == "PUBLISHED");
}

TEST_CASE(
    "qrcloudctl uploads media, edits, pauses, resumes and ends campaigns, makes codes, lists "
    "orders") {
  auto stack = StartStack();
  Flow flow(*stack);
  std::string mid;
  auto merchant = flow.QualifiedMerchant(&mid);
  const std::vector<std::string> as_shop = {"QRCLOUD_CENTER=" + stack->center_address(),
                                            "QRCLOUD_TOKEN=" + merchant->token()};
  User user;
  const std::string dir = user.home();

  // Media from a file.
  auto poster = qr::WriteJpeg(qr::GrayImage(64, 48, 128), 90);
  REQUIRE(poster.ok());
  std::ofstream(dir + "/poster.jpg") << *poster;
  CtlResult media = user.Expect(0, {"media", "upload", dir + "/poster.jpg"}, as_shop);
  CHECK(JsonAt(media.out, "contentType") == "image/jpeg");
  CHECK(!JsonAt(media.out, "url").empty());
  CHECK_THAT(user.Expect(2, {"media", "upload", dir + "/poster.gif"}, as_shop).err,
             Contains("--content-type"));

  const std::string id =
      flow.PublishCampaign(*merchant, mid,
                           R"({"title":"鱼丸汤","mode":"ORDER","template":"coupon",)"
                           R"("price":{"currency":"CNY","minor":"1500"},"stock":"20"})")
          .At("id");
  // An edit changes only the fields the file names, and waits for audit.
  std::ofstream(dir + "/edit.yaml") << "description: Now with noodles\n";
  CtlResult edited =
      user.Expect(0, {"campaign", "edit", id, "--file=" + dir + "/edit.yaml"}, as_shop);
  CHECK(JsonAt(edited.out, "hasPendingRevision") == "true");
  CHECK(JsonAt(edited.out, "title") == "鱼丸汤");
  CHECK(JsonAt(user.Expect(0, {"campaign", "pause", id}, as_shop).out, "state") == "PAUSED");
  CHECK(JsonAt(user.Expect(0, {"campaign", "list", "--state=paused"}, as_shop).out,
               "campaigns.0.id") == id);
  CHECK(JsonAt(user.Expect(0, {"campaign", "resume", id}, as_shop).out, "state") == "PUBLISHED");
  CHECK_THAT(user.Expect(2, {"campaign", "list", "--state=SELLING"}, as_shop).err,
             Contains("PUBLISHED"));

  // A code for a link, its SVG, its statistics.
  CtlResult code = user.Expect(
      0, {"code", "create", "--target=https://shop.example.com/menu", "--label=Menu"}, as_shop);
  const std::string code_id = JsonAt(code.out, "id");
  REQUIRE(!code_id.empty());
  user.Expect(0, {"code", "image", code_id, "--format=svg", "--out=" + dir + "/menu.svg"}, as_shop);
  CHECK_THAT(ReadFile(dir + "/menu.svg"), Contains("<svg"));
  CHECK(JsonAt(user.Expect(0, {"code", "stats", code_id}, as_shop).out, "codeId") == code_id);
  CHECK(JsonAt(user.Expect(0, {"code", "list"}, as_shop).out, "codes.0.id").size() > 0);

  // Orders: newest first, page by page, as a table in text.
  auto buyer = flow.NewAccount("PERSON");
  ApiResponse a = buyer->Post("/v1/campaigns/" + id + "/orders", R"({"requestId":"l-1"})");
  ApiResponse b = buyer->Post("/v1/campaigns/" + id + "/orders", R"({"requestId":"l-2"})");
  REQUIRE((a.status == 200 && b.status == 200));
  CtlResult first = user.Expect(0, {"order", "list", "--page-size=1"}, as_shop);
  CHECK(JsonAt(first.out, "orders.0.id") == b.At("order.id"));
  const std::string next = JsonAt(first.out, "page.nextPageToken");
  REQUIRE(!next.empty());
  CtlResult second =
      user.Expect(0, {"order", "list", "--page-size=1", "--page-token=" + next}, as_shop);
  CHECK(JsonAt(second.out, "orders.0.id") == a.At("order.id"));
  CHECK_THAT(user.Expect(0, {"--output=text", "order", "list", "--state=CONFIRMED"}, as_shop).out,
             StartsWith("ID ") && Contains("CONFIRMED") && Contains("15.00 CNY"));
  CHECK_THAT(user.Expect(2, {"order", "list", "--page-size=500"}, as_shop).err,
             Contains("1 to 200"));

  // A photo of the receipt's code redeems it (decoded by the center).
  ApiResponse png = buyer->Get(a.At("order.receipt.imageUrl"));
  REQUIRE(png.status == 200);
  std::ofstream(dir + "/receipt.png") << png.body;
  CtlResult by_photo =
      user.Expect(0, {"receipt", "redeem", "--photo=" + dir + "/receipt.png"}, as_shop);
  CHECK(JsonAt(by_photo.out, "order.id") == a.At("order.id"));
  CHECK(JsonAt(by_photo.out, "order.state") == "REDEEMED");

  // Ended for good: ending again is a state conflict (exit 6).
  CHECK(JsonAt(user.Expect(0, {"campaign", "end", id}, as_shop).out, "state") == "ENDED");
  CHECK_THAT(user.Expect(6, {"campaign", "end", id}, as_shop).err,
             StartsWith("error: FAILED_PRECONDITION: "));
}

TEST_CASE("qrcloudctl says what went wrong: a wrong password, no credentials, bad usage") {
  auto stack = StartStack();
  Api api("127.0.0.1", stack->gateway_port());
  const Merchant a = RegisterMerchant(api, "Shop A");
  const Merchant b = RegisterMerchant(api, "Shop B");
  const std::string center = "--center=" + stack->center_address();
  User user(/*use_xdg=*/true);

  CtlResult nobody = user.Expect(4, {center, "merchant", "get"});
  CHECK_THAT(nobody.err, Contains("not signed in"));
  CHECK_THAT(nobody.err, Contains("qrcloudctl login"));

  CtlResult wrong = user.Expect(4, {center, "login", a.login, "--password=wrong-horse"});
  CHECK_THAT(wrong.err, StartsWith("error: UNAUTHENTICATED: "));
  CHECK(access(user.credentials_path().c_str(), F_OK) != 0);  // nothing saved

  // The password may come from the environment; XDG_CONFIG_HOME picks the file.
  user.Expect(0, {center, "login", a.login}, {absl::StrCat("QRCLOUD_PASSWORD=", kPassword)});
  REQUIRE(access(user.credentials_path().c_str(), F_OK) == 0);
  CHECK(JsonAt(user.Expect(0, {"whoami"}).out, "account.login") == a.login);

  // A token given explicitly wins over the saved one.
  const std::string b_token = SignIn(api, b.login);
  CHECK(JsonAt(user.Expect(0, {"--token=" + b_token, "whoami"}).out, "account.merchantId") ==
        b.merchant_id);
  CHECK(JsonAt(user.Expect(0, {"merchant", "get"}, {"QRCLOUD_TOKEN=" + b_token}).out, "id") ==
        b.merchant_id);
  CHECK_THAT(user.Expect(4, {"--token=qrs_forged", "whoami"}).err,
             StartsWith("error: UNAUTHENTICATED: "));

  // Another merchant's profile is out of reach, and it says so.
  CtlResult others = user.Run({"merchant", "update", b.merchant_id, "displayName=Taken over"});
  CHECK((others.exit_code == 4 || others.exit_code == 5));
  CHECK_THAT(others.err,
             StartsWith("error: NOT_FOUND: ") || StartsWith("error: PERMISSION_DENIED: "));

  // Usage errors exit 2 with the command's usage and change nothing.
  CtlResult unknown_field = user.Expect(2, {"merchant", "update", "dispalyName=x"});
  CHECK_THAT(unknown_field.err, Contains("dispalyName"));
  CHECK_THAT(unknown_field.err, Contains("usage: qrcloudctl merchant update"));
  CHECK_THAT(user.Expect(2, {"merchant", "locate", "north", "east"}).err, Contains("usage: "));
  CHECK_THAT(user.Expect(2, {"frobnicate"}).err, Contains("unknown command"));
  CHECK_THAT(user.Expect(2, {"--output=xml", "whoami"}).err, Contains("text, json or yaml"));

  // A session that ended elsewhere (another device signed it out) still
  // signs out here: the useless copy goes.
  Api elsewhere("127.0.0.1", stack->gateway_port());
  elsewhere.set_token(SavedValue(ReadFile(user.credentials_path()), "token"));
  REQUIRE(elsewhere.Call("DELETE", "/v1/sessions/current").status == 200);
  CHECK_THAT(user.Expect(4, {"whoami"}).err, StartsWith("error: UNAUTHENTICATED: "));
  CHECK_THAT(user.Expect(0, {"logout"}).err, Contains("already ended"));
  CHECK(access(user.credentials_path().c_str(), F_OK) != 0);

  // A center that is not there: UNAVAILABLE, and a hint naming the address.
  const std::string nowhere = absl::StrCat("127.0.0.1:", FreePort());
  CtlResult down = user.Expect(7, {"--center=" + nowhere, "--token=qrs_x", "whoami"});
  CHECK_THAT(down.err, StartsWith("error: UNAVAILABLE: "));
  CHECK_THAT(down.err, Contains(nowhere));
}

TEST_CASE(
    "qrcloudctl ledger check reaches the settlement service and says whether the books balance") {
  auto s = Stack::Start({.processes = {"settlement"}});
  INFO((s.ok() ? "" : std::string(s.status().message())));
  REQUIRE(s.ok());
  Stack& stack = **s;
  Flow flow(stack);
  const std::string center = "--center=" + stack.center_address();
  const std::string backends =
      absl::StrCat("--backends=settlement=127.0.0.1:", stack.port("settlement"));
  User user;
  CtlResult ok = user.Expect(
      0, {center, backends, "--token=" + flow.admin_token(), "--output=json", "ledger", "check"});
  CHECK(JsonAt(ok.out, "problems").empty());
  // Only administrators: a merchant is refused, with the exit code for it.
  std::string merchant_id;
  auto merchant = flow.NewAccount("MERCHANT", &merchant_id);
  CtlResult denied =
      user.Expect(4, {center, backends, "--token=" + merchant->token(), "ledger", "check"});
  CHECK_THAT(denied.err, StartsWith("error: PERMISSION_DENIED: "));
  // Nothing listens where --backends points: it says so.
  CtlResult nowhere = user.Run({center, "--backends=settlement=127.0.0.1:1",
                                "--token=" + flow.admin_token(), "ledger", "check"});
  CHECK(nowhere.exit_code != 0);
}

}  // namespace
}  // namespace qrcloud::testing
