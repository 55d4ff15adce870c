// The wallet on memory with a fake clock: saving, validity following the
// center's news and time, reminders once per change, and each person's
// wallet their own.
#include "services/personal/wallet_logic.h"

#include <catch2/catch.hpp>

#include <map>

#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/store/memory_tx.h"
#include "services/personal/testing/memory_wallet_store.h"

namespace qrcloud::personal {
namespace {

using v1::WalletItem;

class FakeCenter final : public CampaignSource {
 public:
  absl::StatusOr<v1::Campaign> Fetch(absl::string_view id) override {
    ++fetches;
    auto it = campaigns.find(std::string(id));
    if (it == campaigns.end()) return absl::NotFoundError("no such campaign");
    return it->second;
  }
  std::map<std::string, v1::Campaign> campaigns;
  int fetches = 0;
};

struct Person {
  auth::Principal principal;
  rpc::CallContext call() const {
    rpc::CallContext c;
    c.principal = &principal;
    return c;
  }
};

struct World {
  store::MemoryDb db;
  testing::MemoryWalletStore store{db};
  FakeCenter center;
  core::FakeClock clock;
  WalletLogic wallet{db, store, center, clock, {.expiring_window = absl::Minutes(1)}};

  Person NewPerson(const std::string& kind = "PERSON") {
    Person p;
    p.principal.account_id = core::NewId();
    p.principal.kind = kind;
    return p;
  }
  v1::Campaign Campaign(absl::Duration ends_in, int64_t stock = 0) {
    v1::Campaign c;
    c.set_id(core::NewId());
    c.set_merchant_id(core::NewId());
    c.set_title("鱼丸汤");
    c.set_state(v1::Campaign::PUBLISHED);
    c.add_tags("Soup");
    c.set_stock(stock);
    c.set_stock_left(stock);
    core::ToProto(clock.Now() + ends_in, c.mutable_end_time());
    core::ToProto(clock.Now(), c.mutable_update_time());
    center.campaigns[c.id()] = c;
    return c;
  }
  v1::Order Order(const Person& buyer, const v1::Campaign& c, v1::Order::State state) {
    v1::Order o;
    o.set_id(core::NewId());
    o.set_campaign_id(c.id());
    o.set_account_id(buyer.principal.account_id);
    o.set_state(state);
    core::ToProto(clock.Now() + absl::Hours(48), o.mutable_receipt()->mutable_expire_time());
    return o;
  }
  absl::StatusOr<WalletItem> Save(const Person& p, const std::string& campaign,
                                  const std::string& order = "", const std::string& request = "") {
    v1::SaveToWalletRequest req;
    req.set_campaign_id(campaign);
    req.set_order_id(order);
    req.set_request_id(request);
    WalletItem item;
    QRCLOUD_RETURN_IF_ERROR(wallet.Save(p.call(), req, item));
    return item;
  }
  std::vector<v1::Reminder> Reminders(const Person& p) {
    v1::ListRemindersResponse resp;
    REQUIRE(wallet.ListReminders(p.call(), {}, resp).ok());
    return {resp.reminders().begin(), resp.reminders().end()};
  }
  std::vector<WalletItem> Items(const Person& p) {
    v1::ListWalletResponse resp;
    REQUIRE(wallet.List(p.call(), {}, resp).ok());
    return {resp.items().begin(), resp.items().end()};
  }
};

TEST_CASE("A saved offer ending in two minutes reminds when it is expiring and when it expired") {
  World w;
  Person alice = w.NewPerson();
  const v1::Campaign c = w.Campaign(absl::Minutes(2));
  auto item = w.Save(alice, c.id());
  REQUIRE(item.ok());
  CHECK(item->validity() == WalletItem::VALID);
  CHECK(item->title() == "鱼丸汤");
  CHECK(item->category() == "soup");
  CHECK(core::FromProto(item->expire_time()) == core::FromProto(c.end_time()));
  CHECK(w.Reminders(alice).empty());  // saving is not news

  w.clock.Advance(absl::Seconds(59));
  REQUIRE(*w.wallet.CheckDue() == 0);  // not yet
  w.clock.Advance(absl::Seconds(1));
  REQUIRE(*w.wallet.CheckDue() == 1);
  auto reminders = w.Reminders(alice);
  REQUIRE(reminders.size() == 1);
  CHECK(reminders[0].validity() == WalletItem::EXPIRING);
  CHECK(reminders[0].wallet_item_id() == item->id());
  CHECK(core::FromProto(reminders[0].time()) == w.clock.Now());
  CHECK(reminders[0].message().find("鱼丸汤") != std::string::npos);

  w.clock.Advance(absl::Seconds(60));
  REQUIRE(*w.wallet.CheckDue() == 1);
  reminders = w.Reminders(alice);
  REQUIRE(reminders.size() == 2);
  CHECK(reminders[0].validity() == WalletItem::EXPIRED);  // newest first
  CHECK(w.Items(alice)[0].validity() == WalletItem::EXPIRED);
  w.clock.Advance(absl::Hours(1));
  CHECK(*w.wallet.CheckDue() == 0);  // nothing left to time
}

TEST_CASE("Saving twice keeps one item, and so does a retried request") {
  World w;
  Person alice = w.NewPerson();
  const v1::Campaign c = w.Campaign(absl::Hours(48));
  auto first = w.Save(alice, c.id(), "", "r1");
  REQUIRE(first.ok());
  CHECK(w.Save(alice, c.id())->id() == first->id());
  CHECK(w.Save(alice, c.id(), "", "r1")->id() == first->id());
  CHECK(w.Items(alice).size() == 1);
  CHECK(w.center.fetches == 1);  // asked once, known after
}

TEST_CASE("A receipt shows REDEEMED when the shop redeems it, once, whatever order news comes in") {
  World w;
  Person alice = w.NewPerson();
  const v1::Campaign c = w.Campaign(absl::Hours(48));
  v1::Order placed = w.Order(alice, c, v1::Order::CONFIRMED);
  // Before the order's news arrived: not known yet.
  CHECK(w.Save(alice, "", placed.id()).status().code() == absl::StatusCode::kNotFound);
  REQUIRE(w.wallet.OnOrder(placed).ok());
  auto item = w.Save(alice, "", placed.id());
  REQUIRE(item.ok());
  CHECK(item->kind() == WalletItem::RECEIPT);
  CHECK(item->validity() == WalletItem::VALID);

  v1::Order redeemed = placed;
  redeemed.set_state(v1::Order::REDEEMED);
  REQUIRE(w.wallet.OnOrder(redeemed).ok());
  REQUIRE(w.wallet.OnOrder(redeemed).ok());  // delivered twice
  REQUIRE(w.wallet.OnOrder(placed).ok());    // and the old news late
  auto reminders = w.Reminders(alice);
  REQUIRE(reminders.size() == 1);
  CHECK(reminders[0].validity() == WalletItem::REDEEMED);
  CHECK(w.Items(alice)[0].validity() == WalletItem::REDEEMED);
}

TEST_CASE("Offers follow the campaign: paused, sold out, ended") {
  World w;
  Person alice = w.NewPerson();
  v1::Campaign c = w.Campaign(absl::Hours(48), /*stock=*/2);
  REQUIRE(w.Save(alice, c.id()).ok());

  c.set_state(v1::Campaign::PAUSED);
  core::ToProto(w.clock.Now() + absl::Seconds(1), c.mutable_update_time());
  REQUIRE(w.wallet.OnCampaign(c).ok());
  CHECK(w.Items(alice)[0].validity() == WalletItem::PAUSED);
  v1::Campaign stale = c;  // news older than what is known changes nothing
  stale.set_state(v1::Campaign::ENDED);
  core::ToProto(w.clock.Now(), stale.mutable_update_time());
  REQUIRE(w.wallet.OnCampaign(stale).ok());
  CHECK(w.Items(alice)[0].validity() == WalletItem::PAUSED);

  c.set_state(v1::Campaign::PUBLISHED);
  c.set_stock_left(0);
  core::ToProto(w.clock.Now() + absl::Seconds(2), c.mutable_update_time());
  w.center.campaigns[c.id()] = c;  // what the center counts after an order
  Person bob = w.NewPerson();
  REQUIRE(w.wallet.OnOrder(w.Order(bob, c, v1::Order::CONFIRMED)).ok());
  CHECK(w.Items(alice)[0].validity() == WalletItem::SOLD_OUT);

  std::vector<std::string> told;
  for (const auto& r : w.Reminders(alice)) told.push_back(WalletItem::Validity_Name(r.validity()));
  CHECK(told == std::vector<std::string>{"SOLD_OUT", "PAUSED"});
}

TEST_CASE("A wallet is its owner's alone, and only people have one") {
  World w;
  Person alice = w.NewPerson(), mallory = w.NewPerson();
  const v1::Campaign c = w.Campaign(absl::Hours(48));
  const v1::Order order = w.Order(alice, c, v1::Order::CONFIRMED);
  REQUIRE(w.wallet.OnOrder(order).ok());
  auto item = w.Save(alice, "", order.id());
  REQUIRE(item.ok());

  CHECK(w.Save(mallory, "", order.id()).status().code() == absl::StatusCode::kNotFound);
  v1::RemoveFromWalletRequest remove;
  remove.set_id(item->id());
  v1::RemoveFromWalletResponse removed;
  CHECK(w.wallet.Remove(mallory.call(), remove, removed).code() == absl::StatusCode::kNotFound);
  CHECK(w.Items(mallory).empty());
  CHECK(w.Items(alice).size() == 1);

  Person shop = w.NewPerson("MERCHANT");
  CHECK(w.Save(shop, c.id()).status().code() == absl::StatusCode::kPermissionDenied);

  REQUIRE(w.wallet.Remove(alice.call(), remove, removed).ok());
  CHECK(w.Items(alice).empty());
}

TEST_CASE("Bad requests name the field and save nothing") {
  World w;
  Person alice = w.NewPerson();
  const v1::Campaign c = w.Campaign(absl::Hours(48));
  CHECK(w.Save(alice, "", "").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(w.Save(alice, c.id(), core::NewId()).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(w.Save(alice, "not an id").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(w.Save(alice, core::NewId()).status().code() == absl::StatusCode::kNotFound);
  v1::SaveToWalletRequest req;
  req.set_campaign_id(c.id());
  req.set_category(std::string(40, 'x'));
  WalletItem item;
  CHECK(w.wallet.Save(alice.call(), req, item).code() == absl::StatusCode::kInvalidArgument);
  CHECK(w.Items(alice).empty());
}

}  // namespace
}  // namespace qrcloud::personal
