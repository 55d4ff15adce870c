#include "libs/qr/internal/zbar_scan.h"

#include <zbar.h>

#include <memory>
#include <utility>

namespace qrcloud::qr::internal {
namespace {

struct ScannerDeleter {
  void operator()(zbar::zbar_image_scanner_t* s) const { zbar::zbar_image_scanner_destroy(s); }
};
struct ImageDeleter {
  void operator()(zbar::zbar_image_t* i) const { zbar::zbar_image_destroy(i); }
};

}  // namespace

std::vector<ZbarSymbol> ScanQrWithZbar(const GrayImage& image) {
  using namespace zbar;  // the C API lives in this namespace when compiled as C++
  std::vector<ZbarSymbol> symbols;
  if (image.empty()) return symbols;
  // A scanner per call: ZBar keeps per-scan state in it, and calls on
  // different threads must not share one.
  std::unique_ptr<zbar_image_scanner_t, ScannerDeleter> scanner(zbar_image_scanner_create());
  std::unique_ptr<zbar_image_t, ImageDeleter> zimage(zbar_image_create());
  if (!scanner || !zimage) return symbols;
  zbar_image_scanner_set_config(scanner.get(), ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner.get(), ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  // Raw bytes: ZBar's own conversion guesses Shift_JIS for some Latin-1 text.
  zbar_image_scanner_set_config(scanner.get(), ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  zbar_image_set_format(zimage.get(), zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(zimage.get(), image.width, image.height);
  // ZBar only reads the pixels. No cleanup handler: `image` outlives zimage.
  zbar_image_set_data(zimage.get(), image.pixels.data(), image.pixels.size(), nullptr);
  if (zbar_scan_image(scanner.get(), zimage.get()) <= 0) return symbols;
  for (const zbar_symbol_t* symbol = zbar_image_first_symbol(zimage.get()); symbol != nullptr;
       symbol = zbar_symbol_next(symbol)) {
    if (zbar_symbol_get_type(symbol) != ZBAR_QRCODE) continue;
    if (zbar_symbol_get_components(symbol) != nullptr) continue;  // a structured-append group
    if (zbar_symbol_get_loc_size(symbol) != 4) continue;
    ZbarSymbol out;
    out.bytes.assign(zbar_symbol_get_data(symbol), zbar_symbol_get_data_length(symbol));
    for (unsigned i = 0; i < 4; ++i) {
      out.corners[i] = {static_cast<double>(zbar_symbol_get_loc_x(symbol, i)),
                        static_cast<double>(zbar_symbol_get_loc_y(symbol, i))};
    }
    symbols.push_back(std::move(out));
  }
  return symbols;
}

}  // namespace qrcloud::qr::internal
