// qrcloudctl's flags. The global ones apply to every command; the others
// are read by the commands whose help names them. Every flag can also be
// set as QRCLOUD_<FLAG> in the environment, and written with dashes
// (--page-size) or underscores (--page_size).
#ifndef QRCLOUD_TOOLS_QRCLOUDCTL_FLAGS_H_
#define QRCLOUD_TOOLS_QRCLOUDCTL_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"

// Global.
ABSL_DECLARE_FLAG(std::string, center);
ABSL_DECLARE_FLAG(std::string, audit);
ABSL_DECLARE_FLAG(std::string, token);
ABSL_DECLARE_FLAG(std::string, output);
// Per command.
ABSL_DECLARE_FLAG(std::string, password);
ABSL_DECLARE_FLAG(bool, show_token);
ABSL_DECLARE_FLAG(std::string, merchant);
ABSL_DECLARE_FLAG(std::string, file);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(std::string, data);
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(int, size);
ABSL_DECLARE_FLAG(int, count);
ABSL_DECLARE_FLAG(int, first_number);
ABSL_DECLARE_FLAG(std::string, caption);
ABSL_DECLARE_FLAG(std::string, label);
ABSL_DECLARE_FLAG(std::string, target);
ABSL_DECLARE_FLAG(std::string, campaign);
ABSL_DECLARE_FLAG(std::string, batch);
ABSL_DECLARE_FLAG(std::string, state);
ABSL_DECLARE_FLAG(std::string, subject);
ABSL_DECLARE_FLAG(int, page_size);
ABSL_DECLARE_FLAG(std::string, page_token);
ABSL_DECLARE_FLAG(std::string, number);
ABSL_DECLARE_FLAG(std::string, photo);
ABSL_DECLARE_FLAG(bool, stdin);
ABSL_DECLARE_FLAG(std::string, content_type);
ABSL_DECLARE_FLAG(bool, man);
// desk (the landing node).
ABSL_DECLARE_FLAG(std::string, node);
ABSL_DECLARE_FLAG(std::string, desk_token_file);
ABSL_DECLARE_FLAG(bool, watch);
ABSL_DECLARE_FLAG(std::string, table);
ABSL_DECLARE_FLAG(int, limit);
ABSL_DECLARE_FLAG(bool, off);
ABSL_DECLARE_FLAG(bool, force);

#endif  // QRCLOUD_TOOLS_QRCLOUDCTL_FLAGS_H_
