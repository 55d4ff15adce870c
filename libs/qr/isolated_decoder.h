// Decoding untrusted uploads in a child process.
//
// Debian's ZXing-C++ 1.4 is built with assertions on, and a crafted image
// could reach one and abort the process that decodes it. So a service never
// decodes an upload in-process: it hands the bytes to `qrcloud-qr-decode`
// (tools/qr_decode), which decodes and prints the results; a crash or a
// timeout there costs only that one request.
#ifndef QRCLOUD_LIBS_QR_ISOLATED_DECODER_H_
#define QRCLOUD_LIBS_QR_ISOLATED_DECODER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/qr/decoder.h"

namespace qrcloud::qr {

// At most this many decodes run at once in a process (a photo with no code
// is seconds of CPU): beyond that DecodeIsolated answers RESOURCE_EXHAUSTED
// with a retry delay at once, so a burst waits at the client.
inline constexpr int kMaxConcurrentDecodes = 2;

// Runs `decoder_binary` on `image_bytes`. INVALID_ARGUMENT naming "image" if
// the image cannot be read (or the decoder died on it); DEADLINE_EXCEEDED if
// it takes longer than `timeout` (the child is killed); RESOURCE_EXHAUSTED
// (core::RetryAfter) while kMaxConcurrentDecodes others run.
absl::StatusOr<std::vector<DecodedCode>> DecodeIsolated(absl::string_view image_bytes,
                                                        const std::string& decoder_binary,
                                                        absl::Duration timeout = absl::Seconds(10));

// The decoder's output format, one line per code: "<format>\t<base64 text>".
std::string FormatDecoded(const std::vector<DecodedCode>& codes);
std::vector<DecodedCode> ParseDecoded(absl::string_view output);

// `name` beside the running executable (for binaries installed together).
std::string SiblingBinary(absl::string_view name);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_ISOLATED_DECODER_H_
