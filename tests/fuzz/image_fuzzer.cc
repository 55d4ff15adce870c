// Uploaded images: the header check every upload and decode goes through,
// then, for what passes it, the decoder that reads photos.
#include <cstddef>
#include <cstdint>

#include "libs/qr/image_header.h"
#include "libs/qr/image_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Small limits keep each run fast; the checks are the same.
  auto header = qrcloud::qr::ProbeImage("image", bytes, {1024, 1 << 20});
  if (header.ok() && header->content_type != "image/webp") (void)qrcloud::qr::ReadImage(bytes);
  return 0;
}
