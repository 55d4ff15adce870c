// The center's logic on memory stores and a fake clock, for unit tests that
// need no MariaDB and no Redis: the same classes main() serves, wired as
// center.cc wires them, with people to call them as.
//
//   CenterWorld w;
//   auto merchant = w.Merchant();                 // a registered, qualified merchant
//   v1::Campaign c = w.Published(merchant, w.OrderCampaign());
//   ...
#ifndef QRCLOUD_SERVICES_CENTER_TESTING_CENTER_WORLD_H_
#define QRCLOUD_SERVICES_CENTER_TESTING_CENTER_WORLD_H_

#include <string>

#include "libs/auth/principal.h"
#include "libs/core/clock.h"
#include "libs/ordering/memory_order_store.h"
#include "libs/ordering/order_book.h"
#include "libs/rpc/dispatcher.h"
#include "services/center/auth_logic.h"
#include "services/center/campaign_logic.h"
#include "services/center/campaign_search.h"
#include "services/center/code_logic.h"
#include "services/center/geo_logic.h"
#include "services/center/merchant_logic.h"
#include "services/center/order_logic.h"
#include "services/center/page_logic.h"
#include "services/center/testing/memory_stores.h"

namespace qrcloud::center::testing {

inline constexpr char kPublicUrl[] = "https://qr.test";

// Someone calling the logic: their principal, or nobody.
struct Caller {
  auth::Principal principal;
  bool anonymous = false;
  // A call made by them (pointing at this caller: keep it alive meanwhile).
  rpc::CallContext call() const;
  const std::string& merchant_id() const { return principal.merchant_id; }
  const std::string& account_id() const { return principal.account_id; }
};

class CenterWorld {
 public:
  CenterWorld();

  // People. Merchant() registers a merchant account; Qualified() also has
  // its licence approved (as the audit service would).
  Caller Person();
  Caller Merchant();
  Caller Qualified();
  Caller Auditor();
  // Another account of the same merchant, with role merchant_staff.
  Caller Staff(const Caller& merchant);
  static Caller Anonymous();

  // A valid ORDER campaign's content.
  v1::Campaign OrderCampaign(int64_t stock = 0, int32_t per_person_limit = 0);
  // Creates, submits and approves `content` for `merchant`.
  v1::Campaign Published(const Caller& merchant, const v1::Campaign& content);
  // The submission id of the last event of `type` about `subject_id`.
  std::string LastSubmission(absl::string_view type, absl::string_view subject_id);
  // An auditor's decision on the pending submission of `subject_id`.
  v1::AuditDecision Decision(absl::string_view type, absl::string_view subject_id, bool approve,
                             std::string reason = "");

  store::MemoryDb db;
  core::FakeClock clock;
  MemoryAccountStore accounts{db};
  MemoryMerchantStore merchants{db};
  MemoryMerchantStats merchant_stats;
  MemoryCodeStore codes{db, kPublicUrl};
  MemorySlugCache slugs;
  ordering::MemoryOrderStore orders{db};
  MemoryCampaignStore campaigns{db, merchants, orders};
  MemorySearchStore search_store{db, campaigns};
  MemoryMediaStore media;
  MemoryGeoIndex geo;
  MemoryPageCache pages;
  MemorySessions sessions;
  core::ReceiptSigner signer;
  ordering::PayAtShop payments;
  ordering::OrderBook order_book{db, orders, signer, payments, clock, {}};

  AuthLogic auth{db, accounts, merchants, sessions, sessions, clock};
  CampaignSearch search{db, search_store, campaigns, merchants, clock};
  MerchantLogic merchant{db, merchants, merchant_stats, clock};
  CodeLogic code{db, codes, slugs, merchants, media, clock, {kPublicUrl, ""}};
  CampaignLogic campaign{db,  campaigns, merchants, codes, slugs,
                         geo, media,     search,    clock, {kPublicUrl}};
  OrderLogic order{order_book, orders, campaigns, signer, {.decoder_binary = "", .clock = &clock}};
  GeoLogic nearby{geo};
  PageLogic page{campaigns, merchants, pages, clock, kPublicUrl};

 private:
  Caller Register(v1::Account::Kind kind);
  int registered_ = 0;
};

}  // namespace qrcloud::center::testing

#endif  // QRCLOUD_SERVICES_CENTER_TESTING_CENTER_WORLD_H_
