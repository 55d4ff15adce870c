// Friends on memory: by code only, accepted by the one asked, ended by
// either, and blocking that the blocked cannot tell from an unknown code.
#include "services/personal/friend_logic.h"

#include <catch2/catch.hpp>

#include <map>

#include "absl/strings/ascii.h"
#include "libs/core/ids.h"
#include "libs/store/memory_tx.h"
#include "services/personal/testing/memory_friend_store.h"
#include "services/personal/testing/memory_profile_store.h"

namespace qrcloud::personal {
namespace {

struct Person {
  auth::Principal principal;
  rpc::CallContext call() const {
    rpc::CallContext c;
    c.principal = &principal;
    return c;
  }
  const std::string& id() const { return principal.account_id; }
};

struct World {
  store::MemoryDb db;
  testing::MemoryFriendStore store{db};
  testing::MemoryProfileStore profiles;
  core::FakeClock clock;
  FriendLogic friends{db, store, profiles, clock};

  Person New(const std::string& nickname = "") {
    Person p{{.account_id = core::NewId(), .kind = "PERSON"}};
    if (!nickname.empty()) profiles.profiles[p.id()].set_nickname(nickname);
    return p;
  }
  std::string Code(const Person& p) {
    v1::FriendCode code;
    REQUIRE(friends.GetCode(p.call(), {}, code).ok());
    return code.code();
  }
  absl::StatusOr<v1::Friend> Add(const Person& p, const std::string& code) {
    v1::AddFriendRequest req;
    req.set_friend_code(code);
    v1::Friend out;
    QRCLOUD_RETURN_IF_ERROR(friends.Add(p.call(), req, out));
    return out;
  }
  absl::Status Accept(const Person& p, const std::string& id) {
    v1::AcceptFriendRequest req;
    req.set_id(id);
    v1::Friend out;
    return friends.Accept(p.call(), req, out);
  }
  std::vector<v1::Friend> List(const Person& p) {
    v1::ListFriendsResponse resp;
    REQUIRE(friends.List(p.call(), {}, resp).ok());
    return {resp.friends().begin(), resp.friends().end()};
  }
};

TEST_CASE("A request by friend code waits for the one asked, who alone accepts it") {
  World w;
  Person alice = w.New("Alice"), bob = w.New("Bob"), eve = w.New();
  const std::string code = w.Code(bob);
  CHECK(code.size() == 10);
  CHECK(w.Code(bob) == code);  // stable until rotated
  auto asked = w.Add(alice, code.substr(0, 5) + absl::AsciiStrToLower(code.substr(5)));
  REQUIRE(asked.ok());  // any case
  CHECK_FALSE(asked->accepted());
  CHECK(asked->account_id() == bob.id());
  CHECK(asked->display_name() == "Bob");
  CHECK(w.Add(alice, code)->id() == asked->id());  // asking twice: one request

  auto incoming = w.List(bob);
  REQUIRE(incoming.size() == 1);
  CHECK(incoming[0].incoming());
  CHECK(incoming[0].display_name() == "Alice");
  CHECK(w.Accept(alice, asked->id()).code() == absl::StatusCode::kFailedPrecondition);
  CHECK(w.Accept(eve, asked->id()).code() == absl::StatusCode::kNotFound);
  REQUIRE(w.Accept(bob, asked->id()).ok());
  CHECK(w.List(alice)[0].accepted());
  CHECK(w.List(eve).empty());

  // Both asking is a friendship at once.
  Person carol = w.New();
  REQUIRE(w.Add(carol, w.Code(eve)).ok());
  CHECK(w.Add(eve, w.Code(carol))->accepted());
}

TEST_CASE("Either may end it, and a rotated code stops working") {
  World w;
  Person alice = w.New(), bob = w.New(), eve = w.New();
  const std::string old_code = w.Code(bob);
  auto f = w.Add(alice, old_code);
  REQUIRE(f.ok());
  v1::RemoveFriendRequest remove;
  remove.set_id(f->id());
  v1::RemoveFriendResponse removed;
  CHECK(w.friends.Remove(eve.call(), remove, removed).code() == absl::StatusCode::kNotFound);
  REQUIRE(w.friends.Remove(bob.call(), remove, removed).ok());  // refused
  CHECK(w.List(alice).empty());

  v1::FriendCode rotated;
  REQUIRE(w.friends.RotateCode(bob.call(), {}, rotated).ok());
  CHECK(rotated.code() != old_code);
  CHECK(w.Add(alice, old_code).status().code() == absl::StatusCode::kNotFound);
  CHECK(w.Add(alice, rotated.code()).ok());
}

TEST_CASE("The blocked cannot ask again and cannot tell they were blocked") {
  World w;
  Person alice = w.New(), mallory = w.New();
  auto f = w.Add(mallory, w.Code(alice));
  REQUIRE(f.ok());
  v1::BlockPersonRequest block;
  block.set_account_id(mallory.id());
  v1::BlockPersonResponse blocked;
  REQUIRE(w.friends.Block(alice.call(), block, blocked).ok());
  CHECK(w.List(alice).empty());
  CHECK(w.List(mallory).empty());
  const absl::Status again = w.Add(mallory, w.Code(alice)).status();
  const absl::Status unknown = w.Add(mallory, "ZZZZZZZZZZ").status();
  CHECK(again.code() == absl::StatusCode::kNotFound);
  CHECK(unknown.code() == absl::StatusCode::kNotFound);
  CHECK(w.Add(alice, w.Code(mallory)).status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Bad codes and ids are refused by name, and only people have friends") {
  World w;
  Person alice = w.New();
  CHECK(w.Add(alice, "short").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(w.Add(alice, "IIIIIIIIII").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(w.Add(alice, w.Code(alice)).status().code() == absl::StatusCode::kInvalidArgument);
  v1::BlockPersonRequest self;
  self.set_account_id(alice.id());
  v1::BlockPersonResponse out;
  CHECK(w.friends.Block(alice.call(), self, out).code() == absl::StatusCode::kInvalidArgument);
  Person shop{{.account_id = core::NewId(), .kind = "MERCHANT"}};
  v1::FriendCode code;
  CHECK(w.friends.GetCode(shop.call(), {}, code).code() == absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace qrcloud::personal
