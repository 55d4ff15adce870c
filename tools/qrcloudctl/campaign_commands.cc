// What a merchant publishes: media, campaigns and codes (with their images
// and print sheets).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/api/httpbody.pb.h"
#include "libs/core/ids.h"
#include "libs/core/json_input.h"
#include "libs/core/status.h"
#include "qrcloud/v1/campaign.pb.h"
#include "qrcloud/v1/code.pb.h"
#include "tools/qrcloudctl/cli.h"
#include "tools/qrcloudctl/flags.h"
#include "tools/qrcloudctl/input.h"

namespace qrcloud::ctl {
namespace {

constexpr size_t kMaxDocumentBytes = 1 << 20;
// Above the center's own limit (campaign_logic.h), so the center's message
// is the one a user sees for a file slightly too large.
constexpr size_t kMaxUploadBytes = 8 << 20;

// A campaign from --file, or the usage error naming the file and the field.
int ReadCampaign(const Command& command, v1::Campaign* campaign, std::vector<std::string>* keys) {
  const std::string path = absl::GetFlag(FLAGS_file);
  if (path.empty()) {
    return UsageFailure("give the campaign's fields in a file: --file=<campaign.yaml>", command);
  }
  absl::StatusOr<std::string> text = ReadInputFile(path, kMaxDocumentBytes);
  if (!text.ok()) return UsageFailure(text.status().message(), command);
  if (absl::Status s = ParseDocument(*text, campaign, keys); !s.ok()) {
    return FileFailure(path, s);
  }
  return kExitOk;
}

int OneId(const Args& args, const Command& command, const char* what) {
  if (args.size() != 1) {
    return UsageFailure(absl::StrCat("give the ", what, "'s id, and only that"), command);
  }
  return kExitOk;
}

}  // namespace

int MediaUploadCommand(Context& ctx, const Args& args, const Command& command) {
  if (args.size() != 1) return UsageFailure("give one file to upload", command);
  std::string type = absl::GetFlag(FLAGS_content_type);
  if (type.empty()) {
    const std::string lower = absl::AsciiStrToLower(args[0]);
    if (absl::EndsWith(lower, ".png")) type = "image/png";
    if (absl::EndsWith(lower, ".jpg") || absl::EndsWith(lower, ".jpeg")) type = "image/jpeg";
    if (type.empty()) {
      return UsageFailure(
          "say the file's type with --content-type=image/png or image/jpeg (its name does not)",
          command);
    }
  }
  absl::StatusOr<std::string> data = ReadInputFile(args[0], kMaxUploadBytes);
  if (!data.ok()) return UsageFailure(data.status().message(), command);
  absl::StatusOr<std::string> merchant = OwnMerchant(ctx);
  if (!merchant.ok()) return Failure(merchant.status(), ctx);
  v1::UploadMediaRequest request;
  request.set_merchant_id(*merchant);
  request.set_content_type(type);
  request.set_data(*std::move(data));
  request.set_filename(args[0].substr(args[0].rfind('/') + 1));
  request.set_request_id(core::NewId());
  return CallAndPrint(ctx, "qrcloud.v1.CampaignService.UploadMedia", request);
}

int CampaignCreateCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("the campaign comes from --file only", command);
  v1::CreateCampaignRequest request;
  if (int code = ReadCampaign(command, request.mutable_campaign(), nullptr)) return code;
  absl::StatusOr<std::string> merchant = OwnMerchant(ctx);
  if (!merchant.ok()) return Failure(merchant.status(), ctx);
  request.set_merchant_id(*merchant);
  request.set_request_id(core::NewId());
  return CallAndPrint(ctx, "qrcloud.v1.CampaignService.CreateCampaign", request);
}

int CampaignEditCommand(Context& ctx, const Args& args, const Command& command) {
  if (int code = OneId(args, command, "campaign")) return code;
  v1::UpdateCampaignRequest request;
  std::vector<std::string> keys;
  if (int code = ReadCampaign(command, request.mutable_campaign(), &keys)) return code;
  // The fields the file names change, and only those (an empty value clears).
  for (const std::string& key : keys) {
    const auto* field = core::FindJsonField(v1::Campaign::descriptor(), key);
    if (field != nullptr) request.mutable_update_mask()->add_paths(field->name());
  }
  if (request.update_mask().paths_size() == 0) {
    return UsageFailure("the file names no field to change", command);
  }
  request.set_id(args[0]);
  return CallAndPrint(ctx, "qrcloud.v1.CampaignService.UpdateCampaign", request);
}

int CampaignGetCommand(Context& ctx, const Args& args, const Command& command) {
  if (int code = OneId(args, command, "campaign")) return code;
  v1::GetCampaignRequest request;
  request.set_id(args[0]);
  return CallAndPrint(ctx, "qrcloud.v1.CampaignService.GetCampaign", request);
}

int CampaignListCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("list takes flags only", command);
  v1::ListCampaignsRequest request;
  int state = 0;
  if (absl::Status s = ParseEnumFlag("state", v1::Campaign::State_descriptor(), &state); !s.ok()) {
    return UsageFailure(s.message(), command);
  }
  request.set_state(static_cast<v1::Campaign::State>(state));
  if (absl::Status s = PageFlags(request.mutable_page()); !s.ok()) {
    return UsageFailure(s.message(), command);
  }
  absl::StatusOr<std::string> merchant = OwnMerchant(ctx);
  if (!merchant.ok()) return Failure(merchant.status(), ctx);
  request.set_merchant_id(*merchant);
  return CallAndPrint(ctx, "qrcloud.v1.CampaignService.ListCampaigns", request);
}

// submit, pause, resume and end: the same request, a method each.
int CampaignActionCommand(Context& ctx, const Args& args, const Command& command) {
  if (int code = OneId(args, command, "campaign")) return code;
  const std::string action(absl::StripPrefix(command.name, "campaign "));
  std::string method =
      absl::StrCat("qrcloud.v1.CampaignService.", absl::AsciiStrToUpper(action.substr(0, 1)),
                   action.substr(1), "Campaign");
  v1::CampaignActionRequest request;
  request.set_id(args[0]);
  return CallAndPrint(ctx, method, request);
}

int CodeCreateCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("create takes flags only", command);
  v1::CreateCodeRequest request;
  request.set_campaign_id(absl::GetFlag(FLAGS_campaign));
  request.set_target_url(absl::GetFlag(FLAGS_target));
  request.set_label(absl::GetFlag(FLAGS_label));
  if (request.campaign_id().empty() == request.target_url().empty()) {
    return UsageFailure("give either --campaign=<id> or --target=<url>", command);
  }
  if (!absl::GetFlag(FLAGS_merchant).empty())
    request.set_merchant_id(absl::GetFlag(FLAGS_merchant));
  return CallAndPrint(ctx, "qrcloud.v1.CodeService.CreateCode", request);
}

int CodeBatchCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("batch takes flags only", command);
  v1::BatchCreateCodesRequest request;
  request.mutable_template_()->set_campaign_id(absl::GetFlag(FLAGS_campaign));
  request.mutable_template_()->set_target_url(absl::GetFlag(FLAGS_target));
  if (request.template_().campaign_id().empty() == request.template_().target_url().empty()) {
    return UsageFailure("give either --campaign=<id> or --target=<url>", command);
  }
  if (absl::GetFlag(FLAGS_count) <= 0) {
    return UsageFailure("give how many codes with --count=<n> (1 to 10000)", command);
  }
  request.set_count(absl::GetFlag(FLAGS_count));
  request.set_first_number(absl::GetFlag(FLAGS_first_number));
  request.set_caption(absl::GetFlag(FLAGS_caption));
  request.set_request_id(core::NewId());
  return CallAndPrint(ctx, "qrcloud.v1.CodeService.BatchCreateCodes", request);
}

int CodeGetCommand(Context& ctx, const Args& args, const Command& command) {
  if (int code = OneId(args, command, "code")) return code;
  v1::GetCodeRequest request;
  request.set_id(args[0]);
  return CallAndPrint(ctx, "qrcloud.v1.CodeService.GetCode", request);
}

int CodeStatsCommand(Context& ctx, const Args& args, const Command& command) {
  if (int code = OneId(args, command, "code")) return code;
  v1::GetCodeStatsRequest request;
  request.set_id(args[0]);
  return CallAndPrint(ctx, "qrcloud.v1.CodeService.GetCodeStats", request);
}

int CodeListCommand(Context& ctx, const Args& args, const Command& command) {
  if (!args.empty()) return UsageFailure("list takes flags only", command);
  v1::ListCodesRequest request;
  request.set_campaign_id(absl::GetFlag(FLAGS_campaign));
  request.set_batch_id(absl::GetFlag(FLAGS_batch));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  return CallAndPrint(ctx, "qrcloud.v1.CodeService.ListCodes", request);
}

int CodeImageCommand(Context& ctx, const Args& args, const Command& command) {
  if (int code = OneId(args, command, "code")) return code;
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) return UsageFailure("say where to write the image: --out=<file>", command);
  v1::GetCodeImageRequest request;
  request.set_id(args[0]);
  request.set_format(absl::GetFlag(FLAGS_format));
  request.set_size(absl::GetFlag(FLAGS_size));
  auto body = CallContract(ctx, "qrcloud.v1.CodeService.GetCodeImage", request);
  if (!body.ok()) return Failure(body.status(), ctx);
  const auto& image = static_cast<const google::api::HttpBody&>(**body);
  if (absl::Status s = WriteOutputFile(out, image.data()); !s.ok()) return Failure(s, ctx);
  if (out != "-") {
    std::fprintf(stderr, "Wrote %s (%s, %zu bytes)\n", out.c_str(), image.content_type().c_str(),
                 image.data().size());
  }
  return kExitOk;
}

int CodeSheetCommand(Context& ctx, const Args& args, const Command& command) {
  if (int code = OneId(args, command, "batch")) return code;
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty() || out == "-") {
    return UsageFailure("say which file to write the sheet (a PDF) to: --out=<file.pdf>", command);
  }
  absl::StatusOr<std::string> token = RequireToken(ctx);
  if (!token.ok()) return Failure(token.status(), ctx);
  // Parts are written as they come (a 10,000-code sheet is tens of MB) to
  // a temporary file that becomes `out` only when the sheet is whole.
  const std::string temp = absl::StrCat(out, ".part");
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) {
    return UsageFailure(absl::StrCat("cannot write ", out, ": ", std::strerror(errno)), command);
  }
  v1::GetBatchSheetRequest request;
  request.set_batch_id(args[0]);
  const auto& method = ContractMethod("qrcloud.v1.CodeService.GetBatchSheet");
  google::api::HttpBody part;
  size_t bytes = 0;
  bool written = true;
  absl::Status status = ctx.ClientFor(method).ServerStream(
      method, request, &part, [&](const google::protobuf::Message& m) {
        const auto& body = static_cast<const google::api::HttpBody&>(m);
        written =
            std::fwrite(body.data().data(), 1, body.data().size(), file) == body.data().size();
        bytes += body.data().size();
        return written;
      });
  if (std::fclose(file) != 0) written = false;
  if (status.ok() && !written) {
    status = absl::FailedPreconditionError(absl::StrCat("cannot write ", out));
  }
  if (status.ok() && std::rename(temp.c_str(), out.c_str()) != 0) {
    status = absl::FailedPreconditionError(
        absl::StrCat("cannot write ", out, ": ", std::strerror(errno)));
  }
  if (!status.ok()) {
    std::remove(temp.c_str());
    return Failure(status, ctx);
  }
  std::fprintf(stderr, "Wrote %s (application/pdf, %zu bytes)\n", out.c_str(), bytes);
  return kExitOk;
}

}  // namespace qrcloud::ctl
