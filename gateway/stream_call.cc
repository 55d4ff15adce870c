#include "gateway/stream_call.h"

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/gateway.h"
#include "gateway/transcoder.h"
#include "libs/core/status.h"

namespace qrcloud::gateway {
namespace {

bool IsHttpBody(const google::protobuf::Descriptor* type) {
  return type->full_name() == "google.api.HttpBody";
}

std::string Bytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  out.reserve(buffer.Length());
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// One call: lives from StartStreamCall until gRPC's OnDone.
class StreamCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamCall(StreamCallSpec spec, http::Responder respond)
      : spec_(std::move(spec)), respond_(std::move(respond)) {
    context_.set_deadline(absl::ToChronoTime(spec_.deadline));
    for (const auto& [name, value] : spec_.metadata) context_.AddMetadata(name, value);
    grpc::Slice slice(spec_.request);
    request_ = grpc::ByteBuffer(&slice, 1);
  }

  void Start(grpc::GenericStub& stub) {
    stub.PrepareBidiStreamingCall(&context_, spec_.path, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&response_);
    StartCall();
  }

  void OnWriteDone(bool) override {}

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream ended: OnDone has the status
    auto part = Render(Bytes(response_));
    if (!part.ok()) {
      // The backend sent what cannot be shown: end the call; OnDone answers.
      failure_ = part.status();
      context_.TryCancel();
      return;
    }
    if (!started_) {
      started_ = true;
      http::Response head;
      head.headers.emplace_back("content-type", content_type_);
      for (const auto& h : spec_.extra_headers) head.headers.push_back(h);
      body_ = respond_.Stream(std::move(head));
    }
    // The next read starts outside a reaction, once the part is written: a
    // hold keeps gRPC from finishing the call (and OnDone from deleting
    // this) in between.
    AddHold();
    body_.Write(std::move(*part), [this](bool written) {
      if (!written) context_.TryCancel();
      StartRead(&response_);  // after a cancel it completes at once, not ok
      RemoveHold();
    });
  }

  void OnDone(const grpc::Status& grpc_status) override {
    std::unique_ptr<StreamCall> owned(this);
    absl::Status status = failure_.ok() ? core::FromGrpcStatus(grpc_status) : failure_;
    if (!started_) {
      if (status.ok()) {  // no message at all: an empty answer
        http::Response r;
        r.headers.emplace_back("content-type", IsHttpBody(spec_.output) ? "application/octet-stream"
                                                                        : "application/x-ndjson");
        for (const auto& h : spec_.extra_headers) r.headers.push_back(h);
        respond_(std::move(r));
        return;
      }
      http::Response r = ErrorResponse(status);
      for (const auto& h : spec_.extra_headers) r.headers.push_back(h);
      respond_(std::move(r));
      return;
    }
    if (status.ok()) {
      body_.Finish();
    } else if (IsHttpBody(spec_.output)) {
      body_.Abort();
    } else {
      auto stream = std::make_shared<http::BodyStream>(std::move(body_));
      stream->Write(absl::StrCat("{\"error\":", StatusJson(status), "}\n"),
                    [stream](bool) { stream->Finish(); });
    }
  }

 private:
  // The HTTP bytes of one message; the first also decides the content type.
  absl::StatusOr<std::string> Render(const std::string& message) {
    auto payload = RenderResponse(spec_.output, message);
    if (!payload.ok()) return payload.status();
    if (IsHttpBody(spec_.output)) {
      if (!started_) content_type_ = payload->content_type;
      return std::move(payload->body);
    }
    content_type_ = "application/x-ndjson";
    return absl::StrCat("{\"result\":", payload->body, "}\n");
  }

  const StreamCallSpec spec_;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  http::Responder respond_;
  http::BodyStream body_;
  std::string content_type_;
  bool started_ = false;  // the HTTP head is decided
  absl::Status failure_;
};

}  // namespace

void StartStreamCall(grpc::GenericStub& stub, StreamCallSpec spec, http::Responder respond) {
  auto* call = new StreamCall(std::move(spec), std::move(respond));
  call->Start(stub);
}

}  // namespace qrcloud::gateway
