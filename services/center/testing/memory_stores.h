// The center's stores in memory, for unit tests of its logic: every
// interface of services/center, on one MemoryDb (so a unit of work that
// fails leaves no trace in any of them). They keep the guarantees the logic
// relies on (unique logins and slugs, NOT_FOUND naming what is missing) and
// record what the logic sent to Redis-backed parts (slugs, pages, geo) for
// tests to look at.
#ifndef QRCLOUD_SERVICES_CENTER_TESTING_MEMORY_STORES_H_
#define QRCLOUD_SERVICES_CENTER_TESTING_MEMORY_STORES_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "libs/ordering/order_store.h"
#include "libs/store/memory_tx.h"
#include "services/center/account_store.h"
#include "services/center/campaign_store.h"
#include "services/center/code_store.h"
#include "services/center/geo_index.h"
#include "services/center/media_store.h"
#include "services/center/merchant_stats.h"
#include "services/center/merchant_store.h"
#include "services/center/page_cache.h"
#include "services/center/search_store.h"
#include "services/center/sessions.h"

namespace qrcloud::center::testing {

class MemoryAccountStore final : public AccountStore {
 public:
  explicit MemoryAccountStore(store::MemoryDb& db);
  absl::Status Insert(store::Tx& tx, const AccountRecord& account) override;
  absl::StatusOr<AccountRecord> FindByLogin(absl::string_view login) override;
  absl::StatusOr<AccountRecord> FindById(absl::string_view id) override;
  absl::Status UpsertStaff(const AccountRecord& account) override;
  absl::Status InsertApiKey(const ApiKeyRecord& key) override;
  absl::StatusOr<std::vector<ApiKeyRecord>> ListApiKeys(absl::string_view account_id) override;
  absl::StatusOr<std::string> RevokeApiKey(absl::string_view account_id,
                                           absl::string_view key_id) override;
  absl::StatusOr<auth::Principal> ResolveApiKey(absl::string_view key_hash) override;
  void Log(absl::string_view account_id, absl::string_view action, absl::string_view subject,
           absl::string_view peer, absl::string_view request_id) override;

  std::vector<std::string> log();  // "action subject" lines

 private:
  struct Tables {
    std::map<std::string, AccountRecord> accounts;  // by id
    std::map<std::string, ApiKeyRecord> keys;       // by id
    std::set<std::string> revoked;                  // key ids
    std::vector<std::string> log;
  };
  store::MemoryDb& db_;
  Tables t_;
};

class MemoryMerchantStore final : public MerchantStore {
 public:
  explicit MemoryMerchantStore(store::MemoryDb& db);
  absl::Status Insert(store::Tx& tx, const MerchantRecord& record) override;
  absl::StatusOr<v1::Merchant> Get(absl::string_view id) override;
  absl::StatusOr<MerchantRecord> Get(store::Tx& tx, absl::string_view id, bool for_update) override;
  absl::Status Save(store::Tx& tx, const MerchantRecord& record) override;
  absl::StatusOr<int> CountLicenseHolders(store::Tx& tx, absl::string_view license_number,
                                          absl::string_view merchant_id) override;
  absl::StatusOr<std::vector<v1::Merchant>> List(absl::string_view qualification_state,
                                                 absl::string_view after_id, int limit) override;

 private:
  store::MemoryDb& db_;
  std::map<std::string, MerchantRecord> merchants_;
};

// Figures are the MySQL store's business; this one answers with none, and
// remembers the window it was asked for.
class MemoryMerchantStats final : public MerchantStats {
 public:
  absl::StatusOr<v1::GetMerchantStatsResponse> Read(absl::string_view merchant_id,
                                                    absl::string_view campaign_id,
                                                    const StatsWindow& window) override {
    asked = window;
    return v1::GetMerchantStatsResponse();
  }
  StatsWindow asked;
};

class MemoryCodeStore final : public CodeStore {
 public:
  MemoryCodeStore(store::MemoryDb& db, std::string public_url);
  absl::Status Insert(store::Tx& tx, const CodeRow& row) override;
  absl::Status InsertBatch(store::Tx& tx, const CodeBatch& batch,
                           const std::vector<CodeRow>& rows) override;
  absl::StatusOr<std::optional<CodeBatch>> BatchByRequest(absl::string_view owner,
                                                          absl::string_view request_id) override;
  absl::StatusOr<CodeRow> Get(absl::string_view id) override;
  absl::StatusOr<CodeRow> Get(store::Tx& tx, absl::string_view id, bool for_update) override;
  absl::StatusOr<CodeRow> GetBySlug(absl::string_view slug) override;
  absl::StatusOr<std::vector<CodeRow>> List(absl::string_view owner, absl::string_view campaign_id,
                                            absl::string_view batch_id, absl::string_view after_id,
                                            int limit) override;
  absl::Status Update(store::Tx& tx, const CodeRow& row) override;
  absl::StatusOr<v1::CodeStats> Stats(absl::string_view code_id) override;

 private:
  struct Tables {
    std::map<std::string, CodeRow> codes;  // by id
    std::map<std::string, CodeBatch> batches;
  };
  store::MemoryDb& db_;
  std::string public_url_;
  Tables t_;
};

class MemorySlugCache final : public SlugCache {
 public:
  absl::Status Put(const std::vector<CodeRow>& rows) override;
  absl::Status Changed(const CodeRow& row) override;
  // slug → the resolution last written; and the slugs announced as changed.
  std::map<std::string, v1::ResolveSlugResponse> resolutions;
  std::vector<std::string> changed;
};

class MemoryCampaignStore final : public CampaignStore {
 public:
  // Order terms read the merchant's switch and the buyer's earlier orders.
  MemoryCampaignStore(store::MemoryDb& db, MerchantStore& merchants, ordering::OrderStore& orders);
  absl::Status Insert(store::Tx& tx, const CampaignRecord& record) override;
  absl::Status Save(store::Tx& tx, const CampaignRecord& record) override;
  absl::StatusOr<CampaignRecord> Get(store::Tx& tx, absl::string_view id, bool for_update) override;
  absl::StatusOr<CampaignRecord> Get(absl::string_view id) override;
  absl::StatusOr<CampaignRecord> GetByPageSlug(absl::string_view slug) override;
  absl::StatusOr<std::vector<v1::Campaign>> ListForMerchant(absl::string_view merchant_id,
                                                            absl::string_view state,
                                                            absl::string_view after_id,
                                                            int limit) override;
  absl::StatusOr<OrderTerms> GetOrderTerms(absl::string_view id, absl::string_view account_id,
                                           absl::string_view request_id) override;
  // Every campaign by id, for other tables of the same unit `tx`.
  const std::map<std::string, CampaignRecord>& records(store::Tx&) const { return campaigns_; }

 private:
  // Up to `limit` campaigns after `after_id`, in id order, that `keep`
  // accepts.
  absl::StatusOr<std::vector<v1::Campaign>> Page(
      absl::string_view after_id, int limit, const std::function<bool(const v1::Campaign&)>& keep);

  store::MemoryDb& db_;
  MerchantStore& merchants_;
  ordering::OrderStore& orders_;
  std::map<std::string, CampaignRecord> campaigns_;
};

// Search documents beside the campaigns, whose state and stock Cards reads.
class MemorySearchStore final : public SearchStore {
 public:
  MemorySearchStore(store::MemoryDb& db, MemoryCampaignStore& campaigns);
  absl::Status Put(store::Tx& tx, const v1::Campaign& card,
                   const SearchDocument& document) override;
  absl::Status Remove(store::Tx& tx, absl::string_view campaign_id) override;
  absl::StatusOr<std::vector<v1::Campaign>> LiveCards(store::Tx& tx,
                                                      absl::string_view merchant_id) override;
  absl::StatusOr<std::vector<SearchRow>> Changes(int64_t version, uint32_t doc, int limit) override;
  absl::StatusOr<std::vector<CampaignStock>> StockOf(
      const std::vector<std::string>& campaign_ids) override;
  absl::StatusOr<std::vector<std::string>> Stale(absl::string_view after_id, int limit) override;
  absl::Status MarkAllStale() override;

 private:
  struct Row {
    uint32_t doc = 0;
    std::string campaign_id;
    std::string merchant_id;
    bool live = false;
    int document_version = 0;
    int64_t version = 0;
    SearchDocument document;
    v1::Campaign card;
  };
  struct Tables {
    std::map<std::string, Row> rows;  // by campaign id
    uint32_t next_doc = 1;
    int64_t clock = 0;
  };
  store::MemoryDb& db_;
  MemoryCampaignStore& campaigns_;
  Tables t_;
};

class MemoryMediaStore final : public MediaStore {
 public:
  absl::Status Put(const v1::Media& meta, absl::string_view data) override;
  absl::StatusOr<MediaFile> Get(absl::string_view id) override;
  absl::StatusOr<int64_t> CountByAccountSince(absl::string_view account_id,
                                              absl::Time since) override;

 private:
  std::map<std::string, MediaFile> files_;
};

class MemoryGeoIndex final : public GeoIndex {
 public:
  absl::Status Put(const v1::Campaign& campaign, const v1::GeoPoint& where) override;
  absl::Status Remove(const v1::Campaign& campaign) override;
  absl::StatusOr<v1::NearbyCampaignsResponse> Nearby(double lat, double lng, int radius_m,
                                                     const std::vector<std::string>& tags,
                                                     int limit) override;
  bool Has(const std::string& campaign_id) const { return places_.count(campaign_id) > 0; }

 private:
  std::map<std::string, std::pair<v1::Campaign, v1::GeoPoint>> places_;
};

class MemoryPageCache final : public PageCache {
 public:
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view slug,
                                                 absl::string_view lang) override;
  absl::Status Put(const std::vector<RenderedPage>& pages) override;
  void CountView(absl::string_view slug, absl::string_view day) override;
  std::map<std::string, std::string> pages;                 // "slug:lang" → html
  std::map<std::string, std::map<std::string, int>> views;  // slug → day → views
};

class MemorySessions final : public SessionIssuer, public SignInThrottle {
 public:
  absl::StatusOr<auth::Session> Create(const auth::Principal& principal) override;
  absl::Status Revoke(absl::string_view token_hash) override;
  absl::Status ForgetApiKey(absl::string_view key_hash) override;
  // Counts every attempt per login; refuses the logins in `waiting`.
  absl::Status Begin(absl::string_view login, absl::string_view address) override;
  void Succeeded(absl::string_view login, absl::string_view) override {
    --attempts[std::string(login)];
  }

  std::map<std::string, auth::Principal> sessions;  // token hash → principal
  std::set<std::string> forgotten_keys;
  std::map<std::string, int> attempts;  // login → attempts not taken back
  std::set<std::string> waiting;
  std::string last_address;
};

}  // namespace qrcloud::center::testing

#endif  // QRCLOUD_SERVICES_CENTER_TESTING_MEMORY_STORES_H_
