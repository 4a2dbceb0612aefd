//! Commands of the risk use cases (issue 4): one per api method, 1-3 lines each.

use devicerisk_api::core::DeviceId;
use devicerisk_api::{
    AcceptRisk, ControlAssignment, ControlChange, ControlInfo, DeviceRisk, ManualRiskEdit,
    NewManualRisk, RegisterFilter, RegisterRisk, RiskOverview, RiskUpdate,
};
use tauri::State;

use crate::{AppState, CmdResult};

#[tauri::command]
#[specta::specta]
pub(crate) async fn risk_overview(state: State<'_, AppState>) -> CmdResult<RiskOverview> {
    state.with(|api| api.risk_overview())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn risk_register(
    state: State<'_, AppState>,
    filter: RegisterFilter,
) -> CmdResult<Vec<RegisterRisk>> {
    state.with(|api| api.risk_register(filter))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn get_risk(state: State<'_, AppState>, key: String) -> CmdResult<RegisterRisk> {
    state.with(|api| api.get_risk(key))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn save_risk(
    state: State<'_, AppState>,
    update: RiskUpdate,
) -> CmdResult<RegisterRisk> {
    state.with(|api| api.save_risk(update))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn accept_risk(
    state: State<'_, AppState>,
    request: AcceptRisk,
) -> CmdResult<RegisterRisk> {
    state.with(|api| api.accept_risk(request))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn add_manual_risk(
    state: State<'_, AppState>,
    request: NewManualRisk,
) -> CmdResult<RegisterRisk> {
    state.with(|api| api.add_manual_risk(request))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn edit_manual_risk(
    state: State<'_, AppState>,
    edit: ManualRiskEdit,
) -> CmdResult<RegisterRisk> {
    state.with(|api| api.edit_manual_risk(edit))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn delete_manual_risk(state: State<'_, AppState>, key: String) -> CmdResult<()> {
    state.with(|api| api.delete_manual_risk(key))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn device_risk(state: State<'_, AppState>, id: DeviceId) -> CmdResult<DeviceRisk> {
    state.with(|api| api.device_risk(id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn risk_controls(state: State<'_, AppState>) -> CmdResult<Vec<ControlInfo>> {
    state.with(|api| api.risk_controls())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn assign_control(
    state: State<'_, AppState>,
    request: ControlAssignment,
) -> CmdResult<ControlChange> {
    state.with(|api| api.assign_control(request))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn remove_control(
    state: State<'_, AppState>,
    request: ControlAssignment,
) -> CmdResult<ControlChange> {
    state.with(|api| api.remove_control(request))
}
