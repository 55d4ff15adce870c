// Helpers for end-to-end tests of the merchant cloud flow: merchants with an
// approved qualification, campaigns taken through audit, people signed in.
//
// Audit decisions are applied the way the audit service applies them — the
// center's RecordQualificationDecision / RecordAuditDecision over gRPC, as an
// auditor, answering the submission event found in the `audit` stream — so
// these tests do not need the audit service running.
#ifndef QRCLOUD_TESTS_SUPPORT_FLOW_H_
#define QRCLOUD_TESTS_SUPPORT_FLOW_H_

#include <map>
#include <memory>
#include <set>
#include <string>

#include "libs/cache/redis.h"
#include "tests/support/api.h"
#include "tests/support/stack.h"

namespace qrcloud::testing {

// Whether the consumer group `group` has been handed every entry of `stream`
// and acknowledged them all (false while the stream is empty: what is to
// come may not be in it yet).
bool StreamCaughtUp(cache::RedisPool& redis, const std::string& stream, const std::string& group);

class Flow {
 public:
  explicit Flow(Stack& stack);

  // A signed-in REST client for a new account of `kind`.
  std::unique_ptr<Api> NewAccount(const std::string& kind, std::string* merchant_id = nullptr);
  // A merchant whose qualification is approved, located at (lat, lng).
  std::unique_ptr<Api> QualifiedMerchant(std::string* merchant_id, double lat = 26.0745,
                                         double lng = 119.2965);
  // Creates a campaign from `json` and takes it through audit to PUBLISHED;
  // returns the published campaign's JSON.
  ApiResponse PublishCampaign(Api& merchant, const std::string& merchant_id,
                              const std::string& json);
  // A code of `merchant` (a qualified one) that leads to example.com: the
  // `POST /v1/codes` answer.
  ApiResponse RedirectCode(Api& merchant);
  // How many times each scan (event id) is in the `scans` stream now (none
  // while Redis does not answer).
  std::map<std::string, int> ScansInStream();
  // Approves (or rejects with `reason`) the latest audit submission of
  // `subject_id` ("qualification.submitted", "profile.submitted",
  // "landing.requested" or "campaign.submitted").
  void Decide(const std::string& type, const std::string& subject_id, bool approve,
              const std::string& reason = "");

  cache::RedisPool& redis() { return *redis_; }
  Stack& stack() { return stack_; }
  // The administrator's session token (admin + auditor).
  const std::string& admin_token() const { return admin_token_; }

 private:
  Stack& stack_;
  std::unique_ptr<cache::RedisPool> redis_;
  std::string admin_token_;
  std::set<std::string> decided_;  // submissions already answered
};

}  // namespace qrcloud::testing

#endif  // QRCLOUD_TESTS_SUPPORT_FLOW_H_
