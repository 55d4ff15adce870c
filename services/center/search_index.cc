#include "services/center/search_index.h"

#include <algorithm>
#include <cmath>
#include <queue>

namespace qrcloud::center {
namespace {

// A merchant's campaigns are counted up to this many (a search costs a page's
// work, not a chain's).
constexpr int kMaxCounted = 100;

bool Holds(const std::vector<uint32_t>& postings, uint32_t doc) {
  return std::binary_search(postings.begin(), postings.end(), doc);
}

// The position just past the documents below `before` (0: all of them).
size_t EndBelow(const std::vector<uint32_t>& postings, uint64_t before) {
  if (before == 0 || before > UINT32_MAX) return postings.size();
  return static_cast<size_t>(
      std::lower_bound(postings.begin(), postings.end(), static_cast<uint32_t>(before)) -
      postings.begin());
}

}  // namespace

void SearchIndex::Put(uint32_t doc, SearchDocument document, std::string card) {
  absl::MutexLock lock(&mu_);
  if (auto it = docs_.find(doc); it != docs_.end()) {
    Unlink(doc, it->second.document);
    LeaveMerchant(doc, it->second.document);
  }
  JoinMerchant(doc, document);
  for (const std::string& term : DocumentTerms(document)) {
    Postings& p = postings_[term];
    // Documents come mostly in order (new ones are the newest).
    if (p.empty() || p.back() < doc) {
      p.push_back(doc);
    } else {
      p.insert(std::lower_bound(p.begin(), p.end(), doc), doc);
    }
  }
  if (spots_.size() <= doc) spots_.resize(std::max<size_t>(doc + 1, spots_.size() * 3 / 2));
  spots_[doc] = document.place ? Spot{static_cast<float>(document.place->lat),
                                      static_cast<float>(document.place->lng), true}
                               : Spot{};
  docs_[doc] = Entry{std::move(document), std::move(card)};
}

void SearchIndex::Remove(uint32_t doc) {
  absl::MutexLock lock(&mu_);
  auto it = docs_.find(doc);
  if (it == docs_.end()) return;
  Unlink(doc, it->second.document);
  LeaveMerchant(doc, it->second.document);
  docs_.erase(it);
  spots_[doc] = Spot{};
}

std::vector<std::string> SearchIndex::Cards(const std::vector<uint32_t>& docs) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::string> cards;
  cards.reserve(docs.size());
  for (uint32_t doc : docs) {
    auto it = docs_.find(doc);
    cards.push_back(it == docs_.end() ? std::string() : it->second.card);
  }
  return cards;
}

void SearchIndex::Unlink(uint32_t doc, const SearchDocument& document) {
  for (const std::string& term : DocumentTerms(document)) {
    auto it = postings_.find(term);
    if (it == postings_.end()) continue;
    Postings& p = it->second;
    auto at = std::lower_bound(p.begin(), p.end(), doc);
    if (at != p.end() && *at == doc) p.erase(at);
    if (p.empty()) postings_.erase(it);
  }
}

void SearchIndex::JoinMerchant(uint32_t doc, const SearchDocument& document) {
  if (document.merchant_id.empty()) return;
  auto [at, added] =
      merchant_slots_.try_emplace(document.merchant_id, static_cast<uint32_t>(merchants_.size()));
  if (added) merchants_.push_back(Merchant{.id = document.merchant_id});
  const uint32_t slot = at->second;
  Merchant& m = merchants_[slot];
  const bool renamed = m.name != document.merchant_name;
  if (renamed && !m.docs.empty()) LinkName(slot, false);
  if (renamed) {
    m.name = document.merchant_name;
    m.folded = FoldForSearch(m.name);
    m.terms = TextTerms(m.folded);
    std::sort(m.terms.begin(), m.terms.end());
    m.terms.erase(std::unique(m.terms.begin(), m.terms.end()), m.terms.end());
  }
  const bool was_found = !m.docs.empty();
  m.docs.insert(std::lower_bound(m.docs.begin(), m.docs.end(), doc), doc);
  if (renamed || !was_found) LinkName(slot, true);
}

void SearchIndex::LeaveMerchant(uint32_t doc, const SearchDocument& document) {
  auto at = merchant_slots_.find(document.merchant_id);
  if (at == merchant_slots_.end()) return;
  Merchant& m = merchants_[at->second];
  auto d = std::lower_bound(m.docs.begin(), m.docs.end(), doc);
  if (d == m.docs.end() || *d != doc) return;
  m.docs.erase(d);
  if (m.docs.empty()) LinkName(at->second, false);
}

void SearchIndex::LinkName(uint32_t slot, bool link) {
  for (const std::string& term : merchants_[slot].terms) {
    std::vector<uint32_t>& p = name_postings_[term];
    auto at = std::lower_bound(p.begin(), p.end(), slot);
    const bool holds = at != p.end() && *at == slot;
    if (link && !holds) p.insert(at, slot);
    if (!link && holds) p.erase(at);
    if (p.empty()) name_postings_.erase(term);
  }
}

bool SearchIndex::AnswersRest(const SearchQuery& query, const std::vector<const Postings*>& tags,
                              const Box& box, uint32_t doc, absl::Time now) const {
  if (!box.Holds(spots_[doc])) return false;
  for (const Postings* p : tags) {
    if (!Holds(*p, doc)) return false;
  }
  return InAny(query, doc) && InWindowAndCircle(query, docs_.at(doc).document, now);
}

std::vector<SearchIndex::MerchantHit> SearchIndex::FindMerchants(const SearchQuery& query,
                                                                 absl::Time now,
                                                                 size_t limit) const {
  absl::ReaderMutexLock lock(&mu_);
  if (query.text_terms.empty() || limit == 0) return {};
  const std::vector<uint32_t>* walk = nullptr;
  for (const std::string& term : query.text_terms) {
    auto it = name_postings_.find(term);
    if (it == name_postings_.end()) return {};
    if (walk == nullptr || it->second.size() < walk->size()) walk = &it->second;
  }
  // A document of a merchant whose name holds the text holds the text too:
  // what is left to ask of it is the rest of the search.
  std::vector<const Postings*> tags;
  for (const std::string& term : query.all_terms) {
    if (std::binary_search(query.text_terms.begin(), query.text_terms.end(), term)) continue;
    const Postings* p = PostingsOf(term);
    if (p == nullptr) return {};
    tags.push_back(p);
  }
  const Box box = BoxOf(query);
  // The merchants are looked at from the one with the newest document down,
  // each from its newest document down, keeping the best `limit` by their
  // newest answering document: once a merchant's newest document is older
  // than the last of them, no merchant after it can enter.
  struct Hit {
    uint32_t newest;
    uint32_t slot;
  };
  auto older = [](const Hit& a, const Hit& b) { return a.newest < b.newest; };
  auto newer = [](const Hit& a, const Hit& b) { return a.newest > b.newest; };
  std::vector<Hit> next;  // a heap, the newest on top
  next.reserve(walk->size());
  for (uint32_t slot : *walk) {
    if (!merchants_[slot].docs.empty()) next.push_back({merchants_[slot].docs.back(), slot});
  }
  std::make_heap(next.begin(), next.end(), older);
  std::vector<Hit> best;  // a heap, the oldest on top
  while (!next.empty()) {
    std::pop_heap(next.begin(), next.end(), older);
    const Hit candidate = next.back();
    next.pop_back();
    if (best.size() == limit && candidate.newest < best.front().newest) break;
    const Merchant& m = merchants_[candidate.slot];
    if (!NameAnswers(query, m.terms, m.folded)) continue;
    for (auto d = m.docs.rbegin(); d != m.docs.rend(); ++d) {
      if (best.size() == limit && *d < best.front().newest) break;
      if (!AnswersRest(query, tags, box, *d, now)) continue;
      if (best.size() == limit) {
        std::pop_heap(best.begin(), best.end(), newer);
        best.pop_back();
      }
      best.push_back({*d, candidate.slot});
      std::push_heap(best.begin(), best.end(), newer);
      break;
    }
  }
  std::sort_heap(best.begin(), best.end(), newer);
  std::vector<MerchantHit> out;
  out.reserve(best.size());
  for (const Hit& hit : best) {
    const Merchant& m = merchants_[hit.slot];
    MerchantHit found{m.id, m.name, 0};
    for (auto d = m.docs.rbegin(); d != m.docs.rend() && found.campaigns < kMaxCounted; ++d) {
      found.campaigns += AnswersRest(query, tags, box, *d, now) ? 1 : 0;
    }
    out.push_back(std::move(found));
  }
  return out;
}

size_t SearchIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return docs_.size();
}

const SearchIndex::Postings* SearchIndex::PostingsOf(const std::string& term) const {
  auto it = postings_.find(term);
  return it == postings_.end() ? nullptr : &it->second;
}

bool SearchIndex::InAny(const SearchQuery& query, uint32_t doc) const {
  if (query.any_terms.empty()) return true;
  for (const std::string& term : query.any_terms) {
    const Postings* p = PostingsOf(term);
    if (p != nullptr && Holds(*p, doc)) return true;
  }
  return false;
}

bool SearchIndex::Box::Holds(const Spot& s) const {
  return any ||
         (s.placed && s.lat >= lat_min && s.lat <= lat_max && s.lng >= lng_min && s.lng <= lng_max);
}

SearchIndex::Box SearchIndex::BoxOf(const SearchQuery& query) {
  Box box;
  if (!query.circle) return box;
  const SearchCircle& c = *query.circle;
  // A little wider than the circle: the spots are floats, and the exact
  // distance is checked after.
  const double dlat = c.radius_m / 111000.0 + 0.001;
  const double cos_lat = std::cos(std::min(89.0, std::abs(c.lat)) * M_PI / 180);
  const double dlng = c.radius_m / (111000.0 * cos_lat) + 0.001;
  box.any = false;
  box.lat_min = c.lat - dlat;
  box.lat_max = c.lat + dlat;
  if (dlng >= 180 || c.lng - dlng < -180 || c.lng + dlng > 180) {
    box.lng_min = -180;  // across the antimeridian: by latitude only
    box.lng_max = 180;
  } else {
    box.lng_min = c.lng - dlng;
    box.lng_max = c.lng + dlng;
  }
  return box;
}

bool SearchIndex::Admits(const SearchQuery& query, const Box& box, uint32_t doc,
                         absl::Time now) const {
  return box.Holds(spots_[doc]) && PassesFilters(query, docs_.at(doc).document, now);
}

std::vector<uint32_t> SearchIndex::Find(const SearchQuery& query, absl::Time now, uint64_t before,
                                        size_t limit, bool* done) const {
  absl::ReaderMutexLock lock(&mu_);
  return query.all_terms.empty() ? FindAny(query, now, before, limit, done)
                                 : FindAll(query, now, before, limit, done);
}

std::vector<uint32_t> SearchIndex::FindAll(const SearchQuery& query, absl::Time now,
                                           uint64_t before, size_t limit, bool* done) const {
  std::vector<const Postings*> lists;
  for (const std::string& term : query.all_terms) {
    const Postings* p = PostingsOf(term);
    if (p == nullptr) {
      *done = true;
      return {};
    }
    lists.push_back(p);
  }
  // Walk the rarest; look the others up.
  std::sort(lists.begin(), lists.end(),
            [](const Postings* a, const Postings* b) { return a->size() < b->size(); });
  const Postings& walk = *lists.front();
  const Box box = BoxOf(query);
  std::vector<uint32_t> found;
  for (size_t i = EndBelow(walk, before); i > 0;) {
    const uint32_t doc = walk[--i];
    bool all = true;
    for (size_t l = 1; l < lists.size() && all; ++l) all = Holds(*lists[l], doc);
    if (!all || !InAny(query, doc) || !Admits(query, box, doc, now)) continue;
    found.push_back(doc);
    if (found.size() == limit) {
      *done = i == 0;
      return found;
    }
  }
  *done = true;
  return found;
}

std::vector<uint32_t> SearchIndex::FindAny(const SearchQuery& query, absl::Time now,
                                           uint64_t before, size_t limit, bool* done) const {
  // Merge the interests' postings from the newest down, each document once.
  struct Cursor {
    const Postings* postings;
    size_t end;  // documents [0, end) not yet taken
  };
  auto newer = [](const Cursor& a, const Cursor& b) {
    return a.postings->at(a.end - 1) < b.postings->at(b.end - 1);
  };
  std::priority_queue<Cursor, std::vector<Cursor>, decltype(newer)> heads(newer);
  for (const std::string& term : query.any_terms) {
    const Postings* p = PostingsOf(term);
    if (p == nullptr) continue;
    if (size_t end = EndBelow(*p, before); end > 0) heads.push({p, end});
  }
  const Box box = BoxOf(query);
  std::vector<uint32_t> found;
  uint64_t last = UINT64_MAX;
  while (!heads.empty()) {
    Cursor c = heads.top();
    heads.pop();
    const uint32_t doc = (*c.postings)[--c.end];
    if (c.end > 0) heads.push(c);
    if (doc == last) continue;
    last = doc;
    if (!Admits(query, box, doc, now)) continue;
    found.push_back(doc);
    if (found.size() == limit) {
      *done = heads.empty();
      return found;
    }
  }
  *done = true;
  return found;
}

}  // namespace qrcloud::center
