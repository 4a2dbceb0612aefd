//! The DeviceRisk desktop shell: opens the database, holds the [`Api`] behind a mutex, and
//! exposes one Tauri command per api method. Commands are glue of one to three lines; every
//! rule lives in `devicerisk-api` and below, so the command line and the app behave alike.
//!
//! Commands are `async` so Tauri runs them off the main thread: a 10,000-row import must not
//! freeze the window. Errors reach the UI as the api's `{code, message, field_issues}`.

mod assessments;
mod intel;
mod lifecycle;
mod report;
mod risks;
mod vocab;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use devicerisk_api::core::{
    ClinicProfile, Device, DeviceFields, DeviceId, Site, SiteId, Vendor, VendorId, Zone, ZoneId,
};
use devicerisk_api::{
    Api, ApiError, AppStatus, AuditEntry, BulkEdit, DemoHistoryReport, DemoOptions, DemoReport,
    DeviceDetail, DeviceList, DeviceQuery, ExportFormat, ExportReport, ImportPreview, ImportReport,
    ImportRequest, SiteInput, TargetInfo, VendorInput, VendorRow, ZoneInput, ZoneRow,
};
use tauri::State;

pub use vocab::Vocabularies;

type CmdResult<T> = Result<T, ApiError>;

/// The open database, or why it could not be opened. Keeping the failure (instead of
/// refusing to start) lets the window explain it in words, through the same error banner.
pub struct AppState {
    api: Mutex<Result<Api, ApiError>>,
}

impl AppState {
    pub fn open_default() -> AppState {
        let api = devicerisk_api::default_db_path().and_then(|path| Api::open(&path));
        AppState {
            api: Mutex::new(api),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Result<Api, ApiError>> {
        // A panic inside an earlier command poisons the lock; the data itself is in SQLite and
        // each api call is its own transaction, so carrying on with the same connection is safe.
        self.api
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the open api, or returns the error that kept it from opening.
    fn with<T>(&self, f: impl FnOnce(&Api) -> CmdResult<T>) -> CmdResult<T> {
        match &*self.lock() {
            Ok(api) => f(api),
            Err(error) => Err(ApiError {
                code: error.code,
                message: format!("The database could not be opened: {}", error.message),
                field_issues: Vec::new(),
            }),
        }
    }
}

// ---- home ----

#[tauri::command]
#[specta::specta]
async fn status(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    state.with(|api| api.status())
}

#[tauri::command]
#[specta::specta]
async fn load_demo(state: State<'_, AppState>, options: DemoOptions) -> CmdResult<DemoReport> {
    state.with(|api| api.load_demo(options))
}

#[tauri::command]
#[specta::specta]
async fn load_demo_history(state: State<'_, AppState>) -> CmdResult<DemoHistoryReport> {
    state.with(|api| api.load_demo_history())
}

#[tauri::command]
#[specta::specta]
async fn audit_log(state: State<'_, AppState>, limit: u32) -> CmdResult<Vec<AuditEntry>> {
    state.with(|api| api.audit_log(limit))
}

// ---- clinic, sites, zones, vendors ----

#[tauri::command]
#[specta::specta]
async fn get_clinic(state: State<'_, AppState>) -> CmdResult<ClinicProfile> {
    state.with(|api| api.get_clinic())
}

#[tauri::command]
#[specta::specta]
async fn save_clinic(
    state: State<'_, AppState>,
    profile: ClinicProfile,
) -> CmdResult<ClinicProfile> {
    state.with(|api| api.save_clinic(profile))
}

#[tauri::command]
#[specta::specta]
async fn list_sites(state: State<'_, AppState>) -> CmdResult<Vec<Site>> {
    state.with(|api| api.list_sites())
}

#[tauri::command]
#[specta::specta]
async fn save_site(state: State<'_, AppState>, input: SiteInput) -> CmdResult<Site> {
    state.with(|api| api.save_site(input))
}

#[tauri::command]
#[specta::specta]
async fn delete_site(state: State<'_, AppState>, id: SiteId) -> CmdResult<()> {
    state.with(|api| api.delete_site(id))
}

#[tauri::command]
#[specta::specta]
async fn list_zones(state: State<'_, AppState>) -> CmdResult<Vec<ZoneRow>> {
    state.with(|api| api.list_zones())
}

#[tauri::command]
#[specta::specta]
async fn save_zone(state: State<'_, AppState>, input: ZoneInput) -> CmdResult<Zone> {
    state.with(|api| api.save_zone(input))
}

#[tauri::command]
#[specta::specta]
async fn delete_zone(state: State<'_, AppState>, id: ZoneId) -> CmdResult<()> {
    state.with(|api| api.delete_zone(id))
}

#[tauri::command]
#[specta::specta]
async fn list_vendors(state: State<'_, AppState>) -> CmdResult<Vec<VendorRow>> {
    state.with(|api| api.list_vendors())
}

#[tauri::command]
#[specta::specta]
async fn save_vendor(state: State<'_, AppState>, input: VendorInput) -> CmdResult<Vendor> {
    state.with(|api| api.save_vendor(input))
}

#[tauri::command]
#[specta::specta]
async fn delete_vendor(state: State<'_, AppState>, id: VendorId) -> CmdResult<()> {
    state.with(|api| api.delete_vendor(id))
}

// ---- devices ----

#[tauri::command]
#[specta::specta]
async fn list_devices(state: State<'_, AppState>, query: DeviceQuery) -> CmdResult<DeviceList> {
    state.with(|api| api.list_devices(query))
}

#[tauri::command]
#[specta::specta]
async fn get_device(state: State<'_, AppState>, id: DeviceId) -> CmdResult<DeviceDetail> {
    state.with(|api| api.get_device(id))
}

#[tauri::command]
#[specta::specta]
async fn create_device(state: State<'_, AppState>, fields: DeviceFields) -> CmdResult<Device> {
    state.with(|api| api.create_device(fields))
}

#[tauri::command]
#[specta::specta]
async fn update_device(
    state: State<'_, AppState>,
    id: DeviceId,
    fields: DeviceFields,
) -> CmdResult<Device> {
    state.with(|api| api.update_device(id, fields))
}

#[tauri::command]
#[specta::specta]
async fn duplicate_device(state: State<'_, AppState>, id: DeviceId) -> CmdResult<Device> {
    state.with(|api| api.duplicate_device(id))
}

#[tauri::command]
#[specta::specta]
async fn bulk_edit(state: State<'_, AppState>, edit: BulkEdit) -> CmdResult<u32> {
    state.with(|api| api.bulk_edit(edit))
}

#[tauri::command]
#[specta::specta]
async fn decommission_device(
    state: State<'_, AppState>,
    id: DeviceId,
    reason: Option<String>,
) -> CmdResult<Device> {
    state.with(|api| api.decommission_device(id, reason))
}

// ---- import / export ----

#[tauri::command]
#[specta::specta]
async fn import_targets(state: State<'_, AppState>) -> CmdResult<Vec<TargetInfo>> {
    state.with(|api| Ok(api.import_targets()))
}

#[tauri::command]
#[specta::specta]
async fn preview_import(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> CmdResult<ImportPreview> {
    state.with(|api| api.preview_import(request))
}

#[tauri::command]
#[specta::specta]
async fn apply_import(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> CmdResult<ImportReport> {
    state.with(|api| api.apply_import(request))
}

#[tauri::command]
#[specta::specta]
async fn export_inventory(
    state: State<'_, AppState>,
    path: String,
    format: ExportFormat,
) -> CmdResult<ExportReport> {
    state.with(|api| api.export_inventory(Path::new(&path), format))
}

/// The command registry shared by the app and by the bindings test, so the TypeScript the
/// UI compiles against is exactly what the app serves.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        status,
        load_demo,
        load_demo_history,
        audit_log,
        get_clinic,
        save_clinic,
        list_sites,
        save_site,
        delete_site,
        list_zones,
        save_zone,
        delete_zone,
        list_vendors,
        save_vendor,
        delete_vendor,
        list_devices,
        get_device,
        create_device,
        update_device,
        duplicate_device,
        bulk_edit,
        decommission_device,
        import_targets,
        preview_import,
        apply_import,
        export_inventory,
        vocab::vocabularies,
        intel::import_kev,
        intel::import_csaf,
        intel::run_matching,
        intel::list_matches,
        intel::decide_match,
        intel::device_intel,
        intel::intel_catalogs,
        intel::import_sbom,
        intel::list_sboms,
        intel::delete_sbom,
        intel::device_sboms,
        intel::import_vex,
        intel::list_vex,
        intel::delete_vex,
        assessments::list_assessments,
        assessments::create_assessment,
        assessments::questionnaire_page,
        assessments::save_answer,
        assessments::assessment_overview,
        assessments::attach_evidence,
        assessments::list_evidence,
        assessments::finalize_assessment,
        assessments::revise_assessment,
        assessments::assessment_history,
        report::generate_report,
        report::open_packet,
        risks::risk_overview,
        risks::risk_register,
        risks::get_risk,
        risks::save_risk,
        risks::accept_risk,
        risks::add_manual_risk,
        risks::edit_manual_risk,
        risks::delete_manual_risk,
        risks::device_risk,
        risks::risk_controls,
        risks::assign_control,
        risks::remove_control,
        lifecycle::lifecycle_status,
        lifecycle::device_support,
        lifecycle::os_releases,
        lifecycle::set_os_match,
        lifecycle::set_replaceable,
        lifecycle::model_support,
        lifecycle::set_model_support,
        lifecycle::patch_cadences,
        lifecycle::set_patch_cadence,
        lifecycle::patch_log,
        lifecycle::add_patch,
        lifecycle::list_plans,
        lifecycle::create_plan,
        lifecycle::update_plan,
        lifecycle::delete_plan,
        lifecycle::suggest_plans,
        lifecycle::lifecycle_roadmap,
        lifecycle::lifecycle_deadlines,
        lifecycle::import_endoflife,
        lifecycle::decommission_checklist,
        lifecycle::record_decommission_step,
        lifecycle::clear_decommission_step,
        lifecycle::finish_decommission,
    ])
}

/// The TypeScript bindings as text, in the form `ui/src/lib/bindings.ts` holds them.
pub fn typescript_bindings() -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("devicerisk-bindings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("bindings.ts");
    specta_builder()
        // The generated file carries helpers it does not use (events); the UI's strict
        // `noUnusedLocals` check must not fail on generated code, only on code that uses it.
        .export(
            specta_typescript::Typescript::default().header("// @ts-nocheck"),
            &file,
        )
        .map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&file).map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    text
}

pub fn run() {
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState::open_default())
        .invoke_handler(builder.invoke_handler())
        .run(tauri::generate_context!())
        .expect("DeviceRisk could not start its window");
}
