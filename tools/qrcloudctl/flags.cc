#include "tools/qrcloudctl/flags.h"

ABSL_FLAG(std::string, center, "",
          "host:port of the center's gRPC API (default: the one saved by login, else "
          "localhost:50051)");
ABSL_FLAG(std::string, audit, "",
          "host:port of the audit service's gRPC API (default: the center's host, port 50055)");
ABSL_FLAG(std::string, token, "",
          "a session token (qrs_...) or API key (qrk_...) to use instead of the saved credentials");
ABSL_FLAG(std::string, output, "",
          "text (tables and path: value lines), json or yaml; default text on a terminal, json "
          "otherwise");
ABSL_FLAG(std::string, password, "",
          "login: the password (else QRCLOUD_PASSWORD, else asked on the terminal)");
ABSL_FLAG(bool, show_token, false, "whoami: also print the session token");
ABSL_FLAG(std::string, merchant, "", "the merchant's id (default: your own)");
ABSL_FLAG(std::string, file, "", "a YAML or JSON file of the body's fields (- for stdin)");
ABSL_FLAG(std::string, out, "", "the file to write (- for stdout)");
ABSL_FLAG(std::string, data, "", "call: the request as JSON or YAML; @file reads a file, - stdin");
ABSL_FLAG(std::string, format, "png", "code image: png, svg or pdf");
ABSL_FLAG(int, size, 0, "code image: the size in pixels (default the server's)");
ABSL_FLAG(int, count, 0, "code batch: how many codes");
ABSL_FLAG(int, first_number, 0, "code batch: the first sticker's number (default 1)");
ABSL_FLAG(std::string, caption, "", "code batch: the caption printed under each code");
ABSL_FLAG(std::string, label, "", "code create: the code's label");
ABSL_FLAG(std::string, target, "", "code create: the URL the code leads to");
ABSL_FLAG(std::string, campaign, "", "the campaign's id");
ABSL_FLAG(std::string, batch, "", "code list: the batch's id");
ABSL_FLAG(std::string, state, "", "list only this state (e.g. PUBLISHED, CONFIRMED, QUEUED)");
ABSL_FLAG(std::string, subject, "", "audit list: only this subject (e.g. CAMPAIGN)");
ABSL_FLAG(int, page_size, 0, "lists: rows per page (default the server's)");
ABSL_FLAG(std::string, page_token, "", "lists: the nextPageToken of the page before");
ABSL_FLAG(std::string, number, "", "receipt: the receipt's printed number");
ABSL_FLAG(std::string, photo, "", "receipt: a photo (PNG or JPEG) of the receipt's code");
ABSL_FLAG(bool, stdin, false,
          "receipt redeem: read tokens from standard input, one per line (a USB scanner)");
ABSL_FLAG(std::string, content_type, "",
          "media upload: the file's type (default from its name: .png, .jpg, .jpeg)");
ABSL_FLAG(bool, man, false, "help: print the manual page (roff)");
ABSL_FLAG(std::string, node, "",
          "desk: host:port of the landing node's gRPC API (default localhost:50060)");
ABSL_FLAG(std::string, desk_token_file, "",
          "desk: the node's desk token, desk-token in its --data_dir (default "
          "/var/lib/qrcloud-landing/desk-token)");
ABSL_FLAG(bool, watch, false,
          "desk orders: the open orders, then every change as it happens, until Ctrl-C");
ABSL_FLAG(std::string, table, "", "desk orders: only this table's");
ABSL_FLAG(int, limit, 0, "desk orders: at most this many, newest first (default 50, at most 500)");
ABSL_FLAG(bool, off, false, "desk soldout: the item is available again");
ABSL_FLAG(bool, force, false, "desk shift close: close though records still wait for the center");
