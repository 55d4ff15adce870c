// qrcloudctl end to end: the real binary, run as a user would run it, against
// real center and gateway processes; what it changed is read back over REST.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/support/api.h"
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

  // Runs `qrcloudctl args…` in a session of its own (no controlling
  // terminal, so it never waits on a password prompt), stdin empty. `env`
  // comes on top of the test's environment without any QRCLOUD_ variable.
  CtlResult Run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
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
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
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
                   const std::vector<std::string>& env = {}) {
    CtlResult r = Run(args, env);
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
  CtlResult bad = user.Expect(1, {"merchant", "qualify", "91350100M000100Y44", "福州小店有限公司"});
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
  CtlResult after = user.Expect(1, {"--center=" + stack->center_address(), "whoami"});
  CHECK_THAT(after.err, Contains("qrcloudctl login"));
}

TEST_CASE("qrcloudctl says what went wrong: a wrong password, no credentials, bad usage") {
  auto stack = StartStack();
  Api api("127.0.0.1", stack->gateway_port());
  const Merchant a = RegisterMerchant(api, "Shop A");
  const Merchant b = RegisterMerchant(api, "Shop B");
  const std::string center = "--center=" + stack->center_address();
  User user(/*use_xdg=*/true);

  CtlResult nobody = user.Expect(1, {center, "merchant", "get"});
  CHECK_THAT(nobody.err, Contains("not signed in"));
  CHECK_THAT(nobody.err, Contains("qrcloudctl login"));

  CtlResult wrong = user.Expect(1, {center, "login", a.login, "--password=wrong-horse"});
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
  CHECK_THAT(user.Expect(1, {"--token=qrs_forged", "whoami"}).err,
             StartsWith("error: UNAUTHENTICATED: "));

  // Another merchant's profile is out of reach, and it says so.
  CtlResult others =
      user.Expect(1, {"merchant", "update", b.merchant_id, "displayName=Taken over"});
  CHECK_THAT(others.err,
             StartsWith("error: NOT_FOUND: ") || StartsWith("error: PERMISSION_DENIED: "));

  // Usage errors exit 2 with the command's usage and change nothing.
  CtlResult unknown_field = user.Expect(2, {"merchant", "update", "dispalyName=x"});
  CHECK_THAT(unknown_field.err, Contains("dispalyName"));
  CHECK_THAT(unknown_field.err, Contains("usage: qrcloudctl merchant update"));
  CHECK_THAT(user.Expect(2, {"merchant", "locate", "north", "east"}).err, Contains("usage: "));
  CHECK_THAT(user.Expect(2, {"frobnicate"}).err, Contains("unknown command"));
  CHECK_THAT(user.Expect(2, {"--output=yaml", "whoami"}).err, Contains("json or text"));

  // A session that ended elsewhere (another device signed it out) still
  // signs out here: the useless copy goes.
  Api elsewhere("127.0.0.1", stack->gateway_port());
  elsewhere.set_token(SavedValue(ReadFile(user.credentials_path()), "token"));
  REQUIRE(elsewhere.Call("DELETE", "/v1/sessions/current").status == 200);
  CHECK_THAT(user.Expect(1, {"whoami"}).err, StartsWith("error: UNAUTHENTICATED: "));
  CHECK_THAT(user.Expect(0, {"logout"}).err, Contains("already ended"));
  CHECK(access(user.credentials_path().c_str(), F_OK) != 0);

  // A center that is not there: UNAVAILABLE, and a hint naming the address.
  const std::string nowhere = absl::StrCat("127.0.0.1:", FreePort());
  CtlResult down = user.Expect(1, {"--center=" + nowhere, "--token=qrs_x", "whoami"});
  CHECK_THAT(down.err, StartsWith("error: UNAVAILABLE: "));
  CHECK_THAT(down.err, Contains(nowhere));
}

}  // namespace
}  // namespace qrcloud::testing
