//! The PDF renderer: the report model laid out on pages with printpdf's drawing operations.
//!
//! printpdf without its HTML feature has no text layout, so this module does its own: widths
//! from the embedded font's metrics, greedy word wrap, tables whose rows move to the next page
//! with the header repeated, a contents page filled in after the sections are laid out, and
//! "page X of Y" footers added once the page count is known. Every section starts on a new
//! page, which keeps the bookmarks (sorted by page by printpdf) in reading order.
//!
//! Determinism: printpdf names resources and the trailer /ID with random strings; here the
//! font ids and bookmark ids are fixed, XMP is off, and the /ID is derived from the content,
//! so the same model and generation time give the same bytes.

use std::sync::OnceLock;

use printpdf::{
    FontId, Mm, Op, PageAnnotId, PageAnnotation, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Pt, TextItem,
};

use crate::content::{deflate, GlyphIds, PageContent, Rgb8, BOLD_NAME, FAST, REGULAR_NAME};
use crate::model::*;
use crate::sections::{section_blocks, Block, Table, SECTION_TITLES};
use crate::{Paper, ReportError};

const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed-Bold.ttf");

const MARGIN: f32 = 48.0;
const FOOTER_Y: f32 = 26.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 7.5;
/// Width of the labels of a key-value list.
const KEY_W: f32 = 150.0;

/// The two faces, parsed once per process, with a fast width table for common characters.
pub(crate) struct Face {
    pub parsed: ParsedFont,
    upem: f32,
    /// Advance widths in font units for code points below `FAST`.
    fast: Vec<u16>,
    /// Glyph ids for code points below `FAST` (0: none).
    fast_gid: Vec<u16>,
    notdef: u16,
}

impl Face {
    fn load(bytes: &[u8]) -> Face {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .expect("the bundled DejaVu font parses");
        let upem = parsed.pdf_font_metrics.units_per_em.max(1) as f32;
        let notdef = parsed.get_glyph_width(0).unwrap_or(500);
        let fast_gid: Vec<u16> = (0..FAST as u32)
            .map(|cp| parsed.lookup_glyph_index(cp).unwrap_or(0))
            .collect();
        let fast = fast_gid
            .iter()
            .map(|&g| {
                if g == 0 {
                    notdef
                } else {
                    parsed.get_glyph_width(g).unwrap_or(notdef)
                }
            })
            .collect();
        Face {
            parsed,
            upem,
            fast,
            fast_gid,
            notdef,
        }
    }

    /// The font's glyph for `c` (0, .notdef, when it has none).
    fn gid(&self, c: char) -> u16 {
        match self.fast_gid.get(c as usize) {
            Some(&g) => g,
            None => self.parsed.lookup_glyph_index(c as u32).unwrap_or(0),
        }
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                let cp = c as usize;
                if cp < FAST {
                    self.fast[cp] as u32
                } else {
                    self.parsed
                        .lookup_glyph_index(c as u32)
                        .and_then(|g| self.parsed.get_glyph_width(g))
                        .unwrap_or(self.notdef) as u32
                }
            })
            .sum();
        units as f32 * size / self.upem
    }
}

pub(crate) struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

pub(crate) fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: Face::load(REGULAR_TTF),
        bold: Face::load(BOLD_TTF),
    })
}

fn regular_id() -> FontId {
    FontId(REGULAR_NAME.to_string())
}

fn bold_id() -> FontId {
    FontId(BOLD_NAME.to_string())
}

const INK: (u8, u8, u8) = (33, 37, 41);
const MUTED: (u8, u8, u8) = (100, 106, 115);
const ACCENT: (u8, u8, u8) = (26, 82, 118);
const RULE: (u8, u8, u8) = (200, 205, 212);
const HEADER_FILL: (u8, u8, u8) = (228, 234, 241);
const ZEBRA: (u8, u8, u8) = (246, 248, 250);

/// Fill colour of a risk level (also used for severities).
pub(crate) fn level_rgb(level: devicerisk_core::risk::RiskLevel) -> (u8, u8, u8) {
    use devicerisk_core::risk::RiskLevel::*;
    match level {
        Low => (183, 225, 180),
        Medium => (255, 230, 140),
        High => (250, 178, 110),
        Critical => (232, 110, 100),
    }
}

/// Splits `text` into lines no wider than `width` (words longer than a line are cut).
pub(crate) fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        let space = face.width(" ", size);
        for word in paragraph.split_whitespace() {
            let mut word_w = face.width(word, size);
            if !line.is_empty() && line_w + space + word_w <= width {
                line.push(' ');
                line.push_str(word);
                line_w += space + word_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_w <= width {
                line.push_str(word);
                line_w = word_w;
                continue;
            }
            // A word wider than the column (a SHA-256, a long serial): cut it by characters.
            let mut piece = String::new();
            for ch in word.chars() {
                let ch_w = face.width(ch.encode_utf8(&mut [0; 4]), size);
                if !piece.is_empty() && face.width(&piece, size) + ch_w > width {
                    lines.push(std::mem::take(&mut piece));
                }
                piece.push(ch);
            }
            word_w = face.width(&piece, size);
            line = piece;
            line_w = word_w;
        }
        lines.push(line);
    }
    lines
}

struct Writer<'f> {
    fonts: &'f Fonts,
    /// Subset glyph ids of the regular and the bold face: the font subsets keep only these.
    ids: [GlyphIds; 2],
    width: f32,
    height: f32,
    pages: Vec<PageContent>,
    /// The page being written (the last one, except while the contents and footers are added).
    current: usize,
    /// Baseline cursor, in points from the bottom of the current page.
    y: f32,
}

impl<'f> Writer<'f> {
    fn new(fonts: &'f Fonts, paper: Paper) -> Writer<'f> {
        let (width, height) = paper.size_pt();
        Writer {
            fonts,
            ids: [GlyphIds::new(), GlyphIds::new()],
            width,
            height,
            pages: Vec::new(),
            current: 0,
            y: 0.0,
        }
    }

    fn content_width(&self) -> f32 {
        self.width - 2.0 * MARGIN
    }

    fn top(&self) -> f32 {
        self.height - MARGIN
    }

    fn bottom(&self) -> f32 {
        MARGIN + 14.0
    }

    fn new_page(&mut self) {
        self.pages.push(PageContent::default());
        self.current = self.pages.len() - 1;
        self.y = self.top();
    }

    fn page(&mut self) -> &mut PageContent {
        &mut self.pages[self.current]
    }

    fn page_number(&self) -> usize {
        self.pages.len()
    }

    /// Starts a new page unless `h` points still fit.
    fn ensure(&mut self, h: f32) -> bool {
        if self.y - h < self.bottom() {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn text(&mut self, x: f32, y: f32, text: &str, size: f32, bold: bool, colour: (u8, u8, u8)) {
        if text.is_empty() {
            return;
        }
        let face = self.face(bold);
        let page = &mut self.pages[self.current];
        let ids = &mut self.ids[bold as usize];
        page.begin_run(x, y, size, bold, colour);
        for ch in text.chars() {
            page.glyph(ids.code(ch, |c| face.gid(c)));
        }
        page.end_run();
    }

    fn face(&self, bold: bool) -> &'f Face {
        if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        }
    }

    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb8) {
        self.page().fill_rect(x, y, w, h, colour);
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, colour: Rgb8, width: f32) {
        self.page().line((x1, y1), (x2, y2), colour, width);
    }

    fn paragraph(&mut self, text: &str, size: f32, bold: bool, colour: (u8, u8, u8)) {
        let leading = size * 1.35;
        let lines = wrap(self.face(bold), text, size, self.content_width());
        for line in lines {
            self.ensure(leading);
            self.y -= leading;
            let y = self.y;
            self.text(MARGIN, y, &line, size, bold, colour);
        }
        self.y -= size * 0.5;
    }

    fn section_title(&mut self, title: &str) {
        self.y -= 20.0;
        let y = self.y;
        self.text(MARGIN, y, title, 16.0, true, ACCENT);
        self.y -= 8.0;
        let y = self.y;
        let right = self.width - MARGIN;
        self.line(MARGIN, y, right, y, ACCENT, 1.0);
        self.y -= 8.0;
    }

    fn subheading(&mut self, text: &str) {
        self.ensure(40.0);
        self.y -= 16.0;
        let y = self.y;
        self.text(MARGIN, y, text, 11.0, true, INK);
        self.y -= 4.0;
    }

    /// The wrapped values of a key-value list and its height.
    fn key_value_lines(&self, pairs: &[(String, String)]) -> (Vec<Vec<String>>, f32) {
        let value_w = self.content_width() - KEY_W;
        let lines: Vec<Vec<String>> = pairs
            .iter()
            .map(|(_, value)| wrap(&self.fonts.regular, value, BODY, value_w))
            .collect();
        let h = lines
            .iter()
            .map(|l| l.len() as f32 * BODY * 1.35 + 3.0)
            .sum();
        (lines, h)
    }

    /// Height that must fit below a heading for `block` to start under it: a short key-value
    /// list whole (it reads as one statement), the first rows of anything else.
    fn keep_with_heading(&self, block: &Block) -> f32 {
        match block {
            Block::KeyValues(pairs) => {
                let (_, h) = self.key_value_lines(pairs);
                if h <= self.short_block() {
                    h
                } else {
                    30.0
                }
            }
            _ => 30.0,
        }
    }

    /// Blocks up to this height are not split across pages.
    fn short_block(&self) -> f32 {
        0.4 * (self.top() - self.bottom())
    }

    fn key_values(&mut self, pairs: &[(String, String)]) {
        let label_w = KEY_W;
        let (all_lines, total) = self.key_value_lines(pairs);
        if total <= self.short_block() {
            self.ensure(total);
        }
        for ((key, _), lines) in pairs.iter().zip(all_lines) {
            let h = lines.len() as f32 * BODY * 1.35 + 3.0;
            self.ensure(h);
            let top = self.y;
            self.text(MARGIN, top - BODY * 1.35, key, BODY, true, MUTED);
            for (i, line) in lines.iter().enumerate() {
                let y = top - (i as f32 + 1.0) * BODY * 1.35;
                self.text(MARGIN + label_w, y, line, BODY, false, INK);
            }
            self.y = top - h;
        }
        self.y -= 4.0;
    }

    /// Column widths: each column's weight's share of the page, widened where its longest word
    /// (in the header or any cell) would otherwise be cut ("Supporte/d"), at the expense of
    /// columns with room to spare. A word longer than 30% of the page (a SHA-256) is still
    /// cut rather than squeezing every other column.
    fn column_widths(&self, table: &Table, pad: f32) -> Vec<f32> {
        let page = self.content_width();
        let total_weight: f32 = table.columns.iter().map(|c| c.weight).sum();
        let mut widths: Vec<f32> = table
            .columns
            .iter()
            .map(|col| page * col.weight / total_weight)
            .collect();
        let size = table.size;
        let longest = |face: &Face, text: &str| {
            text.split_whitespace()
                .map(|word| face.width(word, size))
                .fold(0.0f32, f32::max)
        };
        let mut need: Vec<f32> = table
            .columns
            .iter()
            .map(|col| longest(&self.fonts.bold, &col.title))
            .collect();
        for row in &table.rows {
            for (n, cell) in need.iter_mut().zip(row) {
                *n = n.max(longest(self.face(cell.bold), &cell.text));
            }
        }
        for n in &mut need {
            *n = (*n + 2.0 * pad + 0.5).min(0.3 * page);
        }
        let short: f32 = widths
            .iter()
            .zip(&need)
            .map(|(w, n)| (n - w).max(0.0))
            .sum();
        let spare: f32 = widths
            .iter()
            .zip(&need)
            .map(|(w, n)| (w - n).max(0.0))
            .sum();
        if short <= 0.0 || spare <= 0.0 {
            return widths;
        }
        let moved = short.min(spare);
        let mut donors = Vec::new();
        for (i, (w, n)) in widths.iter_mut().zip(&need).enumerate() {
            if *w < *n {
                *w += (*n - *w) * moved / short;
            } else if *w > *n {
                donors.push(i);
            }
        }
        // Taken from the roomy columns in proportion to their width (so a column of long
        // text with short words is not squeezed first), never below their own longest word.
        let mut remaining = moved;
        while remaining > 0.01 && !donors.is_empty() {
            let total: f32 = donors.iter().map(|&i| widths[i]).sum();
            let pool = remaining;
            let mut still_roomy = Vec::new();
            for &i in &donors {
                let share = pool * widths[i] / total;
                let room = widths[i] - need[i];
                let take = share.min(room);
                widths[i] -= take;
                remaining -= take;
                if room > share {
                    still_roomy.push(i);
                }
            }
            donors = still_roomy;
        }
        widths
    }

    fn table(&mut self, table: &Table) {
        let size = table.size;
        let leading = size * 1.3;
        let pad = 2.5;
        let widths = self.column_widths(table, pad);
        let header_lines: Vec<Vec<String>> = table
            .columns
            .iter()
            .zip(&widths)
            .map(|(col, w)| wrap(&self.fonts.bold, &col.title, size, w - 2.0 * pad))
            .collect();
        let header_h =
            header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * pad;

        if table.rows.is_empty() {
            self.paragraph(&table.empty, BODY, false, MUTED);
            return;
        }
        // Never leave a header alone at the bottom of a page.
        self.ensure(header_h + leading + 2.0 * pad);
        self.table_header(&header_lines, &widths, header_h, size);
        for (index, row) in table.rows.iter().enumerate() {
            let cells: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| wrap(self.face(cell.bold), &cell.text, size, w - 2.0 * pad))
                .collect();
            let row_h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * pad;
            if self.ensure(row_h) {
                self.table_header(&header_lines, &widths, header_h, size);
            }
            let top = self.y;
            let mut x = MARGIN;
            if index % 2 == 1 {
                let w = self.content_width();
                self.fill_rect(MARGIN, top - row_h, w, row_h, ZEBRA);
            }
            for ((cell, lines), w) in row.iter().zip(&cells).zip(&widths) {
                if let Some(level) = cell.level {
                    self.fill_rect(x, top - row_h, *w, row_h, level_rgb(level));
                }
                for (i, line) in lines.iter().enumerate() {
                    let y = top - pad - (i as f32 + 1.0) * leading + size * 0.25;
                    self.text(x + pad, y, line, size, cell.bold, INK);
                }
                x += w;
            }
            self.y = top - row_h;
            let right = self.width - MARGIN;
            let y = self.y;
            self.line(MARGIN, y, right, y, RULE, 0.4);
        }
        self.y -= 8.0;
    }

    fn table_header(&mut self, lines: &[Vec<String>], widths: &[f32], h: f32, size: f32) {
        let top = self.y;
        let w = self.content_width();
        self.fill_rect(MARGIN, top - h, w, h, HEADER_FILL);
        let mut x = MARGIN;
        for (col_lines, width) in lines.iter().zip(widths) {
            for (i, line) in col_lines.iter().enumerate() {
                let y = top - 2.5 - (i as f32 + 1.0) * size * 1.3 + size * 0.25;
                self.text(x + 2.5, y, line, size, true, INK);
            }
            x += width;
        }
        self.y = top - h;
    }

    /// The 5×5 matrix: likelihood up, impact across, each cell in its level's colour with the
    /// number of devices in it.
    fn heat_map(
        &mut self,
        counts: &[[u32; 5]; 5],
        matrix: &[Vec<devicerisk_core::risk::RiskLevel>],
    ) {
        let cell = 34.0;
        let label_w = 70.0;
        let h = cell * 5.0 + 40.0;
        self.ensure(h + 10.0);
        let top = self.y - 6.0;
        let left = MARGIN + label_w;
        for likelihood in (1..=5).rev() {
            let row_top = top - (5 - likelihood) as f32 * cell;
            self.text(
                MARGIN,
                row_top - cell / 2.0 - 3.0,
                &format!("Likelihood {likelihood}"),
                SMALL,
                false,
                MUTED,
            );
            for impact in 1..=5 {
                let x = left + (impact - 1) as f32 * cell;
                let level = matrix
                    .get(likelihood - 1)
                    .and_then(|r| r.get(impact - 1))
                    .copied()
                    .unwrap_or(devicerisk_core::risk::RiskLevel::Low);
                self.fill_rect(x, row_top - cell, cell - 2.0, cell - 2.0, level_rgb(level));
                let n = counts[likelihood - 1][impact - 1];
                let label = n.to_string();
                let bold = n > 0;
                let w = self.face(bold).width(&label, 10.0);
                let colour = if n > 0 { INK } else { MUTED };
                self.text(
                    x + (cell - 2.0 - w) / 2.0,
                    row_top - cell / 2.0 - 4.0,
                    &label,
                    10.0,
                    bold,
                    colour,
                );
            }
        }
        let axis_y = top - 5.0 * cell - 12.0;
        for impact in 1..=5 {
            let x = left + (impact - 1) as f32 * cell + 6.0;
            self.text(x, axis_y, &format!("I {impact}"), SMALL, false, MUTED);
        }
        self.text(left, axis_y - 12.0, "Impact →", SMALL, true, MUTED);
        self.y = top - h;
    }

    /// Horizontal bars, one per label, lengths to scale.
    fn bar_chart(&mut self, bars: &[(String, u32, (u8, u8, u8))]) {
        let bar_h = 14.0;
        let label_w = 120.0;
        let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f32;
        let avail = self.content_width() - label_w - 50.0;
        self.ensure(bars.len() as f32 * (bar_h + 4.0) + 10.0);
        for (label, value, colour) in bars {
            let top = self.y - 4.0;
            self.text(MARGIN, top - bar_h + 3.5, label, BODY, false, INK);
            let w = avail * *value as f32 / max;
            if w > 0.0 {
                self.fill_rect(MARGIN + label_w, top - bar_h, w, bar_h, *colour);
            }
            self.text(
                MARGIN + label_w + w + 4.0,
                top - bar_h + 3.5,
                &value.to_string(),
                BODY,
                true,
                INK,
            );
            self.y = top - bar_h;
        }
        self.y -= 8.0;
    }

    fn signature_lines(&mut self, labels: &[&str]) {
        for label in labels {
            self.ensure(48.0);
            self.y -= 36.0;
            let y = self.y;
            self.line(MARGIN, y, MARGIN + 260.0, y, INK, 0.6);
            self.text(MARGIN, y - 11.0, label, SMALL, false, MUTED);
            self.y -= 12.0;
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading(text) => self.subheading(text),
            Block::Paragraph(text) => self.paragraph(text, BODY, false, INK),
            Block::Note(text) => self.paragraph(text, SMALL, false, MUTED),
            Block::KeyValues(pairs) => self.key_values(pairs),
            Block::Table(table) => self.table(table),
            Block::HeatMap { counts, matrix } => self.heat_map(counts, matrix),
            Block::Bars(bars) => {
                let bars: Vec<_> = bars
                    .iter()
                    .map(|(label, n, level)| {
                        let colour = level.map(level_rgb).unwrap_or(ACCENT);
                        (label.clone(), *n, colour)
                    })
                    .collect();
                self.bar_chart(&bars)
            }
            Block::Signatures(labels) => {
                let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
                self.signature_lines(&labels)
            }
        }
    }
}

fn cover(w: &mut Writer<'_>, model: &ReportModel) {
    let meta = &model.meta;
    w.y = w.height * 0.72;
    w.paragraph(&meta.clinic_name, 24.0, true, ACCENT);
    w.y -= 6.0;
    w.paragraph(&meta.title, 16.0, false, INK);
    w.y -= 20.0;
    let mut pairs = Vec::new();
    if let Some(a) = &meta.assessment {
        pairs.push(("Assessment".to_string(), a.title.clone()));
        pairs.push(("Period".to_string(), a.period.clone()));
        pairs.push((
            "Status".to_string(),
            format!("{}, revision {}", a.status, a.revision),
        ));
        if let Some(assessor) = &a.assessor {
            pairs.push(("Assessor".to_string(), assessor.clone()));
        }
    } else {
        pairs.push((
            "Assessment".to_string(),
            "None recorded yet: this packet shows the inventory and risks as of the date below."
                .to_string(),
        ));
    }
    if let Some(legal) = &meta.clinic_legal_name {
        pairs.push(("Legal name".to_string(), legal.clone()));
    }
    if let Some(address) = &meta.clinic_address {
        pairs.push(("Address".to_string(), address.clone()));
    }
    if let Some(officer) = &meta.security_officer {
        pairs.push(("Security officer".to_string(), officer.clone()));
    }
    pairs.push(("Facts as of".to_string(), meta.as_of.to_string()));
    pairs.push((
        "Generated".to_string(),
        meta.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    ));
    pairs.push((
        "Risk method".to_string(),
        format!("{} version {}", meta.method_name, meta.method_version),
    ));
    pairs.push(("Version".to_string(), meta.generator.clone()));
    w.key_values(&pairs);
    w.y = MARGIN + 60.0;
    w.paragraph(
        "Confidential: describes security weaknesses of the clinic's devices. Share with \
         auditors, insurers and the board only.",
        SMALL,
        false,
        MUTED,
    );
}

fn contents(w: &mut Writer<'_>, entries: &[(String, usize)]) {
    w.section_title("Contents");
    let right = w.width - MARGIN;
    for (title, page) in entries {
        w.y -= 16.0;
        let y = w.y;
        w.text(MARGIN, y, title, 10.0, false, INK);
        let number = page.to_string();
        let nw = w.fonts.regular.width(&number, 10.0);
        let tw = w.fonts.regular.width(title, 10.0);
        let dots_start = MARGIN + tw + 6.0;
        let dots_end = right - nw - 6.0;
        let dot_w = w.fonts.regular.width(". ", 10.0).max(1.0);
        if dots_end > dots_start {
            let n = ((dots_end - dots_start) / dot_w) as usize;
            let dots = ". ".repeat(n);
            w.text(dots_start, y, dots.trim_end(), 10.0, false, RULE);
        }
        w.text(right - nw, y, &number, 10.0, false, INK);
    }
}

/// A progress callback: the fraction done (0-1) and what is happening.
pub type Progress<'a> = &'a mut dyn FnMut(f32, &str);

/// A rendered PDF and its page count.
#[derive(Debug, Clone)]
pub struct PdfOutput {
    pub bytes: Vec<u8>,
    pub pages: u32,
}

/// Renders the packet as PDF bytes.
pub fn render_pdf(
    model: &ReportModel,
    paper: Paper,
    progress: Progress<'_>,
) -> Result<PdfOutput, ReportError> {
    let fonts = fonts();
    let (width, height) = paper.size_pt();
    let mut w = Writer::new(fonts, paper);
    progress(0.05, "Laying out the pages");
    // Page 1 the cover, page 2 the contents (filled in afterwards), sections from page 3.
    w.new_page();
    cover(&mut w, model);
    w.new_page();
    let contents_page = w.pages.len() - 1;
    let sections = section_blocks(model);
    let mut starts = Vec::new();
    let n = sections.len();
    for (i, (title, blocks)) in sections.iter().enumerate() {
        w.new_page();
        starts.push((title.clone(), w.page_number()));
        w.section_title(title);
        for (b, block) in blocks.iter().enumerate() {
            if let (Block::Heading(_), Some(next)) = (block, blocks.get(b + 1)) {
                // Never leave a heading alone at the foot of a page.
                let need = 20.0 + w.keep_with_heading(next);
                w.ensure(need);
            }
            w.block(block);
        }
        progress(0.05 + 0.55 * (i + 1) as f32 / n as f32, title);
    }
    // The contents page.
    w.current = contents_page;
    w.y = w.top();
    contents(&mut w, &starts);

    // Footers, now that the page count is known.
    let total = w.pages.len();
    let footer_left = match &model.meta.assessment {
        Some(a) => format!("{} · {}", model.meta.clinic_name, a.title),
        None => model.meta.clinic_name.clone(),
    };
    for index in 0..total {
        w.current = index;
        let label = format!("Page {} of {}", index + 1, total);
        let label_w = fonts.regular.width(&label, SMALL);
        w.line(
            MARGIN,
            FOOTER_Y + 10.0,
            width - MARGIN,
            FOOTER_Y + 10.0,
            RULE,
            0.4,
        );
        w.text(MARGIN, FOOTER_Y, &footer_left, SMALL, false, MUTED);
        w.text(
            width - MARGIN - label_w,
            FOOTER_Y,
            &label,
            SMALL,
            false,
            MUTED,
        );
    }
    progress(0.62, "Compressing the pages");
    let contents: Vec<Vec<u8>> = w
        .pages
        .into_iter()
        .map(|page| deflate(&page.finish()))
        .collect();
    progress(0.65, "Embedding the fonts");

    let mut doc = PdfDocument::new(&format!(
        "{} — {}",
        model.meta.title, model.meta.clinic_name
    ));
    let info = &mut doc.metadata.info;
    info.author = model
        .meta
        .security_officer
        .clone()
        .unwrap_or_else(|| model.meta.clinic_name.clone());
    info.subject = match &model.meta.assessment {
        Some(a) => format!(
            "HIPAA risk analysis audit packet: {} ({})",
            a.title, a.period
        ),
        None => "HIPAA risk analysis audit packet".to_string(),
    };
    info.creator = model.meta.generator.clone();
    info.producer = "DeviceRisk with printpdf".to_string();
    info.keywords = vec![
        "medical devices".to_string(),
        "risk analysis".to_string(),
        "HIPAA".to_string(),
    ];
    let stamp = printpdf::OffsetDateTime::from_unix_timestamp(model.meta.generated_at.timestamp())
        .map_err(|e| ReportError::Render(e.to_string()))?;
    info.creation_date = stamp;
    info.modification_date = stamp;
    info.metadata_date = stamp;
    doc.metadata.xmp = None;

    let [regular_ids, bold_ids] = &w.ids;
    let regular = subset(&fonts.regular, regular_ids)?;
    let bold = subset(&fonts.bold, bold_ids)?;
    doc.resources
        .fonts
        .map
        .insert(regular_id(), printpdf::PdfFont::new(regular));
    doc.resources
        .fonts
        .map
        .insert(bold_id(), printpdf::PdfFont::new(bold));
    let mut bookmarks = vec![("Cover".to_string(), 1), ("Contents".to_string(), 2)];
    bookmarks.extend(starts.iter().cloned());
    for (i, (title, page)) in bookmarks.iter().enumerate() {
        doc.bookmarks.map.insert(
            PageAnnotId(format!("bm{i:03}")),
            PageAnnotation {
                name: title.clone(),
                page: *page,
            },
        );
    }
    // printpdf writes each font's /W widths and /ToUnicode map from the text it is given: the
    // first page names every character drawn, in each face. That page's content, like every
    // other page's, is then replaced by the stream written above.
    let mut registration = Vec::new();
    for (font, ids) in [(regular_id(), regular_ids), (bold_id(), bold_ids)] {
        if ids.chars.is_empty() {
            continue;
        }
        registration.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(10.0),
            },
            Op::ShowText {
                items: vec![TextItem::Text(ids.chars.iter().map(|(c, _)| *c).collect())],
            },
            Op::EndTextSection,
        ]);
    }
    let (mw, mh) = (Mm::from(Pt(width)), Mm::from(Pt(height)));
    doc.pages = (0..total)
        .map(|i| {
            let ops = if i == 0 {
                std::mem::take(&mut registration)
            } else {
                Vec::new()
            };
            PdfPage::new(mw, mh, ops)
        })
        .collect();

    progress(0.75, "Writing the PDF");
    let mut warnings = Vec::new();
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    let page_ids = lo.get_pages();
    if page_ids.len() != contents.len() {
        return Err(ReportError::Render(format!(
            "printpdf made {} pages instead of {}",
            page_ids.len(),
            contents.len()
        )));
    }
    tag_subset_fonts(
        &mut lo,
        [
            (REGULAR_NAME, "DejaVuSansCondensed", regular_ids),
            (BOLD_NAME, "DejaVuSansCondensed-Bold", bold_ids),
        ],
    );
    // The trailer /ID is random in printpdf; derive it from the content instead.
    let id = content_id(&contents, paper, &lo);
    for (page_id, content) in page_ids.values().zip(contents) {
        let contents_id = lo
            .get_dictionary(*page_id)
            .and_then(|page| page.get(b"Contents"))
            .and_then(|c| c.as_reference())
            .map_err(|e| ReportError::Render(format!("a page has no content stream: {e}")))?;
        let dict = lopdf::Dictionary::from_iter(vec![("Filter", "FlateDecode".into())]);
        lo.objects.insert(
            contents_id,
            lopdf::Object::Stream(lopdf::Stream::new(dict, content)),
        );
    }
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id.clone().into_bytes(), lopdf::StringFormat::Literal),
            lopdf::Object::String(id.into_bytes(), lopdf::StringFormat::Literal),
        ]),
    );
    // What printpdf's own save does after building the document: deflate the streams not yet
    // deflated (the fonts and their maps; the page contents already are).
    lo.compress();
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| ReportError::Render(format!("writing the PDF failed: {e}")))?;
    progress(1.0, "Done");
    Ok(PdfOutput {
        bytes,
        pages: total as u32,
    })
}

/// The face reduced to the glyphs drawn (a 20-page packet is ~100 KB instead of 1.4 MB of
/// fonts). allsorts keeps glyphs in the order given (.notdef first, composite parts after),
/// which is the order the content streams numbered them in; the parsed subset is told each
/// character's new glyph and width, so printpdf's /W and /ToUnicode map (what pdftotext and
/// copy-paste read) refer to the subset.
fn subset(face: &Face, ids: &GlyphIds) -> Result<ParsedFont, ReportError> {
    let bytes = subset_program(face, ids)?;
    let mut warnings = Vec::new();
    let mut parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or_else(|| ReportError::Render("the font subset does not parse".into()))?;
    parsed.font_name = face.parsed.font_name.clone();
    parsed.codepoint_to_glyph = ids.chars.iter().map(|(c, g)| (*c as u32, *g)).collect();
    parsed.glyph_widths = ids
        .order
        .iter()
        .enumerate()
        .map(|(new, &original)| {
            let width = if original == 0 {
                face.notdef
            } else {
                face.parsed.get_glyph_width(original).unwrap_or(face.notdef)
            };
            (new as u16, width)
        })
        .collect();
    Ok(parsed)
}

/// printpdf names an embedded font after its resource id ("DJVSCR") and, for a font it did not
/// subset itself, without the tag ISO 32000 (9.6.4) asks of a subset: here each face's
/// /BaseFont and /FontName become "ABCDEF+DejaVuSansCondensed", the six letters derived from
/// the glyphs kept (so the same packet keeps the same name).
fn tag_subset_fonts(lo: &mut lopdf::Document, faces: [(&str, &str, &GlyphIds); 2]) {
    let names: Vec<(&[u8], Vec<u8>)> = faces
        .iter()
        .map(|(resource, postscript, ids)| {
            let mut hash: u64 = 0xcbf29ce484222325;
            for gid in &ids.order {
                for byte in gid.to_be_bytes() {
                    hash ^= byte as u64;
                    hash = hash.wrapping_mul(0x100000001b3);
                }
            }
            let tag: String = (0..6)
                .map(|i| (b'A' + ((hash >> (i * 8)) % 26) as u8) as char)
                .collect();
            (
                resource.as_bytes(),
                format!("{tag}+{postscript}").into_bytes(),
            )
        })
        .collect();
    // The descendant CID font sits inside the Type0 font's dictionary: look at every level.
    fn rename(object: &mut lopdf::Object, names: &[(&[u8], Vec<u8>)]) {
        match object {
            lopdf::Object::Dictionary(dict) => {
                for (key, value) in dict.iter_mut() {
                    if let lopdf::Object::Name(name) = value {
                        if key == b"BaseFont" || key == b"FontName" {
                            if let Some((_, tagged)) = names.iter().find(|(r, _)| name == r) {
                                *name = tagged.clone();
                            }
                        }
                    } else {
                        rename(value, names);
                    }
                }
            }
            lopdf::Object::Array(items) => items.iter_mut().for_each(|o| rename(o, names)),
            _ => {}
        }
    }
    for object in lo.objects.values_mut() {
        rename(object, &names);
    }
}

/// The font program with only the glyphs in `ids.order`, numbered in that order.
fn subset_program(face: &Face, ids: &GlyphIds) -> Result<Vec<u8>, ReportError> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset as subset_glyphs, CmapTarget, SubsetProfile};

    let error =
        |e: &dyn std::fmt::Display| ReportError::Render(format!("font subsetting failed: {e}"));
    let scope = ReadScope::new(&face.parsed.original_bytes);
    let font_file = scope.read::<FontData<'_>>().map_err(|e| error(&e))?;
    let provider = font_file.table_provider(0).map_err(|e| error(&e))?;
    subset_glyphs(
        &provider,
        &ids.order,
        &SubsetProfile::Pdf,
        CmapTarget::Unicode,
    )
    .map_err(|e| error(&e))
}

/// A stable document id: FNV-1a over what the document shows, the page streams, the paper and
/// the document information (title, author, subject, dates), so the same packet gets the same
/// id and any visible difference a different one. (Hashing the model's JSON instead cost
/// 55 ms on a 10,000-device packet; the compressed pages are a tenth of its size.)
fn content_id(pages: &[Vec<u8>], paper: Paper, doc: &lopdf::Document) -> String {
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .and_then(|id| doc.get_object(id))
        .map(|o| format!("{o:?}"))
        .unwrap_or_default();
    let mut hash: u64 = 0xcbf29ce484222325;
    let tail = format!("{paper:?}{}{info}", pages.len());
    for byte in pages.iter().flatten().chain(tail.as_bytes()) {
        hash ^= *byte as u64;
        hash = hash.wrapping_mul(0x100000001b3);
    }
    format!(
        "{hash:016x}{:016x}",
        hash.rotate_left(29) ^ 0x9e3779b97f4a7c15
    )
}

/// The section titles, as printed (for tests and the contents).
pub fn section_titles() -> &'static [&'static str] {
    SECTION_TITLES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let face = &fonts().regular;
        let text = "Dräger Evita V500 in São Paulo, owner Müller: \
                    b08988281852b6433c4fb84a76ed0bef1a5c29051ae3dd5aea4ac65bec7beb43 done";
        let lines = wrap(face, text, 8.0, 90.0);
        assert!(lines.len() > 3, "{lines:?}");
        for line in &lines {
            assert!(face.width(line, 8.0) <= 90.0 + 0.01, "{line:?} is too wide");
        }
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        // Non-Latin-1 text is measured from the font, not guessed.
        assert!(face.width("ŁĘ€", 10.0) > face.width("i", 10.0));
    }

    #[test]
    fn columns_widen_to_their_longest_word_and_still_fill_the_page() {
        use crate::sections::{Cell, Column};
        let w = Writer::new(fonts(), Paper::Letter);
        let column = |title: &str, weight| Column {
            title: title.into(),
            weight,
        };
        let sha = "b08988281852b6433c4fb84a76ed0bef1a5c29051ae3dd5aea4ac65bec7beb43";
        let table = Table {
            columns: vec![
                column("Name", 6.0),
                column("PHI", 0.4),
                column("Support", 0.4),
                column("SHA-256", 1.0),
            ],
            rows: vec![vec![
                Cell::from("Infusion pump"),
                Cell::from("Unknown"),
                Cell::from("Supported"),
                Cell::from(sha),
            ]],
            size: 7.5,
            empty: String::new(),
        };
        let widths = w.column_widths(&table, 2.5);
        let face = &fonts().regular;
        assert!(widths[1] >= face.width("Unknown", 7.5) + 5.0, "{widths:?}");
        assert!(
            widths[2] >= face.width("Supported", 7.5) + 5.0,
            "{widths:?}"
        );
        // The hash is too long to fit unbroken: capped, not given half the page.
        assert!(widths[3] <= 0.3 * w.content_width() + 0.01, "{widths:?}");
        let total: f32 = widths.iter().sum();
        assert!((total - w.content_width()).abs() < 0.01, "{total}");
        // When every word fits, the weights alone decide.
        let roomy = Table {
            columns: vec![column("Name", 3.0), column("Site", 1.0)],
            rows: vec![vec![Cell::from("Infusion pump"), Cell::from("Main")]],
            ..table
        };
        let widths = w.column_widths(&roomy, 2.5);
        assert!((widths[0] / widths[1] - 3.0).abs() < 0.01, "{widths:?}");
    }

    /// The content streams number glyphs as they are first drawn; the subset must put each
    /// glyph at exactly that number, or the page would show other letters than its text layer.
    #[test]
    fn the_subset_draws_each_character_with_the_id_the_page_uses() {
        for face in [&fonts().regular, &fonts().bold] {
            let mut ids = GlyphIds::new();
            // Accented letters are composite glyphs: their parts are added after these.
            let text = "zÅäDräger Müller São Paulo → L5 × I3 · €1,250 ŁĘ\u{E000}";
            let codes: Vec<u16> = text.chars().map(|c| ids.code(c, |c| face.gid(c))).collect();
            let program = subset_program(face, &ids).unwrap();
            let mut warnings = Vec::new();
            let parsed = ParsedFont::from_bytes(&program, 0, &mut warnings).unwrap();
            for (c, code) in text.chars().zip(codes) {
                let in_subset = parsed.lookup_glyph_index(c as u32).unwrap_or(0);
                assert_eq!(in_subset, code, "{c:?}");
                if code != 0 {
                    let original = face.parsed.get_glyph_width(face.gid(c));
                    assert_eq!(parsed.get_glyph_width(code), original, "width of {c:?}");
                }
            }
            assert_eq!(ids.code('\u{E000}', |c| face.gid(c)), 0, "not in the font");
        }
    }
}
