#include "services/personal/wallet_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace qrcloud::personal {
namespace {

constexpr size_t kMaxCategoryChars = 32;

size_t Chars(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Beijing time, as the merchants' pages show it.
std::string When(absl::Time t) {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", z)) *z = absl::FixedTimeZone(8 * 3600);
    return z;
  }();
  return absl::FormatTime("%Y-%m-%d %H:%M", t, *zone);
}

}  // namespace

CampaignFacts CampaignFacts::Of(const v1::Campaign& c) {
  CampaignFacts f;
  f.id = c.id();
  f.merchant_id = c.merchant_id();
  f.title = c.title();
  f.state = c.state();
  if (c.has_end_time()) f.end = core::FromProto(c.end_time());
  f.stock = c.stock();
  f.stock_left = c.stock_left();
  f.tags.assign(c.tags().begin(), c.tags().end());
  f.page_url = c.page_url();
  if (c.has_update_time()) f.update_time = core::FromProto(c.update_time());
  return f;
}

OrderFacts OrderFacts::Of(const v1::Order& o) {
  OrderFacts f;
  f.id = o.id();
  f.campaign_id = o.campaign_id();
  f.account_id = o.account_id();
  f.state = o.state();
  if (o.receipt().has_expire_time()) f.expire = core::FromProto(o.receipt().expire_time());
  return f;
}

Verdict OfferValidity(const CampaignFacts& c, absl::Time now, absl::Duration window) {
  if (c.state == v1::Campaign::ENDED || (c.end && now >= *c.end)) {
    return {v1::WalletItem::EXPIRED, std::nullopt};
  }
  // Every other verdict can still turn EXPIRED (or EXPIRING) with time.
  const std::optional<absl::Time> at_end = c.end;
  if (c.state == v1::Campaign::PAUSED) return {v1::WalletItem::PAUSED, at_end};
  if (c.stock > 0 && c.stock_left <= 0) return {v1::WalletItem::SOLD_OUT, at_end};
  if (c.end && now >= *c.end - window) return {v1::WalletItem::EXPIRING, at_end};
  if (c.end) return {v1::WalletItem::VALID, *c.end - window};
  return {v1::WalletItem::VALID, std::nullopt};
}

Verdict ReceiptValidity(const OrderFacts& o, absl::Time now, absl::Duration window) {
  switch (o.state) {
    case v1::Order::REDEEMED:
      return {v1::WalletItem::REDEEMED, std::nullopt};
    case v1::Order::CANCELLED:
      return {v1::WalletItem::CANCELLED, std::nullopt};
    case v1::Order::REFUNDED:
      return {v1::WalletItem::REFUNDED, std::nullopt};
    case v1::Order::EXPIRED:
      return {v1::WalletItem::EXPIRED, std::nullopt};
    default:
      break;
  }
  if (o.expire && now >= *o.expire) return {v1::WalletItem::EXPIRED, std::nullopt};
  if (o.expire && now >= *o.expire - window) return {v1::WalletItem::EXPIRING, o.expire};
  if (o.expire) return {v1::WalletItem::VALID, *o.expire - window};
  return {v1::WalletItem::VALID, std::nullopt};
}

bool OrderMovesTo(v1::Order::State known, v1::Order::State next) {
  if (next == v1::Order::STATE_UNSPECIFIED) return false;
  if (known == v1::Order::STATE_UNSPECIFIED) return true;
  if (known == v1::Order::CONFIRMED) return next != v1::Order::CONFIRMED;
  // A redeemed order may still be refunded, once.
  return known == v1::Order::REDEEMED && next == v1::Order::REFUNDED;
}

std::string ReminderMessage(Validity validity, absl::string_view title,
                            std::optional<absl::Time> when) {
  const std::string t = absl::StrCat("“", title, "”");
  switch (validity) {
    case v1::WalletItem::EXPIRING:
      return when ? absl::StrCat(t, " 即将到期 · ends soon: ", When(*when))
                  : absl::StrCat(t, " 即将到期 · ends soon");
    case v1::WalletItem::EXPIRED:
      return absl::StrCat(t, " 已过期 · has ended");
    case v1::WalletItem::SOLD_OUT:
      return absl::StrCat(t, " 已售罄 · is sold out");
    case v1::WalletItem::REDEEMED:
      return absl::StrCat(t, " 已核销 · was redeemed at the shop");
    case v1::WalletItem::CANCELLED:
      return absl::StrCat(t, " 已取消 · was cancelled");
    case v1::WalletItem::REFUNDED:
      return absl::StrCat(t, " 已退款 · was refunded by the shop");
    case v1::WalletItem::PAUSED:
      return absl::StrCat(t, " 已暂停 · is paused by the shop");
    case v1::WalletItem::VALID:
      return absl::StrCat(t, " 可以使用 · is available again");
    default:
      return t;
  }
}

absl::StatusOr<std::string> Category(absl::string_view own, const std::vector<std::string>& tags) {
  std::string chosen(absl::StripAsciiWhitespace(own));
  if (Chars(chosen) > kMaxCategoryChars) {
    return core::InvalidField(
        "category", absl::StrCat("is ", Chars(chosen), " characters; at most ", kMaxCategoryChars,
                                 " are accepted"));
  }
  if (chosen.empty()) {
    for (const std::string& tag : tags) {
      std::string t(absl::StripAsciiWhitespace(tag));
      if (!t.empty() && Chars(t) <= kMaxCategoryChars) {
        chosen = std::move(t);
        break;
      }
    }
  }
  if (chosen.empty()) chosen = "other";
  absl::AsciiStrToLower(&chosen);
  return chosen;
}

}  // namespace qrcloud::personal
