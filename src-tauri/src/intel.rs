//! Commands of vulnerability intelligence (issue 6), SBOMs and VEX included: one per api
//! method, 1-3 lines each.

use std::path::Path;

use devicerisk_api::core::DeviceId;
use devicerisk_api::{
    CsafImportReport, DecideMatch, DeviceIntel, DeviceSboms, IntelCatalogs, IntelDecision,
    IntelMatch, KevImportReport, MatchSummary, SbomImportReport, SbomSummary, SbomTarget,
    VexImportReport, VexSummary,
};
use tauri::State;

use crate::{AppState, CmdResult};

#[tauri::command]
#[specta::specta]
pub(crate) async fn import_kev(
    state: State<'_, AppState>,
    path: String,
) -> CmdResult<KevImportReport> {
    state.with(|api| api.import_kev(Path::new(path.trim())))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn import_csaf(
    state: State<'_, AppState>,
    path: String,
) -> CmdResult<CsafImportReport> {
    state.with(|api| api.import_csaf(Path::new(path.trim())))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn run_matching(state: State<'_, AppState>) -> CmdResult<MatchSummary> {
    state.with(|api| api.run_matching())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn list_matches(state: State<'_, AppState>) -> CmdResult<Vec<IntelMatch>> {
    state.with(|api| api.list_matches())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn decide_match(
    state: State<'_, AppState>,
    decision: DecideMatch,
) -> CmdResult<Option<IntelDecision>> {
    state.with(|api| api.decide_match(decision))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn device_intel(
    state: State<'_, AppState>,
    id: DeviceId,
) -> CmdResult<DeviceIntel> {
    state.with(|api| api.device_intel(id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn intel_catalogs(state: State<'_, AppState>) -> CmdResult<IntelCatalogs> {
    state.with(|api| api.intel_catalogs())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn import_sbom(
    state: State<'_, AppState>,
    path: String,
    target: SbomTarget,
) -> CmdResult<SbomImportReport> {
    state.with(|api| api.import_sbom(Path::new(path.trim()), target))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn list_sboms(state: State<'_, AppState>) -> CmdResult<Vec<SbomSummary>> {
    state.with(|api| api.list_sboms())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn delete_sbom(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    state.with(|api| api.delete_sbom(&id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn device_sboms(
    state: State<'_, AppState>,
    id: DeviceId,
) -> CmdResult<DeviceSboms> {
    state.with(|api| api.device_sboms(id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn import_vex(
    state: State<'_, AppState>,
    path: String,
) -> CmdResult<VexImportReport> {
    state.with(|api| api.import_vex(Path::new(path.trim())))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn list_vex(state: State<'_, AppState>) -> CmdResult<Vec<VexSummary>> {
    state.with(|api| api.list_vex())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn delete_vex(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    state.with(|api| api.delete_vex(&id))
}
