// AgentService: the gRPC adapter of AgentLogic, one line per method.
#ifndef QRCLOUD_SERVICES_AGENT_AGENT_SERVICE_H_
#define QRCLOUD_SERVICES_AGENT_AGENT_SERVICE_H_

#include "libs/rpc/dispatcher.h"
#include "qrcloud/v1/agent.grpc.pb.h"
#include "services/agent/agent_logic.h"

namespace qrcloud::agent {

class AgentServiceImpl : public v1::AgentService::CallbackService {
 public:
  AgentServiceImpl(AgentLogic& logic, rpc::DispatcherDeps deps)
      : logic_(logic), dispatcher_("qrcloud.v1.AgentService", deps) {}

  grpc::ServerUnaryReactor* Apply(grpc::CallbackServerContext* ctx, const v1::ApplyRequest* req,
                                  v1::Agent* resp) override {
    return dispatcher_.Unary(ctx, "Apply", req, resp, logic_, &AgentLogic::Apply);
  }
  grpc::ServerUnaryReactor* Authorize(grpc::CallbackServerContext* ctx,
                                      const v1::AuthorizeRequest* req, v1::Agent* resp) override {
    return dispatcher_.Unary(ctx, "Authorize", req, resp, logic_, &AgentLogic::Authorize);
  }
  grpc::ServerUnaryReactor* SuspendAgent(grpc::CallbackServerContext* ctx,
                                         const v1::SuspendAgentRequest* req,
                                         v1::Agent* resp) override {
    return dispatcher_.Unary(ctx, "SuspendAgent", req, resp, logic_, &AgentLogic::Suspend);
  }
  grpc::ServerUnaryReactor* ReinstateAgent(grpc::CallbackServerContext* ctx,
                                           const v1::ReinstateAgentRequest* req,
                                           v1::Agent* resp) override {
    return dispatcher_.Unary(ctx, "ReinstateAgent", req, resp, logic_, &AgentLogic::Reinstate);
  }
  grpc::ServerUnaryReactor* GetAgent(grpc::CallbackServerContext* ctx,
                                     const v1::GetAgentRequest* req, v1::Agent* resp) override {
    return dispatcher_.Unary(ctx, "GetAgent", req, resp, logic_, &AgentLogic::Get);
  }
  grpc::ServerUnaryReactor* ListAgents(grpc::CallbackServerContext* ctx,
                                       const v1::ListAgentsRequest* req,
                                       v1::ListAgentsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListAgents", req, resp, logic_, &AgentLogic::List);
  }
  grpc::ServerUnaryReactor* LinkMerchant(grpc::CallbackServerContext* ctx,
                                         const v1::LinkMerchantRequest* req,
                                         v1::AgentMerchant* resp) override {
    return dispatcher_.Unary(ctx, "LinkMerchant", req, resp, logic_, &AgentLogic::LinkMerchant);
  }
  grpc::ServerUnaryReactor* ListAgentMerchants(grpc::CallbackServerContext* ctx,
                                               const v1::ListAgentMerchantsRequest* req,
                                               v1::ListAgentMerchantsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListAgentMerchants", req, resp, logic_,
                             &AgentLogic::ListMerchants);
  }
  grpc::ServerUnaryReactor* ListAgentStatements(grpc::CallbackServerContext* ctx,
                                                const v1::ListAgentStatementsRequest* req,
                                                v1::ListAgentStatementsResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListAgentStatements", req, resp, logic_,
                             &AgentLogic::ListStatements);
  }
  grpc::ServerUnaryReactor* AcceptAgentInvite(grpc::CallbackServerContext* ctx,
                                              const v1::AcceptAgentInviteRequest* req,
                                              v1::AgentMerchant* resp) override {
    return dispatcher_.Unary(ctx, "AcceptAgentInvite", req, resp, logic_,
                             &AgentLogic::AcceptInvite);
  }
  grpc::ServerUnaryReactor* AcceptAgentLink(grpc::CallbackServerContext* ctx,
                                            const v1::MerchantAgentLinkRequest* req,
                                            v1::AgentMerchant* resp) override {
    return dispatcher_.Unary(ctx, "AcceptAgentLink", req, resp, logic_, &AgentLogic::AcceptLink);
  }
  grpc::ServerUnaryReactor* DeclineAgentLink(grpc::CallbackServerContext* ctx,
                                             const v1::MerchantAgentLinkRequest* req,
                                             v1::AgentMerchant* resp) override {
    return dispatcher_.Unary(ctx, "DeclineAgentLink", req, resp, logic_, &AgentLogic::DeclineLink);
  }
  grpc::ServerUnaryReactor* UnlinkAgent(grpc::CallbackServerContext* ctx,
                                        const v1::MerchantAgentLinkRequest* req,
                                        v1::AgentMerchant* resp) override {
    return dispatcher_.Unary(ctx, "UnlinkAgent", req, resp, logic_, &AgentLogic::Unlink);
  }
  grpc::ServerUnaryReactor* ListMerchantAgentLinks(
      grpc::CallbackServerContext* ctx, const v1::ListMerchantAgentLinksRequest* req,
      v1::ListMerchantAgentLinksResponse* resp) override {
    return dispatcher_.Unary(ctx, "ListMerchantAgentLinks", req, resp, logic_,
                             &AgentLogic::ListMerchantLinks);
  }

 private:
  AgentLogic& logic_;
  rpc::Dispatcher dispatcher_;
};

}  // namespace qrcloud::agent

#endif  // QRCLOUD_SERVICES_AGENT_AGENT_SERVICE_H_
