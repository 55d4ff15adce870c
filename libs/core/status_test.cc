#include "libs/core/status.h"

#include <catch2/catch.hpp>

#include "google/rpc/error_details.pb.h"

namespace qrcloud::core {
namespace {

TEST_CASE("InvalidField names the field in the message and in a BadRequest detail") {
  absl::Status s = InvalidField("password", "must be at least 8 characters");
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message() == "password: must be at least 8 characters");
  auto violations = FieldViolations(s);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "password");
}

TEST_CASE("Statuses survive the trip through gRPC with their details") {
  absl::Status s = InvalidFields({{"login", "is taken"}, {"displayName", "too long"}});
  grpc::Status g = ToGrpcStatus(s);
  CHECK(g.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_FALSE(g.error_details().empty());
  google::rpc::Status rpc;
  REQUIRE(rpc.ParseFromString(g.error_details()));
  REQUIRE(rpc.details_size() == 1);
  google::rpc::BadRequest bad;
  REQUIRE(rpc.details(0).UnpackTo(&bad));
  CHECK(bad.field_violations_size() == 2);

  absl::Status back = FromGrpcStatus(g);
  CHECK(back.code() == absl::StatusCode::kInvalidArgument);
  CHECK(FieldViolations(back).size() == 2);

  CHECK(ToGrpcStatus(absl::NotFoundError("x")).error_details().empty());
  CHECK(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST_CASE("HTTP statuses follow google/rpc/code.proto") {
  CHECK(HttpStatusFor(absl::StatusCode::kInvalidArgument) == 400);
  CHECK(HttpStatusFor(absl::StatusCode::kUnauthenticated) == 401);
  CHECK(HttpStatusFor(absl::StatusCode::kPermissionDenied) == 403);
  CHECK(HttpStatusFor(absl::StatusCode::kNotFound) == 404);
  CHECK(HttpStatusFor(absl::StatusCode::kAlreadyExists) == 409);
  CHECK(HttpStatusFor(absl::StatusCode::kResourceExhausted) == 429);
  CHECK(HttpStatusFor(absl::StatusCode::kUnavailable) == 503);
  CHECK(HttpStatusFor(absl::StatusCode::kDeadlineExceeded) == 504);
  CHECK(HttpStatusFor(absl::StatusCode::kFailedPrecondition) == 400);
}

TEST_CASE("JsonFieldName converts each path segment to lowerCamelCase") {
  CHECK(JsonFieldName("display_name") == "displayName");
  CHECK(JsonFieldName("price.minor") == "price.minor");
  CHECK(JsonFieldName("fence.radius_m") == "fence.radiusM");
  CHECK(JsonFieldName("a_b_c.d_e") == "aBC.dE");
}

}  // namespace
}  // namespace qrcloud::core
