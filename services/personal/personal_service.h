// The personal service's gRPC adapters: WalletService, ProfileService,
// HistoryService, FriendService, SocialService and PersonalPageService, one
// line per method.
#ifndef QRCLOUD_SERVICES_PERSONAL_PERSONAL_SERVICE_H_
#define QRCLOUD_SERVICES_PERSONAL_PERSONAL_SERVICE_H_

#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/personal.grpc.pb.h"
#include "qrcloud/v1/social.grpc.pb.h"
#include "services/personal/friend_logic.h"
#include "services/personal/history_logic.h"
#include "services/personal/page_logic.h"
#include "services/personal/profile_logic.h"
#include "services/personal/recommend_logic.h"
#include "services/personal/social_logic.h"
#include "services/personal/wallet_logic.h"

namespace qrcloud::personal {

class WalletServiceImpl : public v1::WalletService::CallbackService {
 public:
  WalletServiceImpl(WalletLogic& logic, RecommendLogic& recommend, rpc::DispatcherDeps deps)
      : logic_(logic), recommend_(recommend), dispatcher_("qrcloud.v1.WalletService", deps) {}

  grpc::ServerUnaryReactor* ListWallet(grpc::CallbackServerContext* ctx,
                                       const v1::ListWalletRequest* req,
                                       v1::ListWalletResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListWallet", req, resp, logic_, &WalletLogic::List);
  }
  grpc::ServerUnaryReactor* SaveToWallet(grpc::CallbackServerContext* ctx,
                                         const v1::SaveToWalletRequest* req,
                                         v1::WalletItem* resp) override {
    return dispatcher_.Unary(ctx, "SaveToWallet", req, resp, logic_, &WalletLogic::Save);
  }
  grpc::ServerUnaryReactor* RemoveFromWallet(grpc::CallbackServerContext* ctx,
                                             const v1::RemoveFromWalletRequest* req,
                                             v1::RemoveFromWalletResponse* resp) override {
    return dispatcher_.Unary(ctx, "RemoveFromWallet", req, resp, logic_, &WalletLogic::Remove);
  }
  grpc::ServerUnaryReactor* ListReminders(grpc::CallbackServerContext* ctx,
                                          const v1::ListRemindersRequest* req,
                                          v1::ListRemindersResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListReminders", req, resp, logic_, &WalletLogic::ListReminders);
  }
  grpc::ServerUnaryReactor* ListRecommendations(grpc::CallbackServerContext* ctx,
                                                const v1::ListRecommendationsRequest* req,
                                                v1::ListRecommendationsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListRecommendations", req, resp, recommend_,
                             &RecommendLogic::List);
  }
  grpc::ServerWriteReactor<v1::Reminder>* WatchReminders(
      grpc::CallbackServerContext* ctx, const v1::WatchRemindersRequest* req) override {
    return dispatcher_.ServerStream(ctx, "WatchReminders", req, logic_,
                                    &WalletLogic::WatchReminders);
  }

 private:
  WalletLogic& logic_;
  RecommendLogic& recommend_;
  rpc::Dispatcher dispatcher_;
};

class ProfileServiceImpl : public v1::ProfileService::CallbackService {
 public:
  ProfileServiceImpl(ProfileLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.ProfileService", deps) {}

  grpc::ServerUnaryReactor* GetProfile(grpc::CallbackServerContext* ctx,
                                       const v1::GetProfileRequest* req,
                                       v1::Profile* resp) override {
    return dispatcher_.Unary(ctx, "GetProfile", req, resp, logic_, &ProfileLogic::Get);
  }
  grpc::ServerUnaryReactor* SetLocationMark(grpc::CallbackServerContext* ctx,
                                            const v1::SetLocationMarkRequest* req,
                                            v1::SetLocationMarkResponse* resp) override {
    return dispatcher_.Unary(ctx, "SetLocationMark", req, resp, logic_, &ProfileLogic::SetLocation);
  }
  grpc::ServerUnaryReactor* SetInterests(grpc::CallbackServerContext* ctx,
                                         const v1::SetInterestsRequest* req,
                                         v1::SetInterestsResponse* resp) override {
    return dispatcher_.Unary(ctx, "SetInterests", req, resp, logic_, &ProfileLogic::SetInterests);
  }
  grpc::ServerUnaryReactor* SetNickname(grpc::CallbackServerContext* ctx,
                                        const v1::SetNicknameRequest* req,
                                        v1::Profile* resp) override {
    return dispatcher_.Unary(ctx, "SetNickname", req, resp, logic_, &ProfileLogic::SetNickname);
  }

 private:
  ProfileLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

class HistoryServiceImpl : public v1::HistoryService::CallbackService {
 public:
  HistoryServiceImpl(HistoryLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.HistoryService", deps) {}

  grpc::ServerUnaryReactor* ListHistory(grpc::CallbackServerContext* ctx,
                                        const v1::ListHistoryRequest* req,
                                        v1::ListHistoryResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListHistory", req, resp, logic_, &HistoryLogic::List);
  }

 private:
  HistoryLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

class FriendServiceImpl : public v1::FriendService::CallbackService {
 public:
  FriendServiceImpl(FriendLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.FriendService", deps) {}

  grpc::ServerUnaryReactor* AddFriend(grpc::CallbackServerContext* ctx,
                                      const v1::AddFriendRequest* req, v1::Friend* resp) override {
    return dispatcher_.Unary(ctx, "AddFriend", req, resp, logic_, &FriendLogic::Add);
  }
  grpc::ServerUnaryReactor* AcceptFriend(grpc::CallbackServerContext* ctx,
                                         const v1::AcceptFriendRequest* req,
                                         v1::Friend* resp) override {
    return dispatcher_.Unary(ctx, "AcceptFriend", req, resp, logic_, &FriendLogic::Accept);
  }
  grpc::ServerUnaryReactor* ListFriends(grpc::CallbackServerContext* ctx,
                                        const v1::ListFriendsRequest* req,
                                        v1::ListFriendsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListFriends", req, resp, logic_, &FriendLogic::List);
  }
  grpc::ServerUnaryReactor* RemoveFriend(grpc::CallbackServerContext* ctx,
                                         const v1::RemoveFriendRequest* req,
                                         v1::RemoveFriendResponse* resp) override {
    return dispatcher_.Unary(ctx, "RemoveFriend", req, resp, logic_, &FriendLogic::Remove);
  }
  grpc::ServerUnaryReactor* BlockPerson(grpc::CallbackServerContext* ctx,
                                        const v1::BlockPersonRequest* req,
                                        v1::BlockPersonResponse* resp) override {
    return dispatcher_.Unary(ctx, "BlockPerson", req, resp, logic_, &FriendLogic::Block);
  }
  grpc::ServerUnaryReactor* GetFriendCode(grpc::CallbackServerContext* ctx,
                                          const v1::GetFriendCodeRequest* req,
                                          v1::FriendCode* resp) override {
    return dispatcher_.Unary(ctx, "GetFriendCode", req, resp, logic_, &FriendLogic::GetCode);
  }
  grpc::ServerUnaryReactor* RotateFriendCode(grpc::CallbackServerContext* ctx,
                                             const v1::RotateFriendCodeRequest* req,
                                             v1::FriendCode* resp) override {
    return dispatcher_.Unary(ctx, "RotateFriendCode", req, resp, logic_, &FriendLogic::RotateCode);
  }

 private:
  FriendLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

class SocialServiceImpl : public v1::SocialService::CallbackService {
 public:
  SocialServiceImpl(ReviewLogic& reviews, CircleLogic& circles, rpc::DispatcherDeps deps)
      : reviews_(reviews), circles_(circles), dispatcher_("qrcloud.v1.SocialService", deps) {}

  grpc::ServerUnaryReactor* CreateReview(grpc::CallbackServerContext* ctx,
                                         const v1::CreateReviewRequest* req,
                                         v1::Review* resp) override {
    return dispatcher_.Unary(ctx, "CreateReview", req, resp, reviews_, &ReviewLogic::Create);
  }
  grpc::ServerUnaryReactor* ListReviews(grpc::CallbackServerContext* ctx,
                                        const v1::ListReviewsRequest* req,
                                        v1::ListReviewsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListReviews", req, resp, reviews_, &ReviewLogic::List);
  }
  grpc::ServerUnaryReactor* ReplyToReview(grpc::CallbackServerContext* ctx,
                                          const v1::ReplyToReviewRequest* req,
                                          v1::Review* resp) override {
    return dispatcher_.Unary(ctx, "ReplyToReview", req, resp, reviews_, &ReviewLogic::Reply);
  }
  grpc::ServerUnaryReactor* ReportReview(grpc::CallbackServerContext* ctx,
                                         const v1::ReportRequest* req,
                                         v1::ReportResponse* resp) override {
    return dispatcher_.Unary(ctx, "ReportReview", req, resp, reviews_, &ReviewLogic::Report);
  }
  grpc::ServerUnaryReactor* CreateCircle(grpc::CallbackServerContext* ctx,
                                         const v1::CreateCircleRequest* req,
                                         v1::Circle* resp) override {
    return dispatcher_.Unary(ctx, "CreateCircle", req, resp, circles_, &CircleLogic::CreateCircle);
  }
  grpc::ServerUnaryReactor* ListCircles(grpc::CallbackServerContext* ctx,
                                        const v1::ListCirclesRequest* req,
                                        v1::ListCirclesResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListCircles", req, resp, circles_, &CircleLogic::ListCircles);
  }
  grpc::ServerUnaryReactor* JoinCircle(grpc::CallbackServerContext* ctx,
                                       const v1::JoinCircleRequest* req,
                                       v1::Circle* resp) override {
    return dispatcher_.Unary(ctx, "JoinCircle", req, resp, circles_, &CircleLogic::Join);
  }
  grpc::ServerUnaryReactor* LeaveCircle(grpc::CallbackServerContext* ctx,
                                        const v1::LeaveCircleRequest* req,
                                        v1::LeaveCircleResponse* resp) override {
    return dispatcher_.Unary(ctx, "LeaveCircle", req, resp, circles_, &CircleLogic::Leave);
  }
  grpc::ServerUnaryReactor* CreateShare(grpc::CallbackServerContext* ctx,
                                        const v1::CreateShareRequest* req,
                                        v1::Share* resp) override {
    return dispatcher_.Unary(ctx, "CreateShare", req, resp, circles_, &CircleLogic::CreateShare);
  }
  grpc::ServerUnaryReactor* ReportShare(grpc::CallbackServerContext* ctx,
                                        const v1::ReportRequest* req,
                                        v1::ReportResponse* resp) override {
    return dispatcher_.Unary(ctx, "ReportShare", req, resp, circles_, &CircleLogic::ReportShare);
  }
  grpc::ServerUnaryReactor* ListFeed(grpc::CallbackServerContext* ctx,
                                     const v1::ListFeedRequest* req,
                                     v1::ListFeedResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListFeed", req, resp, circles_, &CircleLogic::Feed);
  }
  grpc::ServerUnaryReactor* CreateComment(grpc::CallbackServerContext* ctx,
                                          const v1::CreateCommentRequest* req,
                                          v1::Comment* resp) override {
    return dispatcher_.Unary(ctx, "CreateComment", req, resp, circles_,
                             &CircleLogic::CreateComment);
  }
  grpc::ServerUnaryReactor* ListComments(grpc::CallbackServerContext* ctx,
                                         const v1::ListCommentsRequest* req,
                                         v1::ListCommentsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListComments", req, resp, circles_, &CircleLogic::ListComments);
  }

 private:
  ReviewLogic& reviews_;
  CircleLogic& circles_;
  rpc::Dispatcher dispatcher_;
};

class PersonalPageServiceImpl : public v1::PersonalPageService::CallbackService {
 public:
  PersonalPageServiceImpl(PageLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.PersonalPageService", deps) {}

  grpc::ServerUnaryReactor* GetPersonalPage(grpc::CallbackServerContext* ctx,
                                            const v1::GetPersonalPageRequest* req,
                                            google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "GetPersonalPage", req, resp, logic_, &PageLogic::GetPage);
  }

 private:
  PageLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::personal

#endif  // QRCLOUD_SERVICES_PERSONAL_PERSONAL_SERVICE_H_
