#include "tests/support/api.h"

#include <algorithm>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace qrcloud::testing {

google::protobuf::Value ParseJson(absl::string_view json) {
  google::protobuf::Value v;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &v).ok()) {
    v.set_null_value(google::protobuf::NULL_VALUE);
  }
  return v;
}

std::string JsonAt(const google::protobuf::Value& root, absl::string_view path) {
  const google::protobuf::Value* v = &root;
  for (absl::string_view part : absl::StrSplit(path, '.', absl::SkipEmpty())) {
    if (v->has_struct_value()) {
      auto it = v->struct_value().fields().find(std::string(part));
      if (it == v->struct_value().fields().end()) return "";
      v = &it->second;
    } else if (v->has_list_value()) {
      int i;
      if (!absl::SimpleAtoi(part, &i) || i < 0 || i >= v->list_value().values_size()) return "";
      v = &v->list_value().values(i);
    } else {
      return "";
    }
  }
  switch (v->kind_case()) {
    case google::protobuf::Value::kStringValue:
      return v->string_value();
    case google::protobuf::Value::kNumberValue:
      return absl::StrCat(v->number_value());
    case google::protobuf::Value::kBoolValue:
      return v->bool_value() ? "true" : "false";
    case google::protobuf::Value::kStructValue:
    case google::protobuf::Value::kListValue: {
      std::string out;
      (void)google::protobuf::util::MessageToJsonString(*v, &out);
      return out;
    }
    default:
      return "";
  }
}

std::string JsonAt(absl::string_view json, absl::string_view path) {
  return JsonAt(ParseJson(json), path);
}

std::string ApiResponse::Header(absl::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

ApiResponse Api::Call(absl::string_view method, absl::string_view target, absl::string_view body,
                      std::vector<std::pair<std::string, std::string>> headers) {
  if (!token_.empty()) headers.emplace_back("authorization", absl::StrCat("Bearer ", token_));
  if (!body.empty()) headers.emplace_back("content-type", "application/json");
  // A person's browser says what it is; a request without a user agent is a
  // script to the scan path (not counted). Tests that mean to be a script
  // send their own, even an empty one.
  if (std::none_of(headers.begin(), headers.end(),
                   [](const auto& h) { return absl::EqualsIgnoreCase(h.first, "user-agent"); })) {
    headers.emplace_back("user-agent", kBrowserUserAgent);
  }
  auto r = client_->Send(std::string_view(method.data(), method.size()),
                         std::string_view(target.data(), target.size()), headers,
                         std::string_view(body.data(), body.size()));
  ApiResponse out;
  if (!r.ok()) {
    out.status = -1;
    out.body = std::string(r.status().message());
    return out;
  }
  out.status = r->status;
  out.body = r->body;
  for (const auto& [k, v] : r->headers) out.headers.emplace_back(k, v);
  return out;
}

}  // namespace qrcloud::testing
