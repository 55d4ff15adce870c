#include "libs/rpc/secret_fields.h"

#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "qrcloud/v1/options.pb.h"

namespace qrcloud::rpc {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

bool IsSecret(const FieldDescriptor* field) { return field->options().GetExtension(v1::secret); }

bool Search(const Descriptor* type, std::set<const Descriptor*>& seen) {
  if (!seen.insert(type).second) return false;  // recursive types: already being looked at
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (IsSecret(f)) return true;
    if (f->message_type() != nullptr && Search(f->message_type(), seen)) return true;
  }
  return false;
}

}  // namespace

bool HasSecretFields(const Descriptor* type) {
  static auto* mu = new absl::Mutex;
  static auto* known = new absl::flat_hash_map<const Descriptor*, bool>;
  absl::MutexLock lock(mu);
  auto it = known->find(type);
  if (it != known->end()) return it->second;
  std::set<const Descriptor*> seen;
  const bool has = Search(type, seen);
  known->emplace(type, has);
  return has;
}

void ClearSecretFields(google::protobuf::Message& message) {
  const Descriptor* type = message.GetDescriptor();
  if (!HasSecretFields(type)) return;
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (IsSecret(f)) {
      reflection->ClearField(&message, f);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_map()) continue;  // map values are never credentials here
      if (f->is_repeated()) {
        for (int j = 0; j < reflection->FieldSize(message, f); ++j) {
          ClearSecretFields(*reflection->MutableRepeatedMessage(&message, f, j));
        }
      } else if (reflection->HasField(message, f)) {
        ClearSecretFields(*reflection->MutableMessage(&message, f));
      }
    }
  }
}

}  // namespace qrcloud::rpc
