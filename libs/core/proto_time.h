// absl::Time ↔ google.protobuf.Timestamp.
#ifndef QRCLOUD_LIBS_CORE_PROTO_TIME_H_
#define QRCLOUD_LIBS_CORE_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace qrcloud::core {

inline void ToProto(absl::Time t, google::protobuf::Timestamp* out) {
  const absl::Duration since = t - absl::UnixEpoch();
  const int64_t seconds = absl::ToInt64Seconds(since);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(since - absl::Seconds(seconds))));
}

inline absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

}  // namespace qrcloud::core

#endif  // QRCLOUD_LIBS_CORE_PROTO_TIME_H_
