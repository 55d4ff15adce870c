// What only the SQLite store must show (the rules themselves run on it in
// order_book_test.cc): its data is on disk and durable, and an order and
// its outbox row commit together or not at all.
#include "libs/ordering/sqlite_order_store.h"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/core/clock.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/ordering/order_book.h"
#include "libs/ordering/test_stores.h"
#include "libs/store/sqlite_tx.h"

namespace qrcloud::ordering {
namespace {

using testing::SqliteStores;
using testing::TempDir;

Offer NewOffer(int64_t stock) {
  Offer o;
  o.id = core::NewId();
  o.merchant_id = core::NewId();
  o.price = *core::Money::Of("CNY", 1200);
  o.stock = stock;
  return o;
}

v1::Order NewOrder(const Offer& offer, const std::string& buyer) {
  v1::Order o;
  o.set_id(core::NewId());
  o.set_campaign_id(offer.id);
  o.set_merchant_id(offer.merchant_id);
  o.set_account_id(buyer);
  o.set_quantity(1);
  o.set_state(v1::Order::CONFIRMED);
  o.set_source(v1::Order::LANDING);
  o.mutable_total()->set_currency("CNY");
  o.mutable_total()->set_minor(1200);
  o.mutable_receipt()->set_number("12345678");
  o.mutable_receipt()->set_token("token");
  core::ToProto(absl::FromUnixSeconds(1767225600), o.mutable_create_time());
  core::ToProto(absl::FromUnixSeconds(1767225600 + 3600),
                o.mutable_receipt()->mutable_expire_time());
  return o;
}

TEST_CASE("SQLite: the database is in WAL mode with synchronous=FULL and foreign keys on") {
  SqliteStores s;
  REQUIRE(s.db->Read([](store::SqliteConnection& conn) -> absl::Status {
                auto mode = conn.QueryOne("PRAGMA journal_mode");
                auto sync = conn.QueryOne("PRAGMA synchronous");
                auto fk = conn.QueryOne("PRAGMA foreign_keys");
                REQUIRE(mode.ok());
                REQUIRE(sync.ok());
                REQUIRE(fk.ok());
                CHECK(mode->String("journal_mode") == "wal");
                CHECK(sync->Int("synchronous") == 2);  // FULL
                CHECK(fk->Int("foreign_keys") == 1);
                return absl::OkStatus();
              })
              .ok());
  // A database that cannot be a WAL file is refused, saying why.
  auto in_memory = store::SqliteDb::Open(":memory:");
  CHECK(in_memory.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(in_memory.status().message().find("cannot use WAL") != std::string::npos);
}

TEST_CASE("SQLite: orders, stock and outbox survive closing and reopening the file") {
  TempDir dir;
  const std::string path = dir.File("node.db");
  const Offer offer = NewOffer(/*stock=*/5);
  std::string order_id, token;
  {
    auto db = store::SqliteDb::Open(path);
    REQUIRE(db.ok());
    auto orders = SqliteOrderStore::Open(**db);
    REQUIRE(orders.ok());
    core::FakeClock clock;
    auto signer = *core::ReceiptSigner::FromSeed(std::string(32, 's'));
    PayAtShop payments;
    OrderBook book(**db, **orders, signer, payments, clock, {.source = v1::Order::LANDING});
    PlaceRequest request;
    request.request_id = "r1";
    request.quantity = 2;
    auto placed = book.Place("table-7", offer, request);
    REQUIRE(placed.ok());
    order_id = placed->id();
    token = placed->receipt().token();
  }
  auto db = store::SqliteDb::Open(path);
  REQUIRE(db.ok());
  auto orders = SqliteOrderStore::Open(**db);  // migrations already applied: a no-op
  REQUIRE(orders.ok());
  auto order = (*orders)->Get(order_id);
  REQUIRE(order.ok());
  CHECK(order->quantity() == 2);
  CHECK(order->source() == v1::Order::LANDING);
  CHECK(order->receipt().token() == token);
  CHECK(core::FromProto(order->create_time()) == absl::FromUnixSeconds(1767225600));
  CHECK((*orders)->StockLeft(offer.id).value() == 3);
  auto again = (*orders)->FindByRequest("table-7", "r1");
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  CHECK((*again)->id() == order_id);
  auto events = (*db)->PendingEvents();
  REQUIRE(events.ok());
  REQUIRE(events->size() == 1);
  CHECK((*events)[0].second.type == kOrderPlaced);
  CHECK((*events)[0].second.data.find(order_id) != std::string::npos);
  // Each migration is recorded once, however often the file is opened.
  REQUIRE((*db)
              ->Read([](store::SqliteConnection& conn) -> absl::Status {
                auto rows = conn.Query(
                    "SELECT component, version FROM schema_version ORDER BY component, version");
                REQUIRE(rows.ok());
                REQUIRE(rows->size() == 2);
                CHECK((*rows)[0].String("component") == "ordering");
                CHECK((*rows)[1].String("component") == "outbox");
                return absl::OkStatus();
              })
              .ok());
}

TEST_CASE("SQLite: an order and its outbox row commit together or not at all") {
  SqliteStores s;
  const Offer offer = NewOffer(/*stock=*/1);
  const v1::Order order = NewOrder(offer, "table-3");
  auto unit = [&](absl::Status outcome) {
    return s.db->Run([&](store::Tx& tx) -> absl::Status {
      auto event = tx.AppendEvent(OrderEvent(kOrderPlaced, order));
      if (!event.ok()) return event.status();
      auto placed = s.orders.Place(tx, order, offer, "req");
      if (!placed.ok()) return placed.status();
      REQUIRE(*placed == Placed::kCreated);
      return outcome;
    });
  };
  // The work fails after both writes: neither is there, the stock untouched.
  CHECK(unit(absl::InternalError("the phone went away")).message() == "the phone went away");
  CHECK(s.orders.Get(order.id()).status().code() == absl::StatusCode::kNotFound);
  CHECK(s.events().empty());
  CHECK(s.StockLeft(offer.id) == -1);
  // The same work succeeding: both are there.
  REQUIRE(unit(absl::OkStatus()).ok());
  CHECK(s.orders.Get(order.id()).ok());
  CHECK(s.StockLeft(offer.id) == 0);
  const auto events = s.events();
  REQUIRE(events.size() == 1);
  CHECK(core::IsValidId(events[0].first));
  // A unique key violated inside a unit is ALREADY_EXISTS, and rolls it back.
  CHECK(s.db->Run([&](store::Tx& tx) -> absl::Status {
              QRCLOUD_RETURN_IF_ERROR(tx.AppendEvent({"orders", "x", "{}"}).status());
              return store::SqliteConnectionOf(tx)
                  .Execute(
                      "INSERT INTO redemptions (id, order_id, merchant_id, redeemed_by, "
                      "currency, amount_minor, payment_provider, redeemed_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?)",
                      {"r1", order.id(), "m", "a", "CNY", int64_t{1}, "p", "t",  //
                       "r2", order.id(), "m", "a", "CNY", int64_t{1}, "p", "t"})
                  .status();
            })
            .code() == absl::StatusCode::kAlreadyExists);
  CHECK(s.events().size() == 1);
  CHECK(s.RedemptionCount(order.id()) == 0);
}

TEST_CASE("SQLite: units asked at once commit together, each all or nothing on its own") {
  TempDir dir;
  auto db = store::SqliteDb::Open(dir.File("group.db"));
  REQUIRE(db.ok());
  REQUIRE((*db)
              ->Run([](store::Tx& tx) {
                return store::SqliteConnectionOf(tx).ExecuteScript(
                    "CREATE TABLE rows_kept (id TEXT PRIMARY KEY, n INTEGER NOT NULL)");
              })
              .ok());
  // 16 callers at once, 50 units each; every 7th writes, then fails (its
  // write must go), and every unit sees the writes of the units before it.
  constexpr int kThreads = 16, kUnits = 50;
  std::vector<std::vector<absl::Status>> results(kThreads, std::vector<absl::Status>(kUnits));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int u = 0; u < kUnits; ++u) {
        results[t][u] = (*db)->Run([&](store::Tx& tx) -> absl::Status {
          store::SqliteConnection& conn = store::SqliteConnectionOf(tx);
          const std::string id = absl::StrCat(t, "-", u);
          QRCLOUD_RETURN_IF_ERROR(
              conn.Execute("INSERT INTO rows_kept (id, n) VALUES (?, ?)", {id, int64_t{u}})
                  .status());
          QRCLOUD_ASSIGN_OR_RETURN(auto mine,
                                   conn.Query("SELECT id FROM rows_kept WHERE id = ?", {id}));
          if (mine.size() != 1) return absl::InternalError("a unit does not see its own write");
          if (u % 7 == 3) return absl::FailedPreconditionError("refused");
          return absl::OkStatus();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int u = 0; u < kUnits; ++u) {
      INFO(t << "-" << u << ": " << results[t][u]);
      if (u % 7 == 3) {
        CHECK(absl::IsFailedPrecondition(results[t][u]));
      } else {
        CHECK(results[t][u].ok());
        ++ok;
      }
    }
  }
  int64_t kept = -1;
  int64_t refused_kept = -1;
  REQUIRE(
      (*db)
          ->Read([&](store::SqliteConnection& conn) -> absl::Status {
            QRCLOUD_ASSIGN_OR_RETURN(auto all, conn.Query("SELECT COUNT(*) AS n FROM rows_kept"));
            kept = all[0].Int("n");
            QRCLOUD_ASSIGN_OR_RETURN(
                auto refused, conn.Query("SELECT COUNT(*) AS n FROM rows_kept WHERE n % 7 = 3"));
            refused_kept = refused[0].Int("n");
            return absl::OkStatus();
          })
          .ok());
  CHECK(kept == ok);
  CHECK(refused_kept == 0);
}

TEST_CASE("SQLite: a redemption of a missing order is refused by its foreign key") {
  SqliteStores s;
  v1::Redemption r;
  r.set_id(core::NewId());
  r.set_order_id(core::NewId());  // no such order
  const absl::Status refused =
      s.db->Run([&](store::Tx& tx) -> absl::Status { return s.orders.InsertRedemption(tx, r); });
  CHECK(refused.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(refused.message().find("FOREIGN KEY") != std::string::npos);
}

}  // namespace
}  // namespace qrcloud::ordering
