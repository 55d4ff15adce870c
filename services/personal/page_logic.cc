#include "services/personal/page_logic.h"

#include "absl/strings/str_cat.h"
#include "libs/web/pages.h"
#include "libs/web/ui_strings.h"

namespace qrcloud::personal {
namespace {

std::string Key(web::PersonalPage page, web::Lang lang) {
  return absl::StrCat(web::PersonalPageName(page), ":", web::HtmlLang(lang));
}

}  // namespace

PageLogic::PageLogic(const std::string& public_url) {
  for (web::PersonalPage page :
       {web::PersonalPage::kWallet, web::PersonalPage::kReminders, web::PersonalPage::kFeed}) {
    for (web::Lang lang : {web::Lang::kZh, web::Lang::kEn}) {
      web::PersonalPageContext ctx;
      ctx.lang = lang == web::Lang::kEn ? "en" : "zh";
      ctx.public_url = public_url;
      pages_.emplace(Key(page, lang), web::RenderPersonalPage(page, ctx));
    }
  }
}

absl::Status PageLogic::GetPage(const rpc::CallContext& call, const v1::GetPersonalPageRequest& req,
                                google::api::HttpBody& resp) {
  (void)call;  // the same page for everyone, signed in or not
  const std::optional<web::PersonalPage> page = web::ParsePersonalPage(req.page());
  if (!page) {
    return absl::NotFoundError(absl::StrCat("no page at /me/", req.page(),
                                            "; a person's pages are /me/wallet, /me/reminders "
                                            "and /me/feed"));
  }
  const absl::StatusOr<std::string>& html = pages_.at(Key(*page, web::ParseLang(req.lang())));
  if (!html.ok()) return html.status();
  resp.set_content_type("text/html; charset=utf-8");
  resp.set_data(*html);
  return absl::OkStatus();
}

}  // namespace qrcloud::personal
