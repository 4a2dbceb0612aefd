//! Page content streams written directly as PDF operators, and the subset glyph ids they use.
//!
//! Why not printpdf's `Op`s: printpdf turns each operation into lopdf objects, encodes them and
//! lopdf deflates every stream at its slowest level; for the 1,776 pages of a 10,000-device
//! packet that was 2.8 s of a 3.2 s render. Here a page's operators are appended as bytes while
//! it is laid out, text already in the subset font's glyph ids, and deflated once at a fast
//! level. printpdf still builds the document around them (page tree, the fonts with their
//! widths and /ToUnicode maps, bookmarks, metadata); `pdf::render_pdf` puts these streams in
//! place of its empty page contents.
//!
//! Invariants: the same calls give the same bytes (no hashing order, no clock); a subset glyph
//! id is assigned the first time its character is drawn and never changes, and the font subset
//! is later cut with the glyphs in exactly that order (allsorts keeps the order given).

use std::collections::BTreeMap;
use std::io::Write;

pub(crate) type Rgb8 = (u8, u8, u8);

/// Below this code point, lookups go through flat tables instead of maps.
pub(crate) const FAST: usize = 0x2200;
const UNSEEN: u16 = u16::MAX;

/// The subset glyph ids of one face, assigned in the order characters are first drawn.
pub(crate) struct GlyphIds {
    /// The original glyph id of each subset glyph; index 0 is .notdef.
    pub order: Vec<u16>,
    /// The subset id of each original glyph id (0: not used yet).
    by_gid: Vec<u16>,
    /// The subset id of each code point below `FAST` (`UNSEEN` until first drawn).
    fast: Vec<u16>,
    other: BTreeMap<char, u16>,
    /// Every character drawn that the font has, with its subset id, in first-drawn order.
    pub chars: Vec<(char, u16)>,
}

impl GlyphIds {
    pub fn new() -> GlyphIds {
        GlyphIds {
            order: vec![0],
            by_gid: vec![0; u16::MAX as usize + 1],
            fast: vec![UNSEEN; FAST],
            other: BTreeMap::new(),
            chars: Vec::new(),
        }
    }

    /// The subset id to write for `c`; `original` gives the font's own glyph id (0 when the
    /// font has none, which prints as .notdef, as a viewer would).
    pub fn code(&mut self, c: char, original: impl FnOnce(char) -> u16) -> u16 {
        let cp = c as usize;
        let seen = if cp < FAST {
            self.fast[cp]
        } else {
            self.other.get(&c).copied().unwrap_or(UNSEEN)
        };
        if seen != UNSEEN {
            return seen;
        }
        let gid = original(c);
        let code = if gid == 0 {
            0
        } else {
            let slot = &mut self.by_gid[gid as usize];
            if *slot == 0 {
                self.order.push(gid);
                *slot = (self.order.len() - 1) as u16;
            }
            *slot
        };
        if code != 0 {
            self.chars.push((c, code));
        }
        if cp < FAST {
            self.fast[cp] = code;
        } else {
            self.other.insert(c, code);
        }
        code
    }
}

/// One page's content stream being written, with the graphics state it has set so far (so a
/// colour, font or line width is written only when it changes).
#[derive(Default)]
pub(crate) struct PageContent {
    bytes: Vec<u8>,
    in_text: bool,
    /// Bold?, size in hundredths of a point.
    font: Option<(bool, i64)>,
    fill: Option<Rgb8>,
    stroke: Option<Rgb8>,
    line_width: Option<i64>,
}

/// Resource names of the two faces (the keys of the document's font dictionary).
pub(crate) const REGULAR_NAME: &str = "DJVSCR";
pub(crate) const BOLD_NAME: &str = "DJVSCB";

impl PageContent {
    fn end_text(&mut self) {
        if self.in_text {
            self.bytes.extend_from_slice(b"ET\n");
            self.in_text = false;
        }
    }

    fn set_fill(&mut self, colour: Rgb8) {
        if self.fill != Some(colour) {
            push_colour(&mut self.bytes, colour);
            self.bytes.extend_from_slice(b" rg\n");
            self.fill = Some(colour);
        }
    }

    /// Starts a text run at (x, y): the caller then pushes glyph codes with [`Self::glyph`] and
    /// closes it with [`Self::end_run`].
    pub fn begin_run(&mut self, x: f32, y: f32, size: f32, bold: bool, colour: Rgb8) {
        if !self.in_text {
            self.bytes.extend_from_slice(b"BT\n");
            self.in_text = true;
        }
        let font = (bold, hundredths(size));
        if self.font != Some(font) {
            self.bytes.push(b'/');
            self.bytes
                .extend_from_slice(if bold { BOLD_NAME } else { REGULAR_NAME }.as_bytes());
            self.bytes.push(b' ');
            push_num(&mut self.bytes, size);
            self.bytes.extend_from_slice(b" Tf\n");
            self.font = Some(font);
        }
        self.set_fill(colour);
        self.bytes.extend_from_slice(b"1 0 0 1 ");
        push_num(&mut self.bytes, x);
        self.bytes.push(b' ');
        push_num(&mut self.bytes, y);
        self.bytes.extend_from_slice(b" Tm\n(");
    }

    /// One glyph of the run: its two-byte code in a literal string, escaped where the syntax
    /// needs it (a bare CR would be read as a line end and change the byte).
    pub fn glyph(&mut self, code: u16) {
        for byte in code.to_be_bytes() {
            match byte {
                b'(' | b')' | b'\\' => self.bytes.extend_from_slice(&[b'\\', byte]),
                b'\r' => self.bytes.extend_from_slice(b"\\r"),
                b'\n' => self.bytes.extend_from_slice(b"\\n"),
                _ => self.bytes.push(byte),
            }
        }
    }

    pub fn end_run(&mut self) {
        self.bytes.extend_from_slice(b") Tj\n");
    }

    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb8) {
        self.end_text();
        self.set_fill(colour);
        for (i, v) in [x, y, w, h].into_iter().enumerate() {
            if i > 0 {
                self.bytes.push(b' ');
            }
            push_num(&mut self.bytes, v);
        }
        self.bytes.extend_from_slice(b" re f\n");
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), colour: Rgb8, width: f32) {
        self.end_text();
        if self.stroke != Some(colour) {
            push_colour(&mut self.bytes, colour);
            self.bytes.extend_from_slice(b" RG\n");
            self.stroke = Some(colour);
        }
        if self.line_width != Some(hundredths(width)) {
            push_num(&mut self.bytes, width);
            self.bytes.extend_from_slice(b" w\n");
            self.line_width = Some(hundredths(width));
        }
        push_num(&mut self.bytes, from.0);
        self.bytes.push(b' ');
        push_num(&mut self.bytes, from.1);
        self.bytes.extend_from_slice(b" m ");
        push_num(&mut self.bytes, to.0);
        self.bytes.push(b' ');
        push_num(&mut self.bytes, to.1);
        self.bytes.extend_from_slice(b" l S\n");
    }

    /// The finished stream (any open text object closed).
    pub fn finish(mut self) -> Vec<u8> {
        self.end_text();
        self.bytes
    }
}

fn hundredths(v: f32) -> i64 {
    (v as f64 * 100.0).round() as i64
}

/// `v` with at most two decimals and no trailing zeros ("12", "-3.5", "0.25"): exact enough
/// for positions in points and much shorter than a float's shortest form.
pub(crate) fn push_num(out: &mut Vec<u8>, v: f32) {
    push_fixed(out, hundredths(v), 100);
}

fn push_fixed(out: &mut Vec<u8>, scaled: i64, scale: i64) {
    let mut n = scaled;
    if n < 0 {
        out.push(b'-');
        n = -n;
    }
    push_int(out, (n / scale) as u64);
    let mut frac = n % scale;
    if frac != 0 {
        out.push(b'.');
        let mut digit = scale / 10;
        while frac != 0 {
            out.push(b'0' + (frac / digit) as u8);
            frac %= digit;
            digit /= 10;
        }
    }
}

fn push_int(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// "r g b" with three decimals, each 0-1.
fn push_colour(out: &mut Vec<u8>, (r, g, b): Rgb8) {
    for (i, c) in [r, g, b].into_iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        push_fixed(out, (c as i64 * 1000 + 127) / 255, 1000);
    }
}

/// Deflates a content stream. Level 3: on this text-heavy content it gives files within a few
/// percent of the best level in a fraction of the time (see README, packet speed).
pub(crate) fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::new(3),
    );
    // Writing to a Vec cannot fail.
    encoder.write_all(bytes).expect("deflating into memory");
    encoder.finish().expect("deflating into memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: f32) -> String {
        let mut out = Vec::new();
        push_num(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_short_and_exact_to_a_hundredth() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(-3.5), "-3.5");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(0.004), "0");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(595.28), "595.28");
        assert_eq!(num(7.05), "7.05");
        let mut out = Vec::new();
        push_colour(&mut out, (255, 0, 128));
        assert_eq!(String::from_utf8(out).unwrap(), "1 0 0.502");
    }

    #[test]
    fn glyph_ids_follow_first_use_and_are_shared_by_repeats() {
        let mut ids = GlyphIds::new();
        let original = |c: char| match c {
            'a' => 68,
            'b' => 69,
            'ß' => 300,
            'Ω' => 69, // two characters drawn with one glyph
            _ => 0,
        };
        assert_eq!(ids.code('b', original), 1);
        assert_eq!(ids.code('a', original), 2);
        assert_eq!(ids.code('b', original), 1);
        assert_eq!(ids.code('\u{E000}', original), 0, "no glyph: .notdef");
        assert_eq!(ids.code('Ω', original), 1);
        assert_eq!(ids.code('ß', original), 3);
        assert_eq!(ids.order, vec![0, 69, 68, 300]);
        assert_eq!(ids.chars, vec![('b', 1), ('a', 2), ('Ω', 1), ('ß', 3)]);
    }

    #[test]
    fn state_is_written_only_when_it_changes_and_strings_are_escaped() {
        let mut page = PageContent::default();
        page.begin_run(10.0, 20.5, 9.0, false, (0, 0, 0));
        page.glyph(0x0028); // "(" as the low byte
        page.glyph(0x0D5C); // CR and backslash
        page.end_run();
        page.begin_run(10.0, 10.0, 9.0, false, (0, 0, 0));
        page.glyph(1);
        page.end_run();
        page.fill_rect(0.0, 0.0, 5.0, 5.0, (0, 0, 0));
        page.line((0.0, 1.0), (2.0, 1.0), (255, 255, 255), 0.4);
        page.line((0.0, 2.0), (2.0, 2.0), (255, 255, 255), 0.4);
        let bytes = page.finish();
        let expected: &[u8] =
            b"BT\n/DJVSCR 9 Tf\n0 0 0 rg\n1 0 0 1 10 20.5 Tm\n(\x00\\(\\r\\\\) Tj\n\
            1 0 0 1 10 10 Tm\n(\x00\x01) Tj\nET\n0 0 5 5 re f\n1 1 1 RG\n0.4 w\n0 1 m 2 1 l S\n\
            0 2 m 2 2 l S\n";
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            String::from_utf8_lossy(expected)
        );
    }
}
