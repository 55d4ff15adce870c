// Calls the center as the process's service account: the API key of the
// account tools/up and the test stack make from the process's center_roles
// in services/services.txt (--center_api_key_file) goes with every call, and
// is read again from its file when the center refuses it, so a rotated key
// needs no restart.
//
//   QRCLOUD_ASSIGN_OR_RETURN(auto center, service::CenterCaller::ForHost(host));
//   auto merchants = v1::MerchantService::NewStub(center->channel());
//   v1::Merchant merchant;
//   QRCLOUD_RETURN_IF_ERROR(center->Call([&](grpc::ClientContext& ctx) {
//     return merchants->GetMerchant(&ctx, request, &merchant);
//   }));
#ifndef QRCLOUD_LIBS_SERVICE_CENTER_CALLER_H_
#define QRCLOUD_LIBS_SERVICE_CENTER_CALLER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace qrcloud::service {

class Host;

class CenterCaller {
 public:
  // The center at `address` (host:port), with the key on the first line of
  // `api_key_file`. INVALID_ARGUMENT, saying how to make one, if the file
  // cannot be read.
  static absl::StatusOr<std::unique_ptr<CenterCaller>> Create(
      const std::string& address, std::string api_key_file,
      absl::Duration call_timeout = absl::Seconds(5));
  // The center of `host`'s deployment, with its --center_api_key_file.
  static absl::StatusOr<std::unique_ptr<CenterCaller>> ForHost(
      Host& host, absl::Duration call_timeout = absl::Seconds(5));

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Runs `call` with a context carrying the key, a deadline and, when given,
  // the request id of the call being served. A call the center refused as
  // unauthenticated did nothing: it runs once more after the key is read
  // again.
  absl::Status Call(const std::function<grpc::Status(grpc::ClientContext&)>& call,
                    const std::string& request_id = "");

 private:
  CenterCaller(std::shared_ptr<grpc::Channel> channel, std::string api_key_file,
               absl::Duration call_timeout)
      : channel_(std::move(channel)),
        api_key_file_(std::move(api_key_file)),
        call_timeout_(call_timeout) {}
  absl::Status ReloadKey();
  absl::Status CallOnce(const std::function<grpc::Status(grpc::ClientContext&)>& call,
                        const std::string& request_id);

  std::shared_ptr<grpc::Channel> channel_;
  const std::string api_key_file_;
  const absl::Duration call_timeout_;
  absl::Mutex mu_;
  std::string key_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qrcloud::service

#endif  // QRCLOUD_LIBS_SERVICE_CENTER_CALLER_H_
