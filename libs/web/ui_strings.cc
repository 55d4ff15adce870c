#include "libs/web/ui_strings.h"

#include <cassert>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace qrcloud::web {
namespace {

// Keep keys sorted; a test checks every key a template uses is here.
constexpr UiString kStrings[] = {
    {"address", "地址", "Address"},
    {"brand", "我的二维码云", "My qrcloud"},
    {"card", "电子名片", "Business card"},
    {"claim", "领取", "Claim"},
    {"comment_label", "写评论", "Write a comment"},
    {"comment_send", "发表", "Post"},
    {"comments_n", "评论 ({n})", "Comments ({n})"},
    {"decrease", "减少数量", "Decrease quantity"},
    {"email", "邮箱", "E-mail"},
    {"empty_feed", "还没有动态。您所在圈子里的分享会出现在这里。",
     "Nothing here yet. Shares in the circles you are in appear here."},
    {"empty_reminders",
     "还没有提醒。卡包里的优惠或收据有变化（即将到期、已过期、已核销等）时，会在这里提醒您。",
     "No reminders yet. When something in your wallet changes (ending soon, ended, redeemed…), "
     "you are told here."},
    {"empty_wallet", "卡包是空的。您保存的优惠和下单得到的收据会放在这里。",
     "Your wallet is empty. Offers you save and the receipts of your orders are kept here."},
    {"ends", "结束", "Ends"},
    {"expires", "有效期至", "Valid until"},
    {"external", "访问商家网站", "Visit the merchant's website"},
    {"feed", "动态", "Feed"},
    {"feed_title", "我的动态", "My feed"},
    {"fence", "下单范围", "Ordering area"},
    {"fence_value", "商家 {n} 米内", "Within {n} m of the shop"},
    {"free", "免费", "Free"},
    {"http_error", "请求失败", "Request failed"},
    {"increase", "增加数量", "Increase quantity"},
    {"kind_offer", "优惠", "Offer"},
    {"kind_receipt", "收据", "Receipt"},
    {"limit", "限购", "Limit"},
    {"limit_value", "每人限购 {n} 份", "Up to {n} per person"},
    {"link_copied", "链接已复制", "Link copied"},
    {"live_on", "新提醒会实时出现在这里", "New reminders appear here as they happen"},
    {"live_retry", "实时提醒已中断，正在重新连接…", "Live reminders stopped; reconnecting…"},
    {"loading", "正在加载…", "Loading…"},
    {"locating", "正在获取位置…", "Getting your location…"},
    {"location_denied",
     "未获得定位权限，无法确认您在活动范围内，不能下单。请在浏览器设置中允许定位后重试。",
     "Location access was denied, so we cannot confirm you are inside the campaign area. Allow "
     "location access in your browser settings and try again."},
    {"location_ok", "已获取位置", "Location found"},
    {"location_unavailable", "暂时无法获取位置，请到户外或稍后重试。",
     "Your location is not available right now; please try again."},
    {"location_unsupported", "此浏览器无法提供位置，不能下单。",
     "This browser cannot share a location, so it cannot order here."},
    {"login", "手机号或邮箱", "Mobile number or e-mail"},
    {"map", "查看地图", "View on map"},
    {"me_pages", "我的页面", "My pages"},
    {"menu", "菜单", "Menu"},
    {"merchant", "商家信息", "About the merchant"},
    {"more", "加载更多", "Load more"},
    {"network_error", "网络错误，请检查网络后重试。",
     "Network error; check your connection and try again."},
    {"new_reminder", "新提醒", "New reminder"},
    {"no_comments", "还没有评论", "No comments yet"},
    {"order", "下单", "Order"},
    {"order_title", "在线下单", "Order online"},
    {"ordering", "正在提交…", "Sending…"},
    {"password", "密码（至少 8 位）", "Password (at least 8 characters)"},
    {"pay_at_shop", "到店付款", "Pay at the shop"},
    {"phone", "电话", "Phone"},
    {"photo_n", "图 {n}", "photo {n}"},
    {"powered", "由二维码云平台提供", "Powered by qrcloud"},
    {"price", "价格", "Price"},
    {"qr_failed", "收据二维码未能加载，请凭收据编号核销。",
     "The receipt QR code could not be loaded; use the receipt number at the shop."},
    {"quantity", "数量", "Quantity"},
    {"receipt_hint", "到店出示此二维码或收据编号即可核销",
     "Show this code or the number at the shop"},
    {"receipt_number", "收据编号", "Receipt number"},
    {"receipt_qr", "收据二维码", "Receipt QR code"},
    {"receipt_title", "下单成功", "Order placed"},
    {"reminders", "提醒", "Reminders"},
    {"reminders_title", "我的提醒", "My reminders"},
    {"remove", "移除", "Remove"},
    {"remove_item", "从卡包移除“{n}”", "Remove “{n}” from your wallet"},
    {"removed", "已从卡包移除", "Removed from your wallet"},
    {"reviews", "评价", "Reviews"},
    {"reviews_count", "{n} 条评价", "{n} reviews"},
    {"merchant_reply", "商家回复", "The shop replied"},
    {"verified_purchase", "已到店消费", "Verified purchase"},
    {"review_pending", "审核中，仅您可见", "Under review; only you can see it"},
    {"review_rejected", "未通过审核，仅您可见", "Not approved; only you can see it"},
    {"save_contact", "保存到通讯录", "Save to contacts"},
    {"share", "分享", "Share"},
    {"signed_in", "已登录", "Signed in"},
    {"signin", "登录或注册", "Sign in or sign up"},
    {"signin_me", "登录后查看卡包、提醒和动态，新用户自动注册",
     "Sign in to see your wallet, reminders and feed; new users are signed up"},
    {"signin_needed", "请先登录。", "Please sign in first."},
    {"signin_title", "登录后下单，新用户自动注册", "Sign in to order; new users are signed up"},
    {"signout", "退出登录", "Sign out"},
    {"sold_out", "已售罄", "Sold out"},
    {"someone", "匿名用户", "Someone"},
    {"starts", "开始", "Starts"},
    {"stock", "库存", "Stock"},
    {"stock_value", "剩余 {n} 份", "{n} left"},
    {"time_zone", "北京时间", "China time, UTC+8"},
    {"unavailable", "暂不供应", "Not available"},
    {"validity_cancelled", "已取消", "Cancelled"},
    {"validity_expired", "已过期", "Expired"},
    {"validity_expiring", "即将到期", "Ending soon"},
    {"validity_paused", "已暂停", "Paused"},
    {"validity_redeemed", "已核销", "Redeemed"},
    {"validity_refunded", "已退款", "Refunded"},
    {"validity_sold_out", "已售罄", "Sold out"},
    {"validity_valid", "有效", "Valid"},
    {"video_n", "视频 {n}", "Video {n}"},
    {"videos", "视频", "Videos"},
    {"wallet", "卡包", "Wallet"},
    {"wallet_title", "我的卡包", "My wallet"},
    {"website", "网站", "Website"},
    {"when", "活动时间", "When"},
};

}  // namespace

Lang ParseLang(absl::string_view lang) {
  const std::string lower = absl::AsciiStrToLower(lang);
  return lower == "en" || absl::StartsWith(lower, "en-") ? Lang::kEn : Lang::kZh;
}

absl::string_view HtmlLang(Lang lang) { return lang == Lang::kEn ? "en" : "zh-CN"; }

std::span<const UiString> UiStrings() { return kStrings; }

std::optional<absl::string_view> UiText(absl::string_view key, Lang lang) {
  for (const UiString& s : kStrings) {
    if (s.key == key) return lang == Lang::kEn ? s.en : s.zh;
  }
  return std::nullopt;
}

std::string UiBoth(absl::string_view key, Lang lang) {
  const Lang other = lang == Lang::kEn ? Lang::kZh : Lang::kEn;
  assert(UiText(key, lang).has_value());
  return absl::StrCat(UiText(key, lang).value_or(key), " / ", UiText(key, other).value_or(key));
}

std::string UiFill(absl::string_view key, Lang lang, absl::string_view n) {
  assert(UiText(key, lang).has_value());
  return absl::StrReplaceAll(UiText(key, lang).value_or(key), {{"{n}", n}});
}

}  // namespace qrcloud::web
