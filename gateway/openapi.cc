#include "gateway/openapi.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/rpc/status.pb.h"

namespace qrcloud::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Struct;
using google::protobuf::Value;

Value Str(absl::string_view s) {
  Value v;
  v.set_string_value(std::string(s));
  return v;
}

Value Bool(bool b) {
  Value v;
  v.set_bool_value(b);
  return v;
}

Value& Field(Value& object, const std::string& key) {
  return (*object.mutable_struct_value()->mutable_fields())[key];
}

Value Ref(const Descriptor* d) {
  Value v;
  Field(v, "$ref") = Str(absl::StrCat("#/components/schemas/", d->full_name()));
  return v;
}

// The JSON schema of a well-known type, or nullopt for an ordinary message.
std::optional<Value> WellKnown(const Descriptor* d) {
  const std::string& n = d->full_name();
  Value v;
  if (n == "google.protobuf.Timestamp") {
    Field(v, "type") = Str("string");
    Field(v, "format") = Str("date-time");
  } else if (n == "google.protobuf.Duration") {
    Field(v, "type") = Str("string");
    Field(v, "example") = Str("1.5s");
  } else if (n == "google.protobuf.FieldMask") {
    Field(v, "type") = Str("string");
    Field(v, "description") = Str("Comma-separated field names, e.g. displayName,description");
  } else if (n == "google.protobuf.Struct" || n == "google.protobuf.Any") {
    Field(v, "type") = Str("object");
  } else if (n == "google.protobuf.Value") {
    Field(v, "description") = Str("Any JSON value");
  } else {
    return std::nullopt;
  }
  return v;
}

class SchemaBuilder {
 public:
  // The schema of a field; registers message types it refers to.
  Value FieldSchema(const FieldDescriptor* f) {
    Value item;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_UINT32:
        Field(item, "type") = Str("integer");
        Field(item, "format") = Str("int32");
        break;
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT64:
        // Protobuf JSON writes 64-bit integers as strings.
        Field(item, "type") = Str("string");
        Field(item, "format") = Str("int64");
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        Field(item, "type") = Str("number");
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        Field(item, "type") = Str("boolean");
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        Field(item, "type") = Str("string");
        if (f->type() == FieldDescriptor::TYPE_BYTES) Field(item, "format") = Str("byte");
        break;
      case FieldDescriptor::CPPTYPE_ENUM: {
        Field(item, "type") = Str("string");
        auto* values = Field(item, "enum").mutable_list_value();
        for (int i = 0; i < f->enum_type()->value_count(); ++i) {
          *values->add_values() = Str(f->enum_type()->value(i)->name());
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (f->is_map()) {
          Value map;
          Field(map, "type") = Str("object");
          Field(map, "additionalProperties") = FieldSchema(f->message_type()->map_value());
          return map;
        }
        item = Message(f->message_type());
        break;
    }
    if (!f->is_repeated()) return item;
    Value array;
    Field(array, "type") = Str("array");
    Field(array, "items") = item;
    return array;
  }

  // A reference to a message's schema (or an inline well-known type).
  Value Message(const Descriptor* d) {
    if (auto wk = WellKnown(d)) return *wk;
    if (seen_.insert(d->full_name()).second) pending_.push_back(d);
    return Ref(d);
  }

  // Builds the schema of every message referenced so far into `schemas`.
  void Drain(Struct* schemas) {
    while (!pending_.empty()) {
      const Descriptor* d = pending_.back();
      pending_.pop_back();
      Value schema;
      Field(schema, "type") = Str("object");
      Value& props = Field(schema, "properties");
      props.mutable_struct_value();
      for (int i = 0; i < d->field_count(); ++i) {
        Field(props, d->field(i)->json_name()) = FieldSchema(d->field(i));
      }
      (*schemas->mutable_fields())[d->full_name()] = schema;
    }
  }

 private:
  std::set<std::string> seen_;
  std::vector<const Descriptor*> pending_;
};

Value Parameter(const std::string& name, const std::string& in, bool required, Value schema) {
  Value p;
  Field(p, "name") = Str(name);
  Field(p, "in") = Str(in);
  Field(p, "required") = Bool(required);
  Field(p, "schema") = std::move(schema);
  return p;
}

Value JsonContent(Value schema) {
  Value content;
  Field(Field(content, "application/json"), "schema") = std::move(schema);
  return content;
}

}  // namespace

std::string OpenApiJson(const RouteTable& routes, const std::string& server_url) {
  SchemaBuilder schemas;
  Value doc;
  Field(doc, "openapi") = Str("3.0.3");
  Field(Field(doc, "info"), "title") = Str("qrcloud API");
  Field(Field(doc, "info"), "version") = Str("v1");
  Field(Field(doc, "info"), "description") =
      Str("Generated from the google.api.http rules of the qrcloud protos. Errors are "
          "google.rpc.Status JSON.");
  if (!server_url.empty()) {
    Value server;
    Field(server, "url") = Str(server_url);
    *Field(doc, "servers").mutable_list_value()->add_values() = server;
  }
  Value& paths = Field(doc, "paths");
  paths.mutable_struct_value();

  for (const auto& route : routes.routes()) {
    const auto* m = route->method;
    const Descriptor* input = m->input_type();
    Value op;
    Field(op, "operationId") = Str(absl::StrCat(m->service()->name(), "_", m->name()));
    *Field(op, "tags").mutable_list_value()->add_values() = Str(m->service()->name());

    auto* params = Field(op, "parameters").mutable_list_value();
    std::set<std::string> bound;
    for (const std::string& var : route->path.VariablePaths()) {
      Value schema;
      Field(schema, "type") = Str("string");
      *params->add_values() = Parameter(var, "path", true, schema);
      bound.insert(var.substr(0, var.find('.')));
    }
    if (route->body == "*") {
      Value body;
      Field(body, "required") = Bool(true);
      Field(body, "content") = JsonContent(schemas.Message(input));
      Field(op, "requestBody") = body;
    } else {
      if (!route->body.empty()) {
        Value body;
        Field(body, "required") = Bool(true);
        Field(body, "content") =
            JsonContent(schemas.FieldSchema(input->FindFieldByName(route->body)));
        Field(op, "requestBody") = body;
        bound.insert(route->body);
      }
      for (int i = 0; i < input->field_count(); ++i) {
        const FieldDescriptor* f = input->field(i);
        if (bound.count(f->name()) || f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) continue;
        *params->add_values() = Parameter(f->json_name(), "query", false, schemas.FieldSchema(f));
      }
    }

    Value ok;
    if (m->output_type()->full_name() == "google.api.HttpBody") {
      Field(ok, "description") = Str("The raw content (image, PDF, HTML or CSV)");
      Value any;
      Field(any, "type") = Str("string");
      Field(any, "format") = Str("binary");
      Field(Field(Field(ok, "content"), "*/*"), "schema") = any;
    } else {
      Field(ok, "description") = Str("OK");
      Field(ok, "content") = JsonContent(schemas.Message(m->output_type()));
    }
    Value error;
    Field(error, "description") = Str("An error, as google.rpc.Status");
    Field(error, "content") = JsonContent(schemas.Message(google::rpc::Status::descriptor()));
    Field(Field(op, "responses"), "200") = ok;
    Field(Field(op, "responses"), "default") = error;

    Field(Field(paths, route->path.OpenApiPath()), absl::AsciiStrToLower(route->http_method)) = op;
  }

  Value& components = Field(doc, "components");
  Value bearer;
  Field(bearer, "type") = Str("http");
  Field(bearer, "scheme") = Str("bearer");
  Field(Field(components, "securitySchemes"), "bearer") = bearer;
  Value requirement;
  Field(requirement, "bearer").mutable_list_value();
  *Field(doc, "security").mutable_list_value()->add_values() = requirement;
  schemas.Drain(Field(components, "schemas").mutable_struct_value());

  std::string out;
  (void)google::protobuf::util::MessageToJsonString(doc, &out);
  return out;
}

}  // namespace qrcloud::gateway
