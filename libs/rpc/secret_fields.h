// Fields marked `[(qrcloud.v1.secret) = true]` in the contracts (passwords,
// tokens, keys shown once): found through the descriptors, so a new secret
// field is handled by marking it, not by code.
#ifndef QRCLOUD_LIBS_RPC_SECRET_FIELDS_H_
#define QRCLOUD_LIBS_RPC_SECRET_FIELDS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

namespace qrcloud::rpc {

// True if `type`, or any message it holds, has a secret field.
bool HasSecretFields(const google::protobuf::Descriptor* type);

// Clears every secret field of `message` and of the messages it holds.
void ClearSecretFields(google::protobuf::Message& message);

}  // namespace qrcloud::rpc

#endif  // QRCLOUD_LIBS_RPC_SECRET_FIELDS_H_
