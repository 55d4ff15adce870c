// Rows that keep a protobuf message as JSON in a `body` column (the agent
// and partner services' tables): writing one, reading them back, and the
// NULL a missing optional value is stored as.
#ifndef QRCLOUD_LIBS_STORE_JSON_ROWS_H_
#define QRCLOUD_LIBS_STORE_JSON_ROWS_H_

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/store/mysql.h"

namespace qrcloud::store {

// `m` as JSON, for a `body` column.
inline absl::StatusOr<std::string> BodyJson(const google::protobuf::Message& m) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(m, &json).ok()) {
    return absl::InternalError(absl::StrCat("cannot write a ", m.GetTypeName(), " as JSON"));
  }
  return json;
}

// A stored body read back; DATA_LOSS when it does not parse.
template <typename Message>
absl::StatusOr<Message> ParseBody(const std::string& body) {
  Message m;
  if (!google::protobuf::util::JsonStringToMessage(body, &m).ok()) {
    return absl::DataLossError(
        absl::StrCat("a stored ", Message::descriptor()->full_name(), " does not parse: ", body));
  }
  return m;
}

// The `body` of each row, read back.
template <typename Message>
absl::StatusOr<std::vector<Message>> ParseBodies(const std::vector<Row>& rows) {
  std::vector<Message> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    QRCLOUD_ASSIGN_OR_RETURN(Message m, ParseBody<Message>(r.String("body")));
    out.push_back(std::move(m));
  }
  return out;
}

// The first row's body, if any.
template <typename Message>
absl::StatusOr<std::optional<Message>> FirstBody(absl::StatusOr<std::vector<Row>> rows) {
  QRCLOUD_RETURN_IF_ERROR(rows.status());
  QRCLOUD_ASSIGN_OR_RETURN(std::vector<Message> all, ParseBodies<Message>(*rows));
  if (all.empty()) return std::nullopt;
  return all.front();
}

// NULL for an empty string (an optional column).
inline Value OrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return s;
}

}  // namespace qrcloud::store

#endif  // QRCLOUD_LIBS_STORE_JSON_ROWS_H_
