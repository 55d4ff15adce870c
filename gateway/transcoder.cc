#include "gateway/transcoder.h"

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gateway/json_printer.h"
#include "google/api/httpbody.pb.h"
#include "google/rpc/error_details.pb.h"
#include "libs/core/encoding.h"
#include "libs/core/json_input.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"

namespace qrcloud::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

using core::EnumNames;
using core::FindJsonField;
using core::ParseJsonInto;

// The JSON-visible path of a field inside `d`, from a dotted proto path.
std::string JsonPath(absl::string_view path) { return core::JsonFieldName(path); }

template <typename T>
absl::Status ParseNumber(absl::string_view text, T* out, absl::string_view what) {
  bool ok;
  if constexpr (std::is_floating_point_v<T>) {
    double d;
    ok = absl::SimpleAtod(text, &d);
    *out = static_cast<T>(d);
  } else {
    ok = absl::SimpleAtoi(text, out);
  }
  return ok ? absl::OkStatus()
            : absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not ", what));
}

absl::Status SetLeaf(Message* m, const FieldDescriptor* f, absl::string_view v) {
  const Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string s(v);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        // Query bytes are base64, standard or URL-safe.
        std::string normalized = s;
        for (char& c : normalized) c = c == '+' ? '-' : c == '/' ? '_' : c;
        while (!normalized.empty() && normalized.back() == '=') normalized.pop_back();
        auto decoded = core::Base64UrlDecode(normalized);
        if (!decoded) return absl::InvalidArgumentError("is not base64");
        s = *decoded;
      } else if (!core::IsValidUtf8(s)) {
        return absl::InvalidArgumentError("is not valid UTF-8 text once %-decoded");
      }
      rep ? r->AddString(m, f, s) : r->SetString(m, f, s);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t x;
      QRCLOUD_RETURN_IF_ERROR(ParseNumber(v, &x, "a 32-bit integer"));
      rep ? r->AddInt32(m, f, x) : r->SetInt32(m, f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t x;
      QRCLOUD_RETURN_IF_ERROR(ParseNumber(v, &x, "an integer"));
      rep ? r->AddInt64(m, f, x) : r->SetInt64(m, f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t x;
      QRCLOUD_RETURN_IF_ERROR(ParseNumber(v, &x, "a non-negative 32-bit integer"));
      rep ? r->AddUInt32(m, f, x) : r->SetUInt32(m, f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t x;
      QRCLOUD_RETURN_IF_ERROR(ParseNumber(v, &x, "a non-negative integer"));
      rep ? r->AddUInt64(m, f, x) : r->SetUInt64(m, f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double x;
      QRCLOUD_RETURN_IF_ERROR(ParseNumber(v, &x, "a number"));
      rep ? r->AddDouble(m, f, x) : r->SetDouble(m, f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float x;
      QRCLOUD_RETURN_IF_ERROR(ParseNumber(v, &x, "a number"));
      rep ? r->AddFloat(m, f, x) : r->SetFloat(m, f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool x;
      if (v == "true" || v == "1") {
        x = true;
      } else if (v == "false" || v == "0") {
        x = false;
      } else {
        return absl::InvalidArgumentError(absl::StrCat("\"", v, "\" is not true or false"));
      }
      rep ? r->AddBool(m, f, x) : r->SetBool(m, f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f->enum_type();
      const auto* value = e->FindValueByName(std::string(v));
      int number;
      if (value == nullptr && absl::SimpleAtoi(v, &number)) value = e->FindValueByNumber(number);
      if (value == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", v, "\" is not a known value; accepted: ", EnumNames(e)));
      }
      rep ? r->AddEnumValue(m, f, value->number()) : r->SetEnumValue(m, f, value->number());
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // Well-known types with a string JSON form (Timestamp, Duration,
      // FieldMask) parse from text through their JSON mapping.
      Message* sub = rep ? r->AddMessage(m, f) : r->MutableMessage(m, f);
      std::string quoted = absl::StrCat("\"", absl::CHexEscape(v), "\"");
      auto status = google::protobuf::util::JsonStringToMessage(quoted, sub);
      if (!status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", v, "\" is not a valid ", f->message_type()->name()));
      }
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError("has an unsupported type");
}

// Field mask paths for the top-level keys of a JSON object body, for PATCH
// calls that leave update_mask out.
absl::Status InferUpdateMask(Message* request, const FieldDescriptor* body_field,
                             absl::string_view body) {
  const FieldDescriptor* mask_field = request->GetDescriptor()->FindFieldByName("update_mask");
  if (mask_field == nullptr || mask_field->message_type() == nullptr ||
      mask_field->message_type()->full_name() != "google.protobuf.FieldMask") {
    return absl::OkStatus();
  }
  auto* mask = static_cast<google::protobuf::FieldMask*>(
      request->GetReflection()->MutableMessage(request, mask_field));
  if (mask->paths_size() > 0) return absl::OkStatus();
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(std::string(body), &object).ok()) {
    return absl::OkStatus();  // the real parse already reported the problem
  }
  for (const auto& [key, unused] : object.fields()) {
    const FieldDescriptor* f = FindJsonField(body_field->message_type(), key);
    if (f != nullptr) mask->add_paths(f->name());
  }
  std::sort(mask->mutable_paths()->begin(), mask->mutable_paths()->end());
  return absl::OkStatus();
}

}  // namespace

absl::Status SetFieldFromText(Message* message, absl::string_view path, absl::string_view value,
                              absl::string_view source) {
  Message* m = message;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FindJsonField(m->GetDescriptor(), parts[i]);
    const bool leaf = i + 1 == parts.size();
    const std::string json_path = JsonPath(path);
    if (f == nullptr ||
        (!leaf && (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()))) {
      return core::InvalidField(json_path, absl::StrCat("unknown ", source, " \"", path, "\""));
    }
    if (!leaf) {
      m = m->GetReflection()->MutableMessage(m, f);
      continue;
    }
    if (absl::Status s = SetLeaf(m, f, value); !s.ok()) {
      return core::InvalidField(json_path, absl::StrCat(source, " \"", path, "\": ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Message>> BuildRequest(const RouteMatch& match,
                                                      absl::string_view query,
                                                      absl::string_view body) {
  const Route& route = *match.route;
  const Descriptor* type = route.method->input_type();
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  std::unique_ptr<Message> request(prototype->New());

  const bool has_body = !absl::StripAsciiWhitespace(body).empty();
  if (route.body.empty() && has_body) {
    return core::InvalidField(
        "body", absl::StrCat(route.http_method, " ", route.path.text(), " takes no request body"));
  }
  if (route.body == "*" && has_body) {
    QRCLOUD_RETURN_IF_ERROR(ParseJsonInto(body, request.get(), ""));
  } else if (!route.body.empty() && has_body) {
    const FieldDescriptor* f = type->FindFieldByName(route.body);
    Message* sub = request->GetReflection()->MutableMessage(request.get(), f);
    QRCLOUD_RETURN_IF_ERROR(ParseJsonInto(body, sub, ""));
    if (route.http_method == "PATCH")
      QRCLOUD_RETURN_IF_ERROR(InferUpdateMask(request.get(), f, body));
  }

  for (const auto& [path, value] : match.bindings) {
    QRCLOUD_RETURN_IF_ERROR(SetFieldFromText(request.get(), path, value, "path variable"));
  }

  if (!query.empty()) {
    if (route.body == "*") {
      return core::InvalidField("query",
                                "this call takes its fields in the JSON body, not the query");
    }
    for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
      const size_t eq = pair.find('=');
      std::string key(pair.substr(0, eq));
      std::string value(eq == absl::string_view::npos ? "" : pair.substr(eq + 1));
      std::replace(key.begin(), key.end(), '+', ' ');
      std::replace(value.begin(), value.end(), '+', ' ');
      auto k = PercentDecode(key);
      auto v = PercentDecode(value);
      if (!k || !v) return core::InvalidField("query", "has a malformed %-escape");
      if (!route.body.empty() && (*k == route.body || absl::StartsWith(*k, route.body + "."))) {
        return core::InvalidField(*k, "is sent in the JSON body, not the query");
      }
      // A path variable is the path's to give: a query parameter naming it
      // again would silently win (as grpc-gateway's and Envoy's transcoders
      // refuse too).
      for (const auto& [path, unused] : match.bindings) {
        if (JsonPath(*k) == JsonPath(path)) {
          return core::InvalidField(JsonPath(path),
                                    "is given by the path; do not repeat it in the "
                                    "query");
        }
      }
      QRCLOUD_RETURN_IF_ERROR(SetFieldFromText(request.get(), *k, *v, "query parameter"));
    }
  }
  return request;
}

absl::StatusOr<HttpPayload> RenderResponse(const Descriptor* type, absl::string_view serialized) {
  if (type->full_name() == "google.api.HttpBody") {
    google::api::HttpBody body;
    if (!body.ParseFromArray(serialized.data(), static_cast<int>(serialized.size())))
      return absl::InternalError("the service sent a broken HttpBody");
    return HttpPayload{
        body.content_type().empty() ? "application/octet-stream" : body.content_type(),
        body.data()};
  }
  HttpPayload out{"application/json", ""};
  out.body.reserve(serialized.size() * 2 + 64);
  if (PrintJsonFromWire(type, serialized, &out.body)) return out;
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  std::unique_ptr<Message> message(prototype->New());
  if (!message->ParseFromArray(serialized.data(), static_cast<int>(serialized.size()))) {
    return absl::InternalError("the service sent a response that does not parse");
  }
  PrintJson(*message, &out.body);
  return out;
}

std::string StatusJson(const absl::Status& status) {
  std::string out;
  // Messages may quote what a client sent; JSON must stay valid UTF-8.
  google::rpc::Status rpc = core::ToRpcStatus(status);
  rpc.set_message(core::ToValidUtf8(rpc.message()));
  auto* details = rpc.mutable_details();
  for (int i = details->size() - 1; i >= 0; --i) {
    google::protobuf::Any& any = (*details)[i];
    if (!any.Is<google::rpc::BadRequest>()) continue;
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) {
      details->DeleteSubrange(i, 1);  // unreadable: the message says it all
      continue;
    }
    for (auto& v : *bad.mutable_field_violations()) {
      v.set_field(core::ToValidUtf8(v.field()));
      v.set_description(core::ToValidUtf8(v.description()));
    }
    any.PackFrom(bad);
  }
  auto printed = google::protobuf::util::MessageToJsonString(rpc, &out);
  if (!printed.ok()) {
    // A detail that cannot be printed must not hide the error itself.
    google::rpc::Status plain;
    plain.set_code(static_cast<int>(status.code()));
    plain.set_message(core::ToValidUtf8(status.message()));
    out.clear();
    (void)google::protobuf::util::MessageToJsonString(plain, &out);
  }
  return out;
}

}  // namespace qrcloud::gateway
