//! Commands of the lifecycle use cases (issue 5): one per api method, 1-3 lines each.

use devicerisk_api::core::lifecycle::{
    DeadlineWindow, DecommissionStepKind, EolImportReport, PatchEntry, PlanFields, PlannedAction,
    UpcomingDeadline,
};
use devicerisk_api::core::{Device, DeviceId, PlanId, VendorId};
use devicerisk_api::{
    DecommissionChecklist, DecommissionStepInput, DeviceSupport, LifecycleStatus, ModelSupport,
    ModelSupportInput, NewPatch, OsReleaseChoice, PlanProposal, PlanRow, Roadmap, VendorCadence,
};
use tauri::State;

use crate::{AppState, CmdResult};

#[tauri::command]
#[specta::specta]
pub(crate) async fn lifecycle_status(state: State<'_, AppState>) -> CmdResult<LifecycleStatus> {
    state.with(|api| api.lifecycle_status())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn device_support(
    state: State<'_, AppState>,
    id: DeviceId,
) -> CmdResult<DeviceSupport> {
    state.with(|api| api.device_support(id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn os_releases(state: State<'_, AppState>) -> CmdResult<Vec<OsReleaseChoice>> {
    state.with(|api| api.os_releases())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn set_os_match(
    state: State<'_, AppState>,
    id: DeviceId,
    release_id: Option<String>,
) -> CmdResult<DeviceSupport> {
    state.with(|api| api.set_os_match(id, release_id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn set_replaceable(
    state: State<'_, AppState>,
    id: DeviceId,
    replaceable: bool,
) -> CmdResult<DeviceSupport> {
    state.with(|api| api.set_replaceable(id, replaceable))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn model_support(state: State<'_, AppState>) -> CmdResult<Vec<ModelSupport>> {
    state.with(|api| api.model_support())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn set_model_support(
    state: State<'_, AppState>,
    input: ModelSupportInput,
) -> CmdResult<Vec<ModelSupport>> {
    state.with(|api| api.set_model_support(input))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn patch_cadences(state: State<'_, AppState>) -> CmdResult<Vec<VendorCadence>> {
    state.with(|api| api.patch_cadences())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn set_patch_cadence(
    state: State<'_, AppState>,
    vendor: VendorId,
    days: Option<i32>,
) -> CmdResult<()> {
    state.with(|api| api.set_patch_cadence(vendor, days))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn patch_log(
    state: State<'_, AppState>,
    device: DeviceId,
) -> CmdResult<Vec<PatchEntry>> {
    state.with(|api| api.patch_log(device))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn add_patch(
    state: State<'_, AppState>,
    input: NewPatch,
) -> CmdResult<PatchEntry> {
    state.with(|api| api.add_patch(input))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn list_plans(state: State<'_, AppState>) -> CmdResult<Vec<PlanRow>> {
    state.with(|api| api.list_plans())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn create_plan(
    state: State<'_, AppState>,
    fields: PlanFields,
) -> CmdResult<PlannedAction> {
    state.with(|api| api.create_plan(fields))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn update_plan(
    state: State<'_, AppState>,
    id: PlanId,
    fields: PlanFields,
) -> CmdResult<PlannedAction> {
    state.with(|api| api.update_plan(id, fields))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn delete_plan(state: State<'_, AppState>, id: PlanId) -> CmdResult<()> {
    state.with(|api| api.delete_plan(id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn suggest_plans(state: State<'_, AppState>) -> CmdResult<Vec<PlanProposal>> {
    state.with(|api| api.suggest_plans())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn lifecycle_roadmap(state: State<'_, AppState>) -> CmdResult<Roadmap> {
    state.with(|api| api.lifecycle_roadmap())
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn lifecycle_deadlines(
    state: State<'_, AppState>,
    window: DeadlineWindow,
) -> CmdResult<Vec<UpcomingDeadline>> {
    state.with(|api| api.lifecycle_deadlines(window))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn import_endoflife(
    state: State<'_, AppState>,
    path: String,
) -> CmdResult<EolImportReport> {
    state.with(|api| api.import_endoflife(&path))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn decommission_checklist(
    state: State<'_, AppState>,
    id: DeviceId,
) -> CmdResult<DecommissionChecklist> {
    state.with(|api| api.decommission_checklist(id))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn record_decommission_step(
    state: State<'_, AppState>,
    input: DecommissionStepInput,
) -> CmdResult<DecommissionChecklist> {
    state.with(|api| api.record_decommission_step(input))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn clear_decommission_step(
    state: State<'_, AppState>,
    id: DeviceId,
    step: DecommissionStepKind,
) -> CmdResult<DecommissionChecklist> {
    state.with(|api| api.clear_decommission_step(id, step))
}

#[tauri::command]
#[specta::specta]
pub(crate) async fn finish_decommission(
    state: State<'_, AppState>,
    id: DeviceId,
) -> CmdResult<Device> {
    state.with(|api| api.finish_decommission(id))
}
