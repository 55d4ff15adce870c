#include "libs/qr/sticker.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"
#include "libs/qr/internal/cairo_util.h"

namespace qrcloud::qr {
namespace {

using internal::ContextPtr;
using internal::SurfacePtr;

constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr double kA4Width = 210 * kPointsPerMm;
constexpr double kA4Height = 297 * kPointsPerMm;
constexpr double kMinStickerMm = 25;
constexpr const char* kFont = "Noto Sans CJK SC";
constexpr double kMinShrink = 0.6;  // a line is shrunk to no less than this, then ellipsised

struct GObjectDeleter {
  void operator()(void* object) const { g_object_unref(object); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;

struct FontDeleter {
  void operator()(PangoFontDescription* font) const { pango_font_description_free(font); }
};
using FontPtr = std::unique_ptr<PangoFontDescription, FontDeleter>;

// Where a sticker goes, in points, and how it is drawn.
struct Card {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  bool snap = false;    // raster output: whole-pixel modules
  bool border = false;  // rounded cut line
};

// One centred line of text at `size` points, shrunk to fit `width` (down
// to kMinShrink) and ellipsised beyond that.
LayoutPtr FitLine(cairo_t* cr, absl::string_view text, double size, bool bold, double width) {
  LayoutPtr layout(pango_cairo_create_layout(cr));
  FontPtr font(pango_font_description_from_string(kFont));
  pango_font_description_set_weight(font.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(font.get(), size * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font.get());
  pango_layout_set_single_paragraph_mode(layout.get(), TRUE);
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  int natural = 0;
  pango_layout_get_size(layout.get(), &natural, nullptr);
  double natural_width = static_cast<double>(natural) / PANGO_SCALE;
  if (natural_width > width) {
    double shrunk = std::max(size * kMinShrink, size * width / natural_width);
    pango_font_description_set_absolute_size(font.get(), shrunk * PANGO_SCALE);
    pango_layout_set_font_description(layout.get(), font.get());
  }
  pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment(layout.get(), PANGO_ALIGN_CENTER);
  return layout;
}

double LineHeight(PangoLayout* layout) {
  int height = 0;
  pango_layout_get_size(layout, nullptr, &height);
  return static_cast<double>(height) / PANGO_SCALE;
}

void ShowLine(cairo_t* cr, PangoLayout* layout, double x, double y) {
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
}

void RoundedRectangle(cairo_t* cr, double x, double y, double w, double h, double r) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
  cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
  cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
  cairo_close_path(cr);
}

void DrawCardBackground(cairo_t* cr, const Card& card, const ResolvedStyle& style) {
  double radius = card.width * 0.04;
  double inset = card.border ? 0.5 : 0;  // keep the border's stroke on the card
  RoundedRectangle(cr, card.x + inset, card.y + inset, card.width - 2 * inset,
                   card.height - 2 * inset, radius);
  internal::SetSourceRgb(cr, style.palette.background);
  cairo_fill_preserve(cr);
  if (card.border) {
    cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
  }
  cairo_new_path(cr);
}

// Caption, code, merchant name and instruction, stacked and centred. The
// code takes the height the text leaves, up to the card's inner width; its
// quiet zone doubles as the space between it and the text.
absl::Status DrawSticker(cairo_t* cr, const Matrix& matrix, const ResolvedStyle& style,
                         const StickerText& text, const Card& card) {
  double pad = card.width * 0.06;
  double inner = card.width - 2 * pad;
  double gap = style.quiet_zone > 0 ? card.width * 0.01 : card.width * 0.04;
  DrawCardBackground(cr, card, style);
  LayoutPtr caption, merchant, instruction;
  double above = 0, below = 0;
  if (!text.caption.empty()) {
    caption = FitLine(cr, text.caption, card.width * 0.08, true, inner);
    above = LineHeight(caption.get()) + gap;
  }
  if (!text.merchant_name.empty()) {
    merchant = FitLine(cr, text.merchant_name, card.width * 0.058, false, inner);
    below += gap + LineHeight(merchant.get());
  }
  if (!text.instruction.empty()) {
    instruction = FitLine(cr, text.instruction, card.width * 0.045, false, inner);
    below += LineHeight(instruction.get()) + (merchant ? 0 : gap);
  }
  double room = card.height - 2 * pad - above - below;
  double side = std::min(inner, room);
  if (side < inner * 0.5) {
    return core::InvalidField("heightMm",
                              "leaves too little room for the code below its text; "
                              "make the sticker taller than it is wide");
  }
  double spare = (room - side) / 4;  // above the caption, round the code, below the text
  double y = card.y + pad + spare;
  internal::SetSourceRgb(cr, style.palette.foreground);
  if (caption) ShowLine(cr, caption.get(), card.x + pad, y);
  y += above + spare;
  QRCLOUD_RETURN_IF_ERROR(internal::DrawCode(
      cr, matrix, style, internal::CodeBox{card.x + (card.width - side) / 2, y, side, card.snap}));
  y += side + spare + gap;
  internal::SetSourceRgb(cr, style.palette.foreground);
  if (merchant) {
    ShowLine(cr, merchant.get(), card.x + pad, y);
    y += LineHeight(merchant.get());
  }
  if (instruction) ShowLine(cr, instruction.get(), card.x + pad, y);
  return absl::OkStatus();
}

absl::Status CheckText(absl::string_view prefix, const StickerText& text) {
  QRCLOUD_RETURN_IF_ERROR(
      core::ValidateText(absl::StrCat(prefix, "caption"), text.caption, 0, kMaxStickerTextChars));
  QRCLOUD_RETURN_IF_ERROR(core::ValidateText(absl::StrCat(prefix, "merchantName"),
                                             text.merchant_name, 0, kMaxStickerTextChars));
  return core::ValidateText(absl::StrCat(prefix, "instruction"), text.instruction, 0,
                            kMaxStickerTextChars);
}

absl::Status CheckRange(absl::string_view field, double value, double lo, double hi,
                        absl::string_view unit) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return core::InvalidField(field, absl::StrCat("is ", value, "; use ", lo, " to ", hi, " ", unit));
}

absl::Status CheckStickerOptions(const StickerOptions& options) {
  QRCLOUD_RETURN_IF_ERROR(CheckRange("widthMm", options.width_mm, kMinStickerMm, 300, "mm"));
  QRCLOUD_RETURN_IF_ERROR(CheckRange("heightMm", options.height_mm, kMinStickerMm, 400, "mm"));
  return CheckRange("dpi", options.dpi, 72, 1200, "dots per inch");
}

absl::StatusOr<std::string> StickerPng(const Matrix& matrix, const ResolvedStyle& style,
                                       const StickerText& text, const StickerOptions& options) {
  double scale = options.dpi / 72.0;
  double width = options.width_mm * kPointsPerMm;
  double height = options.height_mm * kPointsPerMm;
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                                static_cast<int>(std::lround(width * scale)),
                                                static_cast<int>(std::lround(height * scale))));
  ContextPtr cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);  // outside the rounded corners
  cairo_paint(cr.get());
  cairo_scale(cr.get(), scale, scale);
  QRCLOUD_RETURN_IF_ERROR(
      DrawSticker(cr.get(), matrix, style, text, Card{0, 0, width, height, true, options.border}));
  cairo_surface_flush(surface.get());
  return internal::WritePng(surface.get());
}

absl::StatusOr<std::string> StickerVector(const Matrix& matrix, const ResolvedStyle& style,
                                          const StickerText& text, Format format,
                                          const StickerOptions& options) {
  double width = options.width_mm * kPointsPerMm;
  double height = options.height_mm * kPointsPerMm;
  std::string out;
  SurfacePtr surface(
      format == Format::kPdf
          ? cairo_pdf_surface_create_for_stream(internal::AppendToString, &out, width, height)
          : cairo_svg_surface_create_for_stream(internal::AppendToString, &out, width, height));
  {
    ContextPtr cr(cairo_create(surface.get()));
    QRCLOUD_RETURN_IF_ERROR(DrawSticker(cr.get(), matrix, style, text,
                                        Card{0, 0, width, height, false, options.border}));
  }
  QRCLOUD_RETURN_IF_ERROR(internal::FinishSurface(surface.get()));
  return out;
}

// ---- Sheets ------------------------------------------------------------------

struct SheetGrid {
  double cell_width = 0;
  double cell_height = 0;
  double margin = 0;
  double gutter = 0;
  int columns = 0;
  int rows = 0;
};

absl::StatusOr<SheetGrid> MakeGrid(const SheetOptions& options) {
  QRCLOUD_RETURN_IF_ERROR(CheckRange("columns", options.columns, 1, 8, "stickers"));
  QRCLOUD_RETURN_IF_ERROR(CheckRange("rows", options.rows, 1, 10, "stickers"));
  QRCLOUD_RETURN_IF_ERROR(CheckRange("marginMm", options.margin_mm, 5, 40, "mm"));
  QRCLOUD_RETURN_IF_ERROR(CheckRange("gutterMm", options.gutter_mm, 2, 30, "mm"));
  SheetGrid grid;
  grid.columns = options.columns;
  grid.rows = options.rows;
  grid.margin = options.margin_mm * kPointsPerMm;
  grid.gutter = options.gutter_mm * kPointsPerMm;
  grid.cell_width = (kA4Width - 2 * grid.margin - (grid.columns - 1) * grid.gutter) / grid.columns;
  grid.cell_height = (kA4Height - 2 * grid.margin - (grid.rows - 1) * grid.gutter) / grid.rows;
  double min = kMinStickerMm * kPointsPerMm;
  if (grid.cell_width < min || grid.cell_height < min) {
    return core::InvalidField(
        "gutterMm", absl::StrCat("with these columns, rows, margin and gutter a sticker is ",
                                 std::lround(grid.cell_width / kPointsPerMm), "×",
                                 std::lround(grid.cell_height / kPointsPerMm),
                                 " mm; stickers need at least 25 mm a side — use fewer "
                                 "columns or rows, or smaller margins"));
  }
  return grid;
}

// Short hairlines in the gutter, lined up with each sticker's edges.
void DrawCropMarks(cairo_t* cr, const SheetGrid& grid, double x, double y) {
  double offset = 1 * kPointsPerMm;
  double length = std::min(4 * kPointsPerMm, grid.gutter / 2 - offset / 2);
  if (length <= 0) return;
  double xs[2] = {x, x + grid.cell_width};
  double ys[2] = {y, y + grid.cell_height};
  for (int i = 0; i < 2; ++i) {
    double out = i == 0 ? -1 : 1;  // away from the sticker
    for (double cy : ys) {         // horizontal marks beside the left/right edges
      cairo_move_to(cr, xs[i] + out * offset, cy);
      cairo_line_to(cr, xs[i] + out * (offset + length), cy);
    }
    for (double cx : xs) {  // vertical marks above/below the top/bottom edges
      cairo_move_to(cr, cx, ys[i] + out * offset);
      cairo_line_to(cr, cx, ys[i] + out * (offset + length));
    }
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.25);
  cairo_stroke(cr);
}

void DrawFooter(cairo_t* cr, const SheetGrid& grid, int page, int pages) {
  LayoutPtr footer = FitLine(cr, absl::StrCat(page, " / ", pages), 7, false, kA4Width);
  cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
  ShowLine(cr, footer.get(), 0, kA4Height - grid.margin / 2 - LineHeight(footer.get()) / 2);
}

// Every item's text and style, checked before anything is drawn, so a bad
// item late in a long list costs no rendering. (The styles are resolved
// again page by page: holding 50,000 of them, logos included, would cost
// more memory than resolving twice costs time.)
absl::Status CheckItems(const std::vector<StickerItem>& items, const SheetOptions& options) {
  for (size_t i = 0; i < items.size(); ++i) {
    QRCLOUD_RETURN_IF_ERROR(CheckText(absl::StrCat("items[", i, "].text."), items[i].text));
    QRCLOUD_RETURN_IF_ERROR(ResolveStyle(items[i].matrix, options.style).status());
  }
  return absl::OkStatus();
}

absl::Status DrawPage(cairo_t* cr, const std::vector<StickerItem>& items, size_t first,
                      const SheetGrid& grid, const SheetOptions& options, int page, int pages) {
  size_t per_page = static_cast<size_t>(grid.columns) * grid.rows;
  for (size_t i = first; i < std::min(items.size(), first + per_page); ++i) {
    int slot = static_cast<int>(i - first);
    double x = grid.margin + (slot % grid.columns) * (grid.cell_width + grid.gutter);
    double y = grid.margin + (slot / grid.columns) * (grid.cell_height + grid.gutter);
    QRCLOUD_ASSIGN_OR_RETURN(ResolvedStyle style, ResolveStyle(items[i].matrix, options.style));
    QRCLOUD_RETURN_IF_ERROR(DrawSticker(cr, items[i].matrix, style, items[i].text,
                                        Card{x, y, grid.cell_width, grid.cell_height}));
    if (options.crop_marks) DrawCropMarks(cr, grid, x, y);
  }
  DrawFooter(cr, grid, page, pages);
  return absl::OkStatus();
}

}  // namespace

StickerText TableStickerText(int number, absl::string_view merchant_name) {
  StickerText text;
  text.caption = absl::StrCat(number, "号桌 / Table ", number);
  text.merchant_name = std::string(merchant_name);
  return text;
}

absl::StatusOr<std::string> RenderSticker(const Matrix& matrix, const StickerText& text,
                                          Format format, const StickerOptions& options) {
  QRCLOUD_RETURN_IF_ERROR(CheckText("text.", text));
  QRCLOUD_RETURN_IF_ERROR(CheckStickerOptions(options));
  QRCLOUD_ASSIGN_OR_RETURN(ResolvedStyle style, ResolveStyle(matrix, options.style));
  if (format == Format::kPng) return StickerPng(matrix, style, text, options);
  return StickerVector(matrix, style, text, format, options);
}

absl::Status StreamStickerSheet(const std::vector<StickerItem>& items, const SheetOptions& options,
                                size_t part_bytes, const SheetSink& sink) {
  if (items.empty() || items.size() > static_cast<size_t>(kMaxSheetStickers)) {
    return core::InvalidField(
        "items", absl::StrCat("has ", items.size(), " stickers; give 1 to ", kMaxSheetStickers));
  }
  QRCLOUD_ASSIGN_OR_RETURN(SheetGrid grid, MakeGrid(options));
  QRCLOUD_RETURN_IF_ERROR(CheckItems(items, options));
  size_t per_page = static_cast<size_t>(grid.columns) * grid.rows;
  int pages = static_cast<int>((items.size() + per_page - 1) / per_page);
  // cairo writes each page's content when the page is shown (fonts and the
  // cross-reference table at the end), so the buffer holds about one part.
  std::string out;
  SurfacePtr surface(
      cairo_pdf_surface_create_for_stream(internal::AppendToString, &out, kA4Width, kA4Height));
  bool stopped = false;
  {
    ContextPtr cr(cairo_create(surface.get()));
    for (int page = 0; page < pages && !stopped; ++page) {
      QRCLOUD_RETURN_IF_ERROR(
          DrawPage(cr.get(), items, page * per_page, grid, options, page + 1, pages));
      cairo_show_page(cr.get());
      if (out.size() >= part_bytes) stopped = !sink(std::exchange(out, std::string()));
    }
  }
  if (stopped) return absl::CancelledError("the sheet's reader left");
  QRCLOUD_RETURN_IF_ERROR(internal::FinishSurface(surface.get()));
  if (!out.empty() && !sink(std::move(out))) return absl::CancelledError("the sheet's reader left");
  return absl::OkStatus();
}

absl::StatusOr<std::string> RenderStickerSheet(const std::vector<StickerItem>& items,
                                               const SheetOptions& options) {
  std::string pdf;
  QRCLOUD_RETURN_IF_ERROR(StreamStickerSheet(items, options, std::numeric_limits<size_t>::max(),
                                             [&pdf](std::string part) {
                                               pdf.append(part);
                                               return true;
                                             }));
  return pdf;
}

}  // namespace qrcloud::qr
