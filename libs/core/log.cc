#include "libs/core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

ABSL_FLAG(std::string, log_format, "text", "text, or json for one JSON object per line");
ABSL_FLAG(std::string, log_level, "info", "trace, debug, info, warn, error or off");

namespace qrcloud::core {
namespace {

void AppendJsonString(absl::string_view s, spdlog::memory_buf_t& dest) {
  dest.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        dest.append(absl::string_view("\\\""));
        break;
      case '\\':
        dest.append(absl::string_view("\\\\"));
        break;
      case '\n':
        dest.append(absl::string_view("\\n"));
        break;
      case '\r':
        dest.append(absl::string_view("\\r"));
        break;
      case '\t':
        dest.append(absl::string_view("\\t"));
        break;
      default:
        if (c < 0x20) {
          const std::string esc = absl::StrFormat("\\u%04x", c);
          dest.append(absl::string_view(esc));
        } else {
          dest.push_back(static_cast<char>(c));
        }
    }
  }
  dest.push_back('"');
}

// {"time":"…","level":"info","logger":"center","msg":"…"}
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const absl::Time t = absl::FromChrono(msg.time);
    const std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
    dest.append(absl::string_view("{\"time\":\""));
    dest.append(absl::string_view(time));
    dest.append(absl::string_view("\",\"level\":\""));
    const auto level = spdlog::level::to_string_view(msg.level);
    dest.append(absl::string_view(level.data(), level.size()));
    dest.append(absl::string_view("\",\"logger\":"));
    AppendJsonString(absl::string_view(msg.logger_name.data(), msg.logger_name.size()), dest);
    dest.append(absl::string_view(",\"msg\":"));
    AppendJsonString(absl::string_view(msg.payload.data(), msg.payload.size()), dest);
    dest.append(absl::string_view("}\n"));
  }
  std::unique_ptr<formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

void InitLogging() {
  auto logger = std::make_shared<spdlog::logger>("qrcloud",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (absl::GetFlag(FLAGS_log_format) == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(absl::GetFlag(FLAGS_log_level)));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace qrcloud::core
