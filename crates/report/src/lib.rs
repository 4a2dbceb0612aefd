//! DeviceRisk audit packet: one report model ([`model::ReportModel`], built by the api from the
//! database), rendered two ways: PDF ([`pdf::render_pdf`], printpdf with an embedded DejaVu
//! font) and an Excel workbook ([`xlsx::render_xlsx`], rust_xlsxwriter).
//!
//! Invariants: the renderers read only the model (no database, no clock), so the same model
//! gives the same packet, byte for byte for the PDF; text is printed as given, never
//! interpreted (workbook cells are neutralised against formula injection).

mod content;
pub mod model;
pub mod pdf;
mod sections;
pub mod xlsx;

use serde::{Deserialize, Serialize};

pub use model::ReportModel;
pub use pdf::{render_pdf, section_titles, PdfOutput, Progress};
pub use xlsx::{render_xlsx, SHEET_NAMES};

/// Paper size of the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    #[default]
    Letter,
    A4,
}

impl Paper {
    /// Width and height in points.
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Paper::Letter => (612.0, 792.0),
            Paper::A4 => (595.28, 841.89),
        }
    }

    pub fn from_key(key: &str) -> Option<Paper> {
        match key.trim().to_ascii_lowercase().as_str() {
            "letter" | "us-letter" | "us_letter" => Some(Paper::Letter),
            "a4" => Some(Paper::A4),
            _ => None,
        }
    }
}

/// Why a packet could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("rendering the packet failed: {0}")]
    Render(String),
    #[error("writing the workbook failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
