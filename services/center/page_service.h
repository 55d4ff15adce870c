// PageService: the gRPC adapter of PageLogic.
#ifndef QRCLOUD_SERVICES_CENTER_PAGE_SERVICE_H_
#define QRCLOUD_SERVICES_CENTER_PAGE_SERVICE_H_

#include "google/api/httpbody.pb.h"
#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/page.grpc.pb.h"
#include "services/center/page_logic.h"

namespace qrcloud::center {

class PageServiceImpl : public v1::PageService::CallbackService {
 public:
  PageServiceImpl(PageLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.PageService", deps) {}

  grpc::ServerUnaryReactor* ListTemplates(grpc::CallbackServerContext* ctx,
                                          const v1::ListTemplatesRequest* req,
                                          v1::ListTemplatesResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListTemplates", req, resp, logic_, &PageLogic::ListTemplates);
  }
  grpc::ServerUnaryReactor* GetPage(grpc::CallbackServerContext* ctx, const v1::GetPageRequest* req,
                                    google::api::HttpBody* resp) override {
    return dispatcher_.Unary(ctx, "GetPage", req, resp, logic_, &PageLogic::GetPage);
  }
  grpc::ServerUnaryReactor* GetMerchantCard(grpc::CallbackServerContext* ctx,
                                            const v1::GetMerchantCardRequest* req,
                                            v1::MerchantCard* resp) override {
    return dispatcher_.Unary(ctx, "GetMerchantCard", req, resp, logic_,
                             &PageLogic::GetMerchantCard);
  }

 private:
  PageLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::center

#endif  // QRCLOUD_SERVICES_CENTER_PAGE_SERVICE_H_
