// The standard sticker (标准二维码应用图标): a code with a caption above it,
// the merchant's name and a one-line instruction below, in Chinese and
// English — as PNG, SVG or PDF — and A4 sheets of many stickers (table
// codes, shelf codes) with cut marks, for print.
//
// Layout (top to bottom, centred): caption in bold, the code as large as
// the card allows, the merchant's name, the instruction in smaller type.
// Text is set with pango in Noto Sans CJK SC, in the code's foreground
// colour on its background; a line too long for the card is shrunk (to
// 60%), then cut with an ellipsis. Empty fields are left out and the code
// takes their room.
#ifndef QRCLOUD_LIBS_QR_STICKER_H_
#define QRCLOUD_LIBS_QR_STICKER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/qr/code_style.h"
#include "libs/qr/matrix.h"

namespace qrcloud::qr {

inline constexpr absl::string_view kDefaultInstruction = "扫码查看优惠 / Scan to see the offer";
inline constexpr int kMaxStickerTextChars = 80;
inline constexpr int kMaxSheetStickers = 50000;

enum class Format { kPng, kSvg, kPdf };

struct StickerText {
  std::string caption;        // e.g. "春季特惠 / Spring offer" or "12号桌 / Table 12"
  std::string merchant_name;  // e.g. "老王火锅 Lao Wang Hotpot"
  std::string instruction = std::string(kDefaultInstruction);
};

// The caption for table `number`: "12号桌 / Table 12".
StickerText TableStickerText(int number, absl::string_view merchant_name);

struct StickerOptions {
  CodeStyle style;
  double width_mm = 70;    // 25..300
  double height_mm = 100;  // 25..400; at least the width for room to write
  int dpi = 300;           // PNG only: 72..1200
  bool border = true;      // a thin rounded cut line round the card
};

// The sticker as PNG, SVG or PDF bytes. INVALID_ARGUMENT naming
// "text.caption", "text.merchantName" or "text.instruction" (invalid UTF-8
// or over 80 characters), "widthMm", "heightMm", "dpi", and the errors of
// ResolveStyle().
absl::StatusOr<std::string> RenderSticker(const Matrix& matrix, const StickerText& text,
                                          Format format, const StickerOptions& options = {});

struct StickerItem {
  Matrix matrix;
  StickerText text;
};

struct SheetOptions {
  CodeStyle style;
  int columns = 3;        // stickers across an A4 page, 1..8
  int rows = 4;           // stickers down, 1..10
  double margin_mm = 10;  // page edge to the first cut, 5..40
  double gutter_mm = 6;   // space between stickers, where the cut marks go, 2..30
  bool crop_marks = true;
};

// A4 portrait pages, `columns` × `rows` stickers each, in order, each page
// footed with its number. INVALID_ARGUMENT naming "items" (none, or more
// than 50,000), "items[i].text.…", "columns", "rows", "marginMm",
// "gutterMm" (also when the stickers come out smaller than 25 mm), and the
// errors of ResolveStyle().
absl::StatusOr<std::string> RenderStickerSheet(const std::vector<StickerItem>& items,
                                               const SheetOptions& options = {});

// Receives a sheet's PDF in parts; false stops the drawing (the reader left).
using SheetSink = std::function<bool(std::string part)>;

// The same sheet, handed to `sink` in parts of at least `part_bytes` (the
// last may be smaller) as its pages are drawn, so that a sheet of thousands
// of stickers never sits whole in memory and its first bytes leave early.
// Everything is checked before the first part; CANCELLED when `sink`
// returned false.
absl::Status StreamStickerSheet(const std::vector<StickerItem>& items, const SheetOptions& options,
                                size_t part_bytes, const SheetSink& sink);

}  // namespace qrcloud::qr

#endif  // QRCLOUD_LIBS_QR_STICKER_H_
