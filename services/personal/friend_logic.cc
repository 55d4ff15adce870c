#include "services/personal/friend_logic.h"

#include <sodium.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "services/personal/wallet_logic.h"

namespace qrcloud::personal {
namespace {

constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

absl::Status UnknownCode(absl::string_view code) {
  return absl::NotFoundError(absl::StrCat("no one has the friend code ", code));
}

absl::Status NoFriendship(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("no friendship or request ", id.substr(0, 40)));
}

}  // namespace

std::string NewFriendCode() {
  if (sodium_init() < 0) std::abort();
  std::string code(kFriendCodeLength, '0');
  for (char& c : code) c = kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
  return code;
}

absl::StatusOr<std::string> NormalizeFriendCode(absl::string_view code) {
  std::string out = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(code));
  const bool shaped =
      out.size() == kFriendCodeLength &&
      out.find_first_not_of(kAlphabet.data(), 0, kAlphabet.size()) == std::string::npos;
  if (!shaped) {
    return core::InvalidField("friendCode",
                              absl::StrCat("is not a friend code: ", kFriendCodeLength,
                                           " letters and digits, as your friend's app shows it"));
  }
  return out;
}

absl::StatusOr<std::string> FriendLogic::Issue(store::Tx& tx, absl::string_view account) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string code = NewFriendCode();
    absl::Status set = friends_.SetCode(tx, account, code);
    if (set.ok()) return code;
    if (set.code() != absl::StatusCode::kAlreadyExists) return set;
  }
  return absl::InternalError("could not draw a free friend code");
}

absl::Status FriendLogic::GetCode(const rpc::CallContext& call, const v1::GetFriendCodeRequest&,
                                  v1::FriendCode& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<std::string> code,
                             friends_.CodeOf(tx, call.caller().account_id));
    if (!code) {
      QRCLOUD_ASSIGN_OR_RETURN(code, Issue(tx, call.caller().account_id));
    }
    resp.set_code(*code);
    return absl::OkStatus();
  });
}

absl::Status FriendLogic::RotateCode(const rpc::CallContext& call,
                                     const v1::RotateFriendCodeRequest&, v1::FriendCode& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::string code, Issue(tx, call.caller().account_id));
    resp.set_code(code);
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Friend> FriendLogic::Shown(store::Tx& tx, const Friendship& f,
                                              absl::string_view me) {
  v1::Friend out;
  out.set_id(f.id);
  out.set_account_id(f.Other(me));
  out.set_accepted(f.accepted);
  out.set_incoming(!f.accepted && f.addressee == me);
  core::ToProto(f.create_time, out.mutable_create_time());
  QRCLOUD_ASSIGN_OR_RETURN(std::optional<v1::Profile> profile, profiles_.Get(tx, out.account_id()));
  if (profile) out.set_display_name(profile->nickname());
  return out;
}

absl::Status FriendLogic::Add(const rpc::CallContext& call, const v1::AddFriendRequest& req,
                              v1::Friend& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_ASSIGN_OR_RETURN(std::string code, NormalizeFriendCode(req.friend_code()));
  const std::string& me = call.caller().account_id;
  std::string other;
  const absl::Status done = runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<std::string> owner, friends_.CodeOwner(tx, code));
    if (!owner) return UnknownCode(code);
    if (*owner == me) return core::InvalidField("friendCode", "is your own friend code");
    other = *owner;
    // Someone who blocked you is as unknown as a code nobody has.
    QRCLOUD_ASSIGN_OR_RETURN(const bool blocked_by_them, friends_.Blocked(tx, *owner, me));
    if (blocked_by_them) return UnknownCode(code);
    QRCLOUD_ASSIGN_OR_RETURN(const bool blocked_by_me, friends_.Blocked(tx, me, *owner));
    if (blocked_by_me) {
      return absl::FailedPreconditionError("you blocked this person; they cannot be added");
    }
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<Friendship> existing, friends_.Between(tx, me, *owner));
    if (existing) {
      // Both asked: the second request is an acceptance.
      if (!existing->accepted && existing->addressee == me) {
        QRCLOUD_RETURN_IF_ERROR(friends_.Accept(tx, existing->id));
        existing->accepted = true;
      }
      QRCLOUD_ASSIGN_OR_RETURN(resp, Shown(tx, *existing, me));
      return absl::OkStatus();
    }
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<Friendship> mine, friends_.Of(tx, me, kMaxFriends + 1));
    if (static_cast<int>(mine.size()) >= kMaxFriends) {
      return absl::ResourceExhaustedError(
          absl::StrCat("at most ", kMaxFriends, " friends and requests; remove some first"));
    }
    const auto pending = std::count_if(mine.begin(), mine.end(), [&](const Friendship& f) {
      return !f.accepted && f.requester == me;
    });
    if (pending >= kMaxPendingRequests) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "at most ", kMaxPendingRequests, " requests wait for an answer; withdraw some first"));
    }
    Friendship f;
    f.create_time = core::ToMicros(clock_.Now());
    f.id = core::NewIdAt(f.create_time);
    f.requester = me;
    f.addressee = *owner;
    QRCLOUD_RETURN_IF_ERROR(friends_.Insert(tx, f));
    QRCLOUD_ASSIGN_OR_RETURN(resp, Shown(tx, f, me));
    return absl::OkStatus();
  });
  if (done.ok()) PairChanged(me, other);
  return done;
}

absl::Status FriendLogic::Accept(const rpc::CallContext& call, const v1::AcceptFriendRequest& req,
                                 v1::Friend& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  const std::string& me = call.caller().account_id;
  if (!core::IsValidId(req.id())) return NoFriendship(req.id());
  std::string other;
  const absl::Status done = runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<Friendship> f, friends_.Get(tx, req.id()));
    // Only the one asked may accept; to anyone else it does not exist.
    if (!f || !f->Involves(me)) return NoFriendship(req.id());
    if (f->requester == me && !f->accepted) {
      return absl::FailedPreconditionError("this is your own request; the other person accepts it");
    }
    other = f->Other(me);
    if (!f->accepted) {
      QRCLOUD_RETURN_IF_ERROR(friends_.Accept(tx, f->id));
      f->accepted = true;
    }
    QRCLOUD_ASSIGN_OR_RETURN(resp, Shown(tx, *f, me));
    return absl::OkStatus();
  });
  if (done.ok()) PairChanged(me, other);
  return done;
}

absl::Status FriendLogic::List(const rpc::CallContext& call, const v1::ListFriendsRequest&,
                               v1::ListFriendsResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  const std::string& me = call.caller().account_id;
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<Friendship> all, friends_.Of(tx, me, kMaxFriends));
    std::stable_partition(all.begin(), all.end(), [&](const Friendship& f) {
      return !f.accepted && f.addressee == me;  // requests to answer first
    });
    for (const Friendship& f : all) {
      QRCLOUD_ASSIGN_OR_RETURN(*resp.add_friends(), Shown(tx, f, me));
    }
    return absl::OkStatus();
  });
}

absl::Status FriendLogic::Remove(const rpc::CallContext& call, const v1::RemoveFriendRequest& req,
                                 v1::RemoveFriendResponse&) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  if (!core::IsValidId(req.id())) return NoFriendship(req.id());
  std::string other;
  const absl::Status done = runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<Friendship> f, friends_.Get(tx, req.id()));
    if (!f || !f->Involves(call.caller().account_id)) return NoFriendship(req.id());
    other = f->Other(call.caller().account_id);
    return friends_.Remove(tx, f->id);
  });
  if (done.ok()) PairChanged(call.caller().account_id, other);
  return done;
}

absl::Status FriendLogic::Block(const rpc::CallContext& call, const v1::BlockPersonRequest& req,
                                v1::BlockPersonResponse&) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  const std::string& me = call.caller().account_id;
  if (!core::IsValidId(req.account_id())) {
    return core::InvalidField("accountId", "is not an account id");
  }
  if (req.account_id() == me) return core::InvalidField("accountId", "is your own account");
  std::string other = req.account_id();
  const absl::Status done = runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<Friendship> f,
                             friends_.Between(tx, me, req.account_id()));
    if (f) QRCLOUD_RETURN_IF_ERROR(friends_.Remove(tx, f->id));
    QRCLOUD_ASSIGN_OR_RETURN(const bool already, friends_.Blocked(tx, me, req.account_id()));
    if (already) return absl::OkStatus();
    return friends_.Block(tx, me, req.account_id(), core::ToMicros(clock_.Now()));
  });
  if (done.ok()) PairChanged(me, other);
  return done;
}

void FriendLogic::PairChanged(absl::string_view a, absl::string_view b) {
  if (feed_events_ == nullptr || b.empty()) return;
  feed_events_->ViewerChanged(a);
  feed_events_->ViewerChanged(b);
}

}  // namespace qrcloud::personal
