#include "services/personal/wallet_logic.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/rpc/paging.h"

namespace qrcloud::personal {
namespace {

using v1::WalletItem;

bool Public(v1::Campaign::State s) {
  return s == v1::Campaign::PUBLISHED || s == v1::Campaign::PAUSED || s == v1::Campaign::ENDED;
}

absl::Status CheckId(absl::string_view field, absl::string_view id) {
  if (!core::IsValidId(id)) {
    return core::InvalidField(field, absl::StrCat("\"", id.substr(0, 40), "\" is not an id"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RequirePerson(const rpc::CallContext& call) {
  if (call.caller().kind != "PERSON") {
    return absl::PermissionDeniedError(
        "wallets, reminders and profiles are for people's accounts (kind PERSON)");
  }
  return absl::OkStatus();
}

absl::StatusOr<CampaignFacts> WalletLogic::KnownCampaign(absl::string_view id) {
  std::optional<CampaignFacts> known;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(known, store_.GetCampaign(tx, id));
    return absl::OkStatus();
  }));
  if (known) return *known;
  // Not heard of yet (saved before any change of it reached this service):
  // the center knows.
  absl::StatusOr<v1::Campaign> fetched = center_.Fetch(id);
  if (fetched.status().code() == absl::StatusCode::kNotFound ||
      (fetched.ok() && !Public(fetched->state()))) {
    return absl::NotFoundError(absl::StrCat("no published campaign ", id));
  }
  if (!fetched.ok()) return fetched.status();
  CampaignFacts facts = CampaignFacts::Of(*fetched);
  QRCLOUD_RETURN_IF_ERROR(
      runner_.Run([&](store::Tx& tx) { return store_.PutCampaign(tx, facts); }));
  return facts;
}

v1::WalletItem WalletLogic::Shown(const WalletRow& row,
                                  const std::optional<CampaignFacts>& campaign,
                                  const std::optional<OrderFacts>& order) {
  v1::WalletItem item = row.item;
  if (campaign) {
    item.set_title(campaign->title);
    item.set_merchant_id(campaign->merchant_id);
    item.set_page_url(campaign->page_url);
    if (item.kind() == WalletItem::OFFER && campaign->end) {
      core::ToProto(*campaign->end, item.mutable_expire_time());
    }
  }
  if (order && item.kind() == WalletItem::RECEIPT && order->expire) {
    core::ToProto(*order->expire, item.mutable_expire_time());
  }
  return item;
}

absl::Status WalletLogic::Save(const rpc::CallContext& call, const v1::SaveToWalletRequest& req,
                               v1::WalletItem& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  const std::string& account = call.caller().account_id;
  if (req.campaign_id().empty() == req.order_id().empty()) {
    return core::InvalidField("campaignId",
                              "give exactly one of campaignId (an offer) or orderId (a receipt)");
  }
  if (req.request_id().size() > 64) {
    return core::InvalidField("requestId", "is at most 64 characters");
  }
  const bool offer = !req.campaign_id().empty();
  QRCLOUD_RETURN_IF_ERROR(offer ? CheckId("campaignId", req.campaign_id())
                                : CheckId("orderId", req.order_id()));

  std::optional<OrderFacts> order;
  std::string campaign_id = req.campaign_id();
  if (!offer) {
    QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
      QRCLOUD_ASSIGN_OR_RETURN(order, store_.GetOrder(tx, req.order_id()));
      return absl::OkStatus();
    }));
    // Someone else's order is as unknown as one that does not exist.
    if (!order || order->account_id != account) {
      return absl::NotFoundError(absl::StrCat(
          "no order ", req.order_id(),
          " of yours is known here (an order placed a moment ago arrives within a second)"));
    }
    campaign_id = order->campaign_id;
  }
  QRCLOUD_ASSIGN_OR_RETURN(CampaignFacts campaign, KnownCampaign(campaign_id));
  if (offer && campaign.state == v1::Campaign::ENDED) {
    return absl::FailedPreconditionError(
        absl::StrCat("campaign ", campaign.id, " has ended; only live offers can be saved"));
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::string category, Category(req.category(), campaign.tags));

  const absl::Time now = core::ToMicros(clock_.Now());
  const Verdict verdict = offer ? OfferValidity(campaign, now, options_.expiring_window)
                                : ReceiptValidity(*order, now, options_.expiring_window);
  WalletRow row;
  row.account_id = account;
  row.item.set_id(core::NewIdAt(now));
  row.item.set_kind(offer ? WalletItem::OFFER : WalletItem::RECEIPT);
  row.item.set_campaign_id(campaign.id);
  if (!offer) row.item.set_order_id(order->id);
  row.item.set_category(category);
  row.item.set_validity(verdict.validity);
  core::ToProto(now, row.item.mutable_validity_time());
  core::ToProto(now, row.item.mutable_save_time());
  row.next_check = verdict.next_check;
  const std::string key = offer ? absl::StrCat("c:", campaign.id) : absl::StrCat("o:", order->id);
  WalletRow kept;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(const int64_t count, store_.Count(tx, account));
    QRCLOUD_ASSIGN_OR_RETURN(kept, store_.Insert(tx, row, key, req.request_id()));
    if (kept.item.id() == row.item.id() && count >= options_.max_items) {
      return absl::ResourceExhaustedError(
          absl::StrCat("a wallet holds at most ", options_.max_items, " items; remove some first"));
    }
    return absl::OkStatus();
  }));
  resp = Shown(kept, campaign, order);
  return absl::OkStatus();
}

absl::Status WalletLogic::List(const rpc::CallContext& call, const v1::ListWalletRequest& req,
                               v1::ListWalletResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  const std::string& token = req.page().page_token();
  if (!token.empty() && !core::IsValidId(token)) {
    return core::InvalidField("page.pageToken", "is not the nextPageToken of an earlier page");
  }
  if (req.category().size() > 128) return core::InvalidField("category", "is too long");
  std::string category = std::string(req.category());
  absl::AsciiStrToLower(&category);
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<WalletRow> rows,
                           store_.List(call.caller().account_id, category, token, size + 1));
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(size);
    resp.mutable_page()->set_next_page_token(rows.back().item.id());
  }
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    for (const WalletRow& row : rows) {
      QRCLOUD_ASSIGN_OR_RETURN(std::optional<CampaignFacts> campaign,
                               store_.GetCampaign(tx, row.item.campaign_id()));
      std::optional<OrderFacts> order;
      if (!row.item.order_id().empty()) {
        QRCLOUD_ASSIGN_OR_RETURN(order, store_.GetOrder(tx, row.item.order_id()));
      }
      *resp.add_items() = Shown(row, campaign, order);
    }
    return absl::OkStatus();
  });
}

absl::Status WalletLogic::Remove(const rpc::CallContext& call,
                                 const v1::RemoveFromWalletRequest& req,
                                 v1::RemoveFromWalletResponse& resp) {
  (void)resp;
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_RETURN_IF_ERROR(CheckId("id", req.id()));
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    auto row = store_.Get(tx, req.id(), /*for_update=*/true);
    if (!row.ok() || row->account_id != call.caller().account_id) {
      return absl::NotFoundError(absl::StrCat("no wallet item ", req.id()));
    }
    return store_.Remove(tx, req.id());
  });
}

absl::Status WalletLogic::ListReminders(const rpc::CallContext& call,
                                        const v1::ListRemindersRequest& req,
                                        v1::ListRemindersResponse& resp) {
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  QRCLOUD_ASSIGN_OR_RETURN(const int size, rpc::PageSize(req.page()));
  const std::string& token = req.page().page_token();
  if (!token.empty() && !core::IsValidId(token)) {
    return core::InvalidField("page.pageToken", "is not the nextPageToken of an earlier page");
  }
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Reminder> reminders,
                           store_.Reminders(call.caller().account_id, token, size + 1));
  if (static_cast<int>(reminders.size()) > size) {
    reminders.resize(size);
    resp.mutable_page()->set_next_page_token(reminders.back().id());
  }
  for (auto& r : reminders) *resp.add_reminders() = std::move(r);
  return absl::OkStatus();
}

absl::Status WalletLogic::WatchReminders(const rpc::CallContext& call,
                                         const v1::WatchRemindersRequest& req,
                                         rpc::StreamWriter<v1::Reminder>& out) {
  (void)req;
  QRCLOUD_RETURN_IF_ERROR(RequirePerson(call));
  auto slot = watch_slots_.TryTake();
  if (!slot) {
    return core::RetryAfter(absl::Seconds(10),
                            "this server watches as many reminder streams as it can at once; "
                            "retry shortly, or list reminders instead");
  }
  const std::string& account = call.caller().account_id;
  // From now on: the newest reminder so far marks where news begins.
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Reminder> newest, store_.Reminders(account, "", 1));
  std::string last = newest.empty() ? "" : newest.front().id();
  out.Ready();
  while (clock_.Now() < call.deadline) {
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<v1::Reminder> news,
                             store_.RemindersAfter(account, last, 100));
    for (const v1::Reminder& r : news) {
      if (!out.Write(r)) return absl::OkStatus();
      last = r.id();
    }
    if (news.size() < 100 && !out.Pause(options_.watch_poll)) return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status WalletLogic::Reassess(store::Tx& tx, WalletRow& row, absl::Time now) {
  QRCLOUD_ASSIGN_OR_RETURN(std::optional<CampaignFacts> campaign,
                           store_.GetCampaign(tx, row.item.campaign_id()));
  std::optional<OrderFacts> order;
  Verdict verdict;
  if (row.item.kind() == WalletItem::RECEIPT) {
    QRCLOUD_ASSIGN_OR_RETURN(order, store_.GetOrder(tx, row.item.order_id()));
    if (!order) {  // nothing known to judge by: wait for news, not time
      row.next_check.reset();
      return store_.Update(tx, row);
    }
    verdict = ReceiptValidity(*order, now, options_.expiring_window);
  } else {
    if (!campaign) {
      row.next_check.reset();
      return store_.Update(tx, row);
    }
    verdict = OfferValidity(*campaign, now, options_.expiring_window);
  }
  const bool changed = verdict.validity != row.item.validity();
  if (!changed && verdict.next_check == row.next_check) return absl::OkStatus();
  if (changed) {
    const v1::WalletItem shown = Shown(row, campaign, order);
    v1::Reminder reminder;
    reminder.set_id(core::NewIdAt(now));
    reminder.set_wallet_item_id(row.item.id());
    reminder.set_validity(verdict.validity);
    reminder.set_title(shown.title());
    std::optional<absl::Time> when;
    if (shown.has_expire_time()) when = core::FromProto(shown.expire_time());
    reminder.set_message(ReminderMessage(verdict.validity, shown.title(), when));
    core::ToProto(now, reminder.mutable_time());
    QRCLOUD_RETURN_IF_ERROR(store_.AddReminder(tx, row.account_id, reminder));
    row.item.set_validity(verdict.validity);
    core::ToProto(now, row.item.mutable_validity_time());
  }
  row.next_check = verdict.next_check;
  return store_.Update(tx, row);
}

absl::Status WalletLogic::OnCampaign(const v1::Campaign& campaign) {
  if (!core::IsValidId(campaign.id())) return absl::OkStatus();  // not ours to judge
  const CampaignFacts facts = CampaignFacts::Of(campaign);
  return runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<CampaignFacts> known, store_.GetCampaign(tx, facts.id));
    if (known && known->update_time > facts.update_time) return absl::OkStatus();  // stale
    QRCLOUD_RETURN_IF_ERROR(store_.PutCampaign(tx, facts));
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<WalletRow> rows, store_.ForCampaign(tx, facts.id));
    const absl::Time now = core::ToMicros(clock_.Now());
    for (WalletRow& row : rows) {
      if (row.item.kind() == WalletItem::OFFER) QRCLOUD_RETURN_IF_ERROR(Reassess(tx, row, now));
    }
    return absl::OkStatus();
  });
}

absl::Status WalletLogic::OnOrder(const v1::Order& order) {
  if (!core::IsValidId(order.id())) return absl::OkStatus();
  const OrderFacts facts = OrderFacts::Of(order);
  bool offers_follow = false;
  QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<OrderFacts> known, store_.GetOrder(tx, facts.id));
    if (!known || OrderMovesTo(known->state, facts.state)) {
      QRCLOUD_RETURN_IF_ERROR(store_.PutOrder(tx, facts));
    }
    const absl::Time now = core::ToMicros(clock_.Now());
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<WalletRow> rows, store_.ForOrder(tx, facts.id));
    for (WalletRow& row : rows) QRCLOUD_RETURN_IF_ERROR(Reassess(tx, row, now));
    // Only a limited offer can sell out.
    QRCLOUD_ASSIGN_OR_RETURN(std::optional<CampaignFacts> campaign,
                             store_.GetCampaign(tx, facts.campaign_id));
    if (!campaign || campaign->stock <= 0) return absl::OkStatus();
    QRCLOUD_ASSIGN_OR_RETURN(std::vector<WalletRow> offers,
                             store_.ForCampaign(tx, facts.campaign_id));
    for (const WalletRow& row : offers) offers_follow |= row.item.kind() == WalletItem::OFFER;
    return absl::OkStatus();
  }));
  if (!offers_follow) return absl::OkStatus();
  // An order took (or gave back) stock of an offer someone keeps: the
  // center's count says whether it is sold out now.
  absl::StatusOr<v1::Campaign> current = center_.Fetch(facts.campaign_id);
  if (current.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
  if (!current.ok()) return current.status();
  return OnCampaign(*current);
}

absl::StatusOr<int> WalletLogic::CheckDue(int limit) {
  const absl::Time now = core::ToMicros(clock_.Now());
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<std::string> due, store_.Due(now, limit));
  // Many items fall due together (a campaign kept by many people ends):
  // kPerUnit of them share a transaction, so the commits do not set the pace.
  constexpr size_t kPerUnit = 100;
  for (size_t first = 0; first < due.size(); first += kPerUnit) {
    const size_t last = std::min(due.size(), first + kPerUnit);
    QRCLOUD_RETURN_IF_ERROR(runner_.Run([&](store::Tx& tx) -> absl::Status {
      for (size_t i = first; i < last; ++i) {
        auto row = store_.Get(tx, due[i], /*for_update=*/true);
        if (row.status().code() == absl::StatusCode::kNotFound) continue;  // removed
        if (!row.ok()) return row.status();
        if (!row->next_check || *row->next_check > now) continue;  // moved on meanwhile
        QRCLOUD_RETURN_IF_ERROR(Reassess(tx, *row, now));
      }
      return absl::OkStatus();
    }));
  }
  return static_cast<int>(due.size());
}

}  // namespace qrcloud::personal
