#include "gateway/routes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "libs/service/policy.h"

namespace qrcloud::gateway {
namespace {

absl::Status AddRule(const google::api::HttpRule& rule, const google::protobuf::MethodDescriptor* m,
                     std::vector<std::unique_ptr<Route>>& out) {
  std::string verb;
  std::string path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      verb = "GET";
      path = rule.get();
      break;
    case google::api::HttpRule::kPost:
      verb = "POST";
      path = rule.post();
      break;
    case google::api::HttpRule::kPut:
      verb = "PUT";
      path = rule.put();
      break;
    case google::api::HttpRule::kPatch:
      verb = "PATCH";
      path = rule.patch();
      break;
    case google::api::HttpRule::kDelete:
      verb = "DELETE";
      path = rule.delete_();
      break;
    case google::api::HttpRule::kCustom:
      verb = rule.custom().kind();
      path = rule.custom().path();
      break;
    default:
      return absl::OkStatus();
  }
  auto tmpl = PathTemplate::Parse(path);
  if (!tmpl.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(m->full_name(), ": ", tmpl.status().message()));
  }
  if (!rule.body().empty() && rule.body() != "*" &&
      m->input_type()->FindFieldByName(rule.body()) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(m->full_name(), ": body field \"", rule.body(), "\" does not exist"));
  }
  auto route =
      std::make_unique<Route>(Route{verb, *std::move(tmpl), m, rule.body(),
                                    absl::StrCat("/", m->service()->full_name(), "/", m->name())});
  out.push_back(std::move(route));
  for (const auto& extra : rule.additional_bindings()) {
    if (absl::Status s = AddRule(extra, m, out); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

RouteTable RouteTable::Extract(const std::function<bool(const Route&)>& remove) {
  RouteTable out;
  std::vector<std::unique_ptr<Route>> kept;
  for (auto& r : routes_) (remove(*r) ? out.routes_ : kept).push_back(std::move(r));
  routes_ = std::move(kept);
  return out;
}

absl::StatusOr<RouteTable> RouteTable::ForServices(const std::vector<std::string>& services) {
  RouteTable table;
  // Asking for the contracts links every one of them into the pool.
  (void)service::ContractServices();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : services) {
    const auto* service = pool->FindServiceByName(name);
    if (service == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("service ", name, " is not in the gateway's contracts"));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* m = service->method(i);
      if (!m->options().HasExtension(google::api::http)) continue;
      if (absl::Status s = AddRule(m->options().GetExtension(google::api::http), m, table.routes_);
          !s.ok()) {
        return s;
      }
    }
  }
  std::stable_sort(table.routes_.begin(), table.routes_.end(), [](const auto& a, const auto& b) {
    return a->path.Specificity() > b->path.Specificity();
  });
  return table;
}

std::optional<RouteMatch> RouteTable::Find(absl::string_view http_method, absl::string_view path,
                                           Miss* miss, std::vector<std::string>* allowed) const {
  // HEAD is answered as GET without the body.
  const absl::string_view wanted = http_method == "HEAD" ? "GET" : http_method;
  bool path_known = false;
  const PathTemplate::SplitPath split = PathTemplate::Split(path);
  for (const auto& route : routes_) {
    auto bindings = route->path.Match(split);
    if (!bindings) continue;
    if (route->http_method == wanted) {
      *miss = Miss::kNone;
      return RouteMatch{route.get(), *std::move(bindings)};
    }
    path_known = true;
    if (std::find(allowed->begin(), allowed->end(), route->http_method) == allowed->end()) {
      allowed->push_back(route->http_method);
    }
  }
  *miss = path_known ? Miss::kMethodNotAllowed : Miss::kNotFound;
  return std::nullopt;
}

}  // namespace qrcloud::gateway
