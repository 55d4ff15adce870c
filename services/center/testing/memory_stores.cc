#include "services/center/testing/memory_stores.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/session_store.h"
#include "libs/core/encoding.h"
#include "libs/core/geo.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace qrcloud::center::testing {
namespace {

absl::Status Missing(absl::string_view what, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(what, " ", id, " not found"));
}

// Registers `tables` with the db: a unit that fails puts them back.
template <typename T>
void Register(store::MemoryDb& db, T& tables) {
  db.Register([&tables] {
    T saved = tables;
    return [&tables, saved = std::move(saved)] { tables = saved; };
  });
}

// Runs `fn` as one step of the db, returning what it returns.
template <typename R>
absl::StatusOr<R> Step(store::MemoryDb& db,
                       const std::function<absl::StatusOr<R>(store::Tx&)>& fn) {
  absl::StatusOr<R> out = absl::InternalError("not run");
  absl::Status s = db.Step([&](store::Tx& tx) {
    out = fn(tx);
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace

// Accounts -----------------------------------------------------------------

MemoryAccountStore::MemoryAccountStore(store::MemoryDb& db) : db_(db) { Register(db, t_); }

absl::Status MemoryAccountStore::Insert(store::Tx&, const AccountRecord& account) {
  for (const auto& [id, a] : t_.accounts) {
    if (a.login == account.login) return absl::AlreadyExistsError("this login is taken");
  }
  t_.accounts[account.id] = account;
  return absl::OkStatus();
}

absl::StatusOr<AccountRecord> MemoryAccountStore::FindByLogin(absl::string_view login) {
  return Step<AccountRecord>(db_, [&](store::Tx&) -> absl::StatusOr<AccountRecord> {
    for (const auto& [id, a] : t_.accounts) {
      if (a.login == login) return a;
    }
    return Missing("account", login);
  });
}

absl::StatusOr<AccountRecord> MemoryAccountStore::FindById(absl::string_view id) {
  return Step<AccountRecord>(db_, [&](store::Tx&) -> absl::StatusOr<AccountRecord> {
    auto it = t_.accounts.find(std::string(id));
    if (it == t_.accounts.end()) return Missing("account", id);
    return it->second;
  });
}

absl::Status MemoryAccountStore::UpsertStaff(const AccountRecord& account) {
  return db_.Step([&](store::Tx&) {
    for (auto& [id, a] : t_.accounts) {
      if (a.login != account.login) continue;
      a.password_hash = account.password_hash;
      a.roles = account.roles;
      return absl::OkStatus();
    }
    AccountRecord staff = account;
    staff.kind = "STAFF";
    t_.accounts[staff.id] = staff;
    return absl::OkStatus();
  });
}

absl::Status MemoryAccountStore::InsertApiKey(const ApiKeyRecord& key) {
  return db_.Step([&](store::Tx&) {
    t_.keys[key.id] = key;
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ApiKeyRecord>> MemoryAccountStore::ListApiKeys(
    absl::string_view account_id) {
  using Keys = std::vector<ApiKeyRecord>;
  return Step<Keys>(db_, [&](store::Tx&) -> absl::StatusOr<Keys> {
    Keys out;
    for (const auto& [id, k] : t_.keys) {
      if (k.account_id == account_id && !t_.revoked.count(id)) out.push_back(k);
    }
    return out;
  });
}

absl::StatusOr<std::string> MemoryAccountStore::RevokeApiKey(absl::string_view account_id,
                                                             absl::string_view key_id) {
  return Step<std::string>(db_, [&](store::Tx&) -> absl::StatusOr<std::string> {
    auto it = t_.keys.find(std::string(key_id));
    if (it == t_.keys.end() || it->second.account_id != account_id || t_.revoked.count(it->first)) {
      return Missing("API key", key_id);
    }
    t_.revoked.insert(it->first);
    return it->second.key_hash;
  });
}

absl::StatusOr<auth::Principal> MemoryAccountStore::ResolveApiKey(absl::string_view key_hash) {
  return Step<auth::Principal>(db_, [&](store::Tx&) -> absl::StatusOr<auth::Principal> {
    for (const auto& [id, k] : t_.keys) {
      if (k.key_hash != key_hash || t_.revoked.count(id)) continue;
      auth::Principal p = t_.accounts.at(k.account_id).ToPrincipal();
      p.credential = "api_key";
      return p;
    }
    return absl::NotFoundError("no such API key");
  });
}

void MemoryAccountStore::Log(absl::string_view, absl::string_view action, absl::string_view subject,
                             absl::string_view, absl::string_view) {
  (void)db_.Step([&](store::Tx&) {
    t_.log.push_back(absl::StrCat(action, " ", subject));
    return absl::OkStatus();
  });
}

std::vector<std::string> MemoryAccountStore::log() {
  using Lines = std::vector<std::string>;
  return *Step<Lines>(db_, [&](store::Tx&) -> absl::StatusOr<Lines> { return t_.log; });
}

// Merchants ----------------------------------------------------------------

MemoryMerchantStore::MemoryMerchantStore(store::MemoryDb& db) : db_(db) {
  Register(db, merchants_);
}

absl::Status MemoryMerchantStore::Insert(store::Tx&, const MerchantRecord& record) {
  if (!merchants_.emplace(record.merchant.id(), record).second) {
    return absl::AlreadyExistsError(absl::StrCat("merchant ", record.merchant.id(), " exists"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Merchant> MemoryMerchantStore::Get(absl::string_view id) {
  return Step<v1::Merchant>(db_, [&](store::Tx& tx) -> absl::StatusOr<v1::Merchant> {
    QRCLOUD_ASSIGN_OR_RETURN(MerchantRecord rec, Get(tx, id, false));
    return rec.merchant;
  });
}

absl::StatusOr<MerchantRecord> MemoryMerchantStore::Get(store::Tx&, absl::string_view id, bool) {
  auto it = merchants_.find(std::string(id));
  if (it == merchants_.end()) return Missing("merchant", id);
  return it->second;
}

absl::Status MemoryMerchantStore::Save(store::Tx&, const MerchantRecord& record) {
  auto it = merchants_.find(record.merchant.id());
  if (it == merchants_.end()) return Missing("merchant", record.merchant.id());
  it->second = record;
  return absl::OkStatus();
}

absl::StatusOr<int> MemoryMerchantStore::CountLicenseHolders(store::Tx&,
                                                             absl::string_view license_number,
                                                             absl::string_view merchant_id) {
  int n = 0;
  for (const auto& [id, rec] : merchants_) {
    const v1::Qualification& q = rec.merchant.qualification();
    n +=
        id != merchant_id && q.license_number() == license_number &&
        (q.state() == v1::Qualification::PENDING_AUDIT || q.state() == v1::Qualification::APPROVED);
  }
  return n;
}

absl::StatusOr<std::vector<v1::Merchant>> MemoryMerchantStore::List(
    absl::string_view qualification_state, absl::string_view after_id, int limit) {
  using List = std::vector<v1::Merchant>;
  return Step<List>(db_, [&](store::Tx&) -> absl::StatusOr<List> {
    List out;
    for (const auto& [id, rec] : merchants_) {
      if (id <= after_id || static_cast<int>(out.size()) >= limit) continue;
      const auto& state = v1::Qualification::State_Name(rec.merchant.qualification().state());
      if (qualification_state.empty() || state == qualification_state) out.push_back(rec.merchant);
    }
    return out;
  });
}

// Codes --------------------------------------------------------------------

MemoryCodeStore::MemoryCodeStore(store::MemoryDb& db, std::string public_url)
    : db_(db), public_url_(std::move(public_url)) {
  Register(db, t_);
}

absl::Status MemoryCodeStore::Insert(store::Tx&, const CodeRow& row) {
  for (const auto& [id, r] : t_.codes) {
    if (r.code.slug() == row.code.slug()) return absl::AlreadyExistsError("the slug is taken");
  }
  t_.codes[row.code.id()] = row;
  return absl::OkStatus();
}

absl::Status MemoryCodeStore::InsertBatch(store::Tx& tx, const CodeBatch& batch,
                                          const std::vector<CodeRow>& rows) {
  if (!batch.request_id.empty()) {
    for (const auto& [id, b] : t_.batches) {
      if (b.owner_account_id == batch.owner_account_id && b.request_id == batch.request_id) {
        return absl::AlreadyExistsError("a batch has this request id");
      }
    }
  }
  t_.batches[batch.id] = batch;
  for (const CodeRow& row : rows) QRCLOUD_RETURN_IF_ERROR(Insert(tx, row));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<CodeBatch>> MemoryCodeStore::BatchByRequest(
    absl::string_view owner, absl::string_view request_id) {
  using Found = std::optional<CodeBatch>;
  return Step<Found>(db_, [&](store::Tx&) -> absl::StatusOr<Found> {
    for (const auto& [id, b] : t_.batches) {
      if (b.owner_account_id == owner && b.request_id == request_id) return b;
    }
    return std::nullopt;
  });
}

absl::StatusOr<CodeRow> MemoryCodeStore::Get(absl::string_view id) {
  return Step<CodeRow>(db_, [&](store::Tx& tx) { return Get(tx, id, false); });
}

absl::StatusOr<CodeRow> MemoryCodeStore::Get(store::Tx&, absl::string_view id, bool) {
  auto it = t_.codes.find(std::string(id));
  if (it == t_.codes.end()) return Missing("code", id);
  return it->second;
}

absl::StatusOr<CodeRow> MemoryCodeStore::GetBySlug(absl::string_view slug) {
  return Step<CodeRow>(db_, [&](store::Tx&) -> absl::StatusOr<CodeRow> {
    for (const auto& [id, r] : t_.codes) {
      if (r.code.slug() == slug) return r;
    }
    return absl::NotFoundError(absl::StrCat("no code has the link /s/", slug));
  });
}

absl::StatusOr<std::vector<CodeRow>> MemoryCodeStore::List(absl::string_view owner,
                                                           absl::string_view campaign_id,
                                                           absl::string_view batch_id,
                                                           absl::string_view after_id, int limit) {
  using Rows = std::vector<CodeRow>;
  return Step<Rows>(db_, [&](store::Tx&) -> absl::StatusOr<Rows> {
    Rows out;
    for (const auto& [id, r] : t_.codes) {
      if (static_cast<int>(out.size()) >= limit || id <= after_id) continue;
      if (r.code.owner_account_id() != owner) continue;
      if (!campaign_id.empty() && r.code.campaign_id() != campaign_id) continue;
      if (!batch_id.empty() && r.code.batch_id() != batch_id) continue;
      out.push_back(r);
    }
    return out;
  });
}

absl::Status MemoryCodeStore::Update(store::Tx&, const CodeRow& row) {
  auto it = t_.codes.find(row.code.id());
  if (it == t_.codes.end()) return Missing("code", row.code.id());
  it->second.code.set_state(row.code.state());
  it->second.code.set_label(row.code.label());
  *it->second.code.mutable_end_time() = row.code.end_time();
  return absl::OkStatus();
}

absl::StatusOr<v1::CodeStats> MemoryCodeStore::Stats(absl::string_view code_id) {
  v1::CodeStats stats;
  stats.set_code_id(std::string(code_id));
  return stats;
}

absl::Status MemorySlugCache::Put(const std::vector<CodeRow>& rows) {
  for (const CodeRow& row : rows) resolutions[row.code.slug()] = ResolutionOf(row);
  return absl::OkStatus();
}

absl::Status MemorySlugCache::Changed(const CodeRow& row) {
  resolutions[row.code.slug()] = ResolutionOf(row);
  changed.push_back(row.code.slug());
  return absl::OkStatus();
}

// Campaigns ----------------------------------------------------------------

MemoryCampaignStore::MemoryCampaignStore(store::MemoryDb& db, MerchantStore& merchants,
                                         ordering::OrderStore& orders)
    : db_(db), merchants_(merchants), orders_(orders) {
  Register(db, campaigns_);
}

absl::Status MemoryCampaignStore::Insert(store::Tx&, const CampaignRecord& record) {
  campaigns_[record.campaign.id()] = record;
  return absl::OkStatus();
}

absl::Status MemoryCampaignStore::Save(store::Tx&, const CampaignRecord& record) {
  auto it = campaigns_.find(record.campaign.id());
  if (it == campaigns_.end()) return Missing("campaign", record.campaign.id());
  it->second = record;
  return absl::OkStatus();
}

absl::StatusOr<CampaignRecord> MemoryCampaignStore::Get(store::Tx&, absl::string_view id, bool) {
  auto it = campaigns_.find(std::string(id));
  if (it == campaigns_.end()) return Missing("campaign", id);
  return it->second;
}

absl::StatusOr<CampaignRecord> MemoryCampaignStore::Get(absl::string_view id) {
  return Step<CampaignRecord>(db_, [&](store::Tx& tx) { return Get(tx, id, false); });
}

absl::StatusOr<CampaignRecord> MemoryCampaignStore::GetByPageSlug(absl::string_view slug) {
  return Step<CampaignRecord>(db_, [&](store::Tx&) -> absl::StatusOr<CampaignRecord> {
    for (const auto& [id, rec] : campaigns_) {
      if (absl::EndsWith(rec.campaign.page_url(), absl::StrCat("/m/", slug))) return rec;
    }
    return absl::NotFoundError(absl::StrCat("no page at /m/", slug));
  });
}

absl::StatusOr<std::vector<v1::Campaign>> MemoryCampaignStore::Page(
    absl::string_view after_id, int limit, const std::function<bool(const v1::Campaign&)>& keep) {
  using List = std::vector<v1::Campaign>;
  return Step<List>(db_, [&](store::Tx&) -> absl::StatusOr<List> {
    List out;
    for (auto it = campaigns_.upper_bound(std::string(after_id));
         it != campaigns_.end() && static_cast<int>(out.size()) < limit; ++it) {
      if (keep(it->second.campaign)) out.push_back(it->second.campaign);
    }
    return out;
  });
}

absl::StatusOr<std::vector<v1::Campaign>> MemoryCampaignStore::ListForMerchant(
    absl::string_view merchant_id, absl::string_view state, absl::string_view after_id, int limit) {
  return Page(after_id, limit, [&](const v1::Campaign& c) {
    return c.merchant_id() == merchant_id &&
           (state.empty() || v1::Campaign::State_Name(c.state()) == state);
  });
}

absl::StatusOr<OrderTerms> MemoryCampaignStore::GetOrderTerms(absl::string_view id,
                                                              absl::string_view account_id,
                                                              absl::string_view request_id) {
  QRCLOUD_ASSIGN_OR_RETURN(CampaignRecord rec, Get(id));
  QRCLOUD_ASSIGN_OR_RETURN(v1::Merchant merchant, merchants_.Get(rec.campaign.merchant_id()));
  QRCLOUD_ASSIGN_OR_RETURN(auto existing, orders_.FindByRequest(account_id, request_id));
  OrderTerms terms;
  terms.campaign = std::move(rec.campaign);
  terms.existing_order_id = existing ? existing->id() : "";
  terms.cloud_business_enabled = merchant.cloud_business_enabled();
  return terms;
}

// Search -------------------------------------------------------------------

MemorySearchStore::MemorySearchStore(store::MemoryDb& db, MemoryCampaignStore& campaigns)
    : db_(db), campaigns_(campaigns) {
  Register(db, t_);
}

absl::Status MemorySearchStore::Put(store::Tx&, const v1::Campaign& card,
                                    const SearchDocument& document) {
  Row& row = t_.rows[card.id()];
  if (row.doc == 0) row.doc = t_.next_doc++;
  row.campaign_id = card.id();
  row.merchant_id = card.merchant_id();
  row.live = true;
  row.document_version = kSearchDocumentVersion;
  row.version = ++t_.clock;
  row.document = document;
  row.card = card;
  return absl::OkStatus();
}

absl::Status MemorySearchStore::Remove(store::Tx&, absl::string_view campaign_id) {
  auto it = t_.rows.find(std::string(campaign_id));
  if (it == t_.rows.end() || !it->second.live) return absl::OkStatus();
  it->second.live = false;
  it->second.version = ++t_.clock;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Campaign>> MemorySearchStore::LiveCards(
    store::Tx&, absl::string_view merchant_id) {
  std::vector<v1::Campaign> cards;
  for (const auto& [id, row] : t_.rows) {
    if (row.live && row.merchant_id == merchant_id) cards.push_back(row.card);
  }
  return cards;
}

absl::StatusOr<std::vector<SearchRow>> MemorySearchStore::Changes(int64_t version, uint32_t doc,
                                                                  int limit) {
  using Rows = std::vector<SearchRow>;
  return Step<Rows>(db_, [&](store::Tx&) -> absl::StatusOr<Rows> {
    Rows out;
    for (const auto& [id, row] : t_.rows) {
      if (row.version < version || (row.version == version && row.doc <= doc)) continue;
      out.push_back(SearchRow{row.doc, row.version,
                              row.live && row.document_version == kSearchDocumentVersion,
                              row.document, row.card.SerializeAsString()});
    }
    std::sort(out.begin(), out.end(), [](const SearchRow& a, const SearchRow& b) {
      return std::tie(a.version, a.doc) < std::tie(b.version, b.doc);
    });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
    return out;
  });
}

absl::StatusOr<std::vector<CampaignStock>> MemorySearchStore::StockOf(
    const std::vector<std::string>& ids) {
  using List = std::vector<CampaignStock>;
  return Step<List>(db_, [&](store::Tx& tx) -> absl::StatusOr<List> {
    List out;
    const auto& campaigns = campaigns_.records(tx);
    for (const std::string& id : ids) {
      auto it = campaigns.find(id);
      if (it == campaigns.end()) continue;
      out.push_back(
          CampaignStock{id, it->second.campaign.state(), it->second.campaign.stock_left()});
    }
    return out;
  });
}

absl::StatusOr<std::vector<std::string>> MemorySearchStore::Stale(absl::string_view after_id,
                                                                  int limit) {
  using Ids = std::vector<std::string>;
  return Step<Ids>(db_, [&](store::Tx& tx) -> absl::StatusOr<Ids> {
    Ids out;
    const auto& campaigns = campaigns_.records(tx);
    for (auto it = campaigns.upper_bound(std::string(after_id));
         it != campaigns.end() && static_cast<int>(out.size()) < limit; ++it) {
      if (it->second.campaign.state() != v1::Campaign::PUBLISHED) continue;
      auto row = t_.rows.find(it->first);
      if (row == t_.rows.end() || row->second.document_version < kSearchDocumentVersion) {
        out.push_back(it->first);
      }
    }
    return out;
  });
}

absl::Status MemorySearchStore::MarkAllStale() {
  return db_.Step([&](store::Tx&) {
    for (auto& [id, row] : t_.rows) row.document_version = 0;
    return absl::OkStatus();
  });
}

// Media, geo, pages, sessions ----------------------------------------------

absl::Status MemoryMediaStore::Put(const v1::Media& meta, absl::string_view data) {
  files_[meta.id()] = MediaFile{meta, std::string(data)};
  return absl::OkStatus();
}

absl::StatusOr<int64_t> MemoryMediaStore::CountByAccountSince(absl::string_view account_id,
                                                              absl::Time since) {
  (void)since;  // kept in memory only for one test's time
  int64_t n = 0;
  for (const auto& [id, f] : files_) n += f.meta.account_id() == account_id ? 1 : 0;
  return n;
}

absl::StatusOr<MediaFile> MemoryMediaStore::Get(absl::string_view id) {
  auto it = files_.find(std::string(id));
  if (it == files_.end()) return Missing("media", id);
  return it->second;
}

absl::Status MemoryGeoIndex::Put(const v1::Campaign& campaign, const v1::GeoPoint& where) {
  places_[campaign.id()] = {campaign, where};
  return absl::OkStatus();
}

absl::Status MemoryGeoIndex::Remove(const v1::Campaign& campaign) {
  places_.erase(campaign.id());
  return absl::OkStatus();
}

absl::StatusOr<v1::NearbyCampaignsResponse> MemoryGeoIndex::Nearby(
    double lat, double lng, int radius_m, const std::vector<std::string>& tags, int limit) {
  std::vector<std::pair<double, const v1::Campaign*>> found;
  for (const auto& [id, place] : places_) {
    const double d = core::DistanceMeters(lat, lng, place.second.lat(), place.second.lng());
    const auto& have = place.first.tags();
    const bool tagged = std::all_of(tags.begin(), tags.end(), [&](const std::string& t) {
      return std::find(have.begin(), have.end(), t) != have.end();
    });
    if (d <= radius_m && tagged) found.emplace_back(d, &place.first);
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  v1::NearbyCampaignsResponse resp;
  for (const auto& [d, c] : found) {
    if (resp.results_size() >= limit) break;
    auto* out = resp.add_results();
    *out->mutable_campaign() = *c;
    out->set_distance_m(d);
  }
  return resp;
}

absl::StatusOr<std::optional<std::string>> MemoryPageCache::Get(absl::string_view slug,
                                                                absl::string_view lang) {
  auto it = pages.find(absl::StrCat(slug, ":", lang));
  if (it == pages.end()) return std::nullopt;
  return it->second;
}

absl::Status MemoryPageCache::Put(const std::vector<RenderedPage>& rendered) {
  for (const RenderedPage& p : rendered) pages[absl::StrCat(p.slug, ":", p.lang)] = p.html;
  return absl::OkStatus();
}

void MemoryPageCache::CountView(absl::string_view slug, absl::string_view day) {
  ++views[std::string(slug)][std::string(day)];
}

absl::StatusOr<auth::Session> MemorySessions::Create(const auth::Principal& principal) {
  auth::Session s;
  s.token = absl::StrCat("qrs_", core::NewId());
  sessions[auth::SessionStore::TokenHash(s.token)] = principal;
  return s;
}

absl::Status MemorySessions::Revoke(absl::string_view token_hash) {
  sessions.erase(std::string(token_hash));
  return absl::OkStatus();
}

absl::Status MemorySessions::ForgetApiKey(absl::string_view key_hash) {
  forgotten_keys.insert(std::string(key_hash));
  return absl::OkStatus();
}

absl::Status MemorySessions::Begin(absl::string_view login, absl::string_view address) {
  last_address = std::string(address);
  if (waiting.count(std::string(login))) {
    return core::RetryAfter(absl::Seconds(4), "too many sign-in attempts");
  }
  ++attempts[std::string(login)];
  return absl::OkStatus();
}

}  // namespace qrcloud::center::testing
