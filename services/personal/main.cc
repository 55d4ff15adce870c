// qrcloud-personal: the personal subsystem (claims 6 and 10) on the service
// kit: people's wallets with live validity and reminders, recommendations,
// their profiles and their friends, reviews, circles, shares and comments
// (moderated by the audit service over the `audit` and `moderation` streams). It follows the
// center's `campaigns` and `orders` streams and asks the center's public GetCampaign for a campaign
// it has not heard of; it never reads the center's tables.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "libs/core/moderation_events.h"
#include "libs/core/scan_event.h"
#include "libs/core/status.h"
#include "libs/service/events.h"
#include "libs/service/host.h"
#include "services/personal/center_campaigns.h"
#include "services/personal/feed_cache.h"
#include "services/personal/mysql_friend_store.h"
#include "services/personal/mysql_history_store.h"
#include "services/personal/mysql_profile_store.h"
#include "services/personal/mysql_social_store.h"
#include "services/personal/mysql_wallet_store.h"
#include "services/personal/personal_service.h"

ABSL_FLAG(absl::Duration, expiring_window, absl::Hours(24),
          "A wallet item is EXPIRING this long before its offer ends or its receipt expires");
ABSL_FLAG(absl::Duration, history_retention, absl::Hours(24 * 90),
          "How long a signed-in person's scans are kept in their history");
ABSL_FLAG(std::string, public_url, "http://localhost:8080",
          "The gateway's public base URL: images in reviews and shares must be uploaded media "
          "under <public_url>/media/");
ABSL_FLAG(absl::Duration, feed_cache_ttl, absl::Minutes(2),
          "How long a person's first feed page is kept in Redis at most (0: not kept); it is "
          "dropped sooner when anything it shows changes");
ABSL_FLAG(absl::Duration, due_check_interval, absl::Milliseconds(250),
          "How often wallet items are checked for a validity that time alone changed");

namespace qrcloud::personal {

std::vector<store::Migration> Migrations();  // migrations/*.sql, compiled in

constexpr char kGroup[] = "personal";

absl::Status Build(service::Host& host) {
  QRCLOUD_ASSIGN_OR_RETURN(std::string center, host.AddressOf("center"));
  auto& runner = host.Own(std::make_unique<store::MysqlTxRunner>(host.mysql(), host.outbox()));
  auto& wallets = host.Own(std::make_unique<MysqlWalletStore>(host.mysql()));
  auto& profiles = host.Own(std::make_unique<MysqlProfileStore>());
  // One channel to the center for everything the service asks it.
  const auto channel = grpc::CreateChannel(center, grpc::InsecureChannelCredentials());
  auto& campaigns = host.Own(std::make_unique<CenterCampaigns>(channel));
  WalletOptions options;
  options.expiring_window = absl::GetFlag(FLAGS_expiring_window);
  auto& wallet =
      host.Own(std::make_unique<WalletLogic>(runner, wallets, campaigns, host.clock(), options));
  auto& profile = host.Own(std::make_unique<ProfileLogic>(runner, profiles, host.clock()));
  auto& nearby = host.Own(std::make_unique<CenterNearby>(channel));
  auto& recommend =
      host.Own(std::make_unique<RecommendLogic>(runner, profiles, wallets, nearby, host.clock()));
  auto& wallet_api =
      host.Own(std::make_unique<WalletServiceImpl>(wallet, recommend, host.dispatcher_deps()));
  auto& profile_api =
      host.Own(std::make_unique<ProfileServiceImpl>(profile, host.dispatcher_deps()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::WalletService>(wallet_api));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::ProfileService>(profile_api));
  auto& friends = host.Own(std::make_unique<MysqlFriendStore>());
  auto& friend_logic =
      host.Own(std::make_unique<FriendLogic>(runner, friends, profiles, host.clock()));
  auto& friend_api =
      host.Own(std::make_unique<FriendServiceImpl>(friend_logic, host.dispatcher_deps()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::FriendService>(friend_api));
  auto& history_store = host.Own(std::make_unique<MysqlHistoryStore>(host.mysql()));
  auto& history = host.Own(std::make_unique<HistoryLogic>(runner, history_store, wallets, campaigns,
                                                          host.clock(),
                                                          absl::GetFlag(FLAGS_history_retention)));
  auto& history_api =
      host.Own(std::make_unique<HistoryServiceImpl>(history, host.dispatcher_deps()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::HistoryService>(history_api));

  auto& social = host.Own(std::make_unique<MysqlSocialStore>(host.mysql()));
  FeedCache* feed_cache = nullptr;
  if (absl::GetFlag(FLAGS_feed_cache_ttl) > absl::ZeroDuration()) {
    feed_cache =
        &host.Own(std::make_unique<FeedCache>(host.redis(), absl::GetFlag(FLAGS_feed_cache_ttl)));
    profile.set_feed_events(feed_cache);
    friend_logic.set_feed_events(feed_cache);
  }
  const SocialDeps social_deps{runner,    social,       profiles,
                               campaigns, host.clock(), absl::GetFlag(FLAGS_public_url),
                               feed_cache};
  auto& reviews = host.Own(std::make_unique<ReviewLogic>(social_deps));
  auto& circles = host.Own(std::make_unique<CircleLogic>(social_deps));
  auto& social_api =
      host.Own(std::make_unique<SocialServiceImpl>(reviews, circles, host.dispatcher_deps()));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::SocialService>(social_api));
  // The audit service's decisions on reviews, shares and comments.
  host.AddConsumer({.stream = core::kModerationStream, .group = kGroup},
                   service::EventHandler<v1::AuditDecision>(
                       core::kModerationStream,
                       [&reviews, &circles](const std::string& type, const v1::AuditDecision& d) {
                         if (type == core::kReviewDecided) return reviews.OnDecision(d);
                         if (type == core::kShareDecided) return circles.OnShareDecision(d);
                         if (type == core::kCommentDecided) return circles.OnCommentDecision(d);
                         return absl::OkStatus();  // a kind this service does not keep
                       }));

  host.AddConsumer({.stream = "campaigns", .group = kGroup},
                   service::EventHandler<v1::Campaign>(
                       "campaigns", [&wallet](const std::string&, const v1::Campaign& c) {
                         return wallet.OnCampaign(c);
                       }));
  host.AddConsumer({.stream = "orders", .group = kGroup},
                   service::EventHandler<v1::Order>(
                       "orders", [&wallet, &reviews](const std::string&, const v1::Order& o) {
                         QRCLOUD_RETURN_IF_ERROR(wallet.OnOrder(o));
                         return reviews.OnOrder(o);
                       }));
  // The gateway's scans: only the batches that carry a signed-in person's
  // scan are unpacked (most carry none).
  // A person's scan history may lag 100 ms: gathered, the busy stream is
  // read far less often.
  host.AddConsumer({.stream = core::kScanStream,
                    .group = "personal-history",
                    .batch = 256,
                    .linger = absl::Milliseconds(100)},
                   [&history](const std::vector<cache::StreamEntry>& entries, cache::RedisPool&) {
                     cache::Handled handled;
                     for (const cache::StreamEntry& e : entries) {
                       const std::string packed = e.Field(core::kScanEventsField);
                       if (packed.find("\tacct=") != std::string::npos) {
                         handled.status = history.OnScans(core::UnpackScanEvents(packed));
                         if (!handled.status.ok()) break;
                       }
                       ++handled.done;
                     }
                     return handled;
                   });
  core::LoopOptions prune;
  prune.name = "scan history retention";
  prune.interval = absl::Hours(1);
  host.AddLoop(prune, [&history]() -> absl::StatusOr<bool> {
    QRCLOUD_ASSIGN_OR_RETURN(const int64_t forgotten, history.Prune(1000));
    return forgotten == 1000;
  });
  core::LoopOptions due;
  due.name = "wallet due checks";
  due.interval = absl::GetFlag(FLAGS_due_check_interval);
  host.AddLoop(due, [&wallet]() -> absl::StatusOr<bool> {
    constexpr int kBatch = 500;
    QRCLOUD_ASSIGN_OR_RETURN(const int checked, wallet.CheckDue(kBatch));
    return checked == kBatch;  // more may be due: at once
  });
  // A person's pages (/me/wallet, /me/reminders, /me/feed), rendered once.
  auto& pages = host.Own(std::make_unique<PageLogic>(absl::GetFlag(FLAGS_public_url)));
  QRCLOUD_RETURN_IF_ERROR(host.Serve<v1::PersonalPageService>(
      host.Own(std::make_unique<PersonalPageServiceImpl>(pages, host.dispatcher_deps()))));
  return absl::OkStatus();
}

}  // namespace qrcloud::personal

int main(int argc, char** argv) {
  return qrcloud::service::Main(argc, argv,
                                {.name = "personal",
                                 .usage = "qrcloud-personal [flags]",
                                 .migrations = qrcloud::personal::Migrations(),
                                 .outbox = true,
                                 .build = qrcloud::personal::Build});
}
