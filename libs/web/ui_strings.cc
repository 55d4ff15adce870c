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
    {"card", "电子名片", "Business card"},
    {"claim", "领取", "Claim"},
    {"decrease", "减少数量", "Decrease quantity"},
    {"email", "邮箱", "E-mail"},
    {"ends", "结束", "Ends"},
    {"external", "访问商家网站", "Visit the merchant's website"},
    {"fence", "下单范围", "Ordering area"},
    {"fence_value", "商家 {n} 米内", "Within {n} m of the shop"},
    {"free", "免费", "Free"},
    {"http_error", "请求失败", "Request failed"},
    {"increase", "增加数量", "Increase quantity"},
    {"limit", "限购", "Limit"},
    {"limit_value", "每人限购 {n} 份", "Up to {n} per person"},
    {"link_copied", "链接已复制", "Link copied"},
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
    {"menu", "菜单", "Menu"},
    {"merchant", "商家信息", "About the merchant"},
    {"network_error", "网络错误，请检查网络后重试。",
     "Network error; check your connection and try again."},
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
    {"save_contact", "保存到通讯录", "Save to contacts"},
    {"share", "分享", "Share"},
    {"signed_in", "已登录", "Signed in"},
    {"signin", "登录或注册", "Sign in or sign up"},
    {"signin_needed", "请先登录。", "Please sign in first."},
    {"signin_title", "登录后下单，新用户自动注册", "Sign in to order; new users are signed up"},
    {"sold_out", "已售罄", "Sold out"},
    {"starts", "开始", "Starts"},
    {"stock", "库存", "Stock"},
    {"stock_value", "剩余 {n} 份", "{n} left"},
    {"time_zone", "北京时间", "China time, UTC+8"},
    {"unavailable", "暂不供应", "Not available"},
    {"video_n", "视频 {n}", "Video {n}"},
    {"videos", "视频", "Videos"},
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
