//! Commands of the audit packet (issue 7): generate with progress events, and open the result.

use devicerisk_api::{ApiError, ErrorCode, ReportProgress, ReportRequest, ReportResult};
use tauri::ipc::Channel;
use tauri::State;

use crate::{AppState, CmdResult};

/// Writes the packet; progress arrives on `on_progress` while it is generated.
#[tauri::command]
#[specta::specta]
pub(crate) async fn generate_report(
    state: State<'_, AppState>,
    request: ReportRequest,
    on_progress: Channel<ReportProgress>,
) -> CmdResult<ReportResult> {
    state.with(|api| api.write_report_now(&request, &mut |p| drop(on_progress.send(p))))
}

/// Opens a generated packet (only an existing .pdf or .xlsx) in the system's default app.
#[tauri::command]
#[specta::specta]
pub(crate) async fn open_packet(path: String) -> CmdResult<()> {
    let path = devicerisk_api::packet_file(&path)?;
    open::that_detached(&path).map_err(|e| {
        ApiError::new(
            ErrorCode::Io,
            format!("Cannot open {}: {e}", path.display()),
        )
    })
}
