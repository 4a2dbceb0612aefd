//! Lifecycle planning (issue 5): support status per device with its OS match (correctable),
//! vendor end of support per model, patch log and cadence, planned actions with "suggest
//! plan", budget and roadmap per fiscal year, upcoming deadlines, endoflife.date import and
//! the decommission checklist.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use devicerisk_core::lifecycle::{
    patch_cadence, suggest_plan, upcoming_deadlines, DatedItem, DeadlineKind, DeadlineWindow,
    DecommissionStepKind, DecommissionStepRecord, EolImportReport, FiscalCalendar, FiscalYear,
    MatchConfidence, OsMatch, OsTable, PatchCadenceCheck, PatchCadenceStatus, PatchEntry,
    PlanAction, PlanFields, PlanInput, PlanOrigin, PlanStatus, PlanSuggestion, PlannedAction,
    StoredFile, SupportAssessment, SupportStatus, UpcomingDeadline,
};
use devicerisk_core::risk::RiskLevel;
use devicerisk_core::{Device, DeviceId, DeviceStatus, PatchId, PatchStatus, PlanId, VendorId};
use devicerisk_store::{Db, DeviceLifecycle, EolImportRecord, ModelSupportRecord};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::assessments::EvidenceCopy;
use crate::places::clean;
use crate::{Api, ApiError, ApiResult, ErrorCode};

/// Largest cost of one action, in cents ($10 million): more is a typing mistake.
const MAX_COST_CENTS: i32 = 1_000_000_000;

// ---- types ----

/// One device's lifecycle picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceSupport {
    pub device_id: DeviceId,
    pub name: String,
    pub asset_tag: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub device_status: DeviceStatus,
    /// The OS as the inventory has it ("Windows 7 Embedded SP1"), if any.
    pub os_text: Option<String>,
    /// The table row it matches, with confidence and reason; `Confirmed` when the user chose it.
    pub os_match: OsMatch,
    pub support: SupportAssessment,
    /// The vendor's end of support came from the per-model record (else from the device).
    pub vendor_end_from_model: bool,
    pub replaceable: bool,
    pub patch_status: PatchStatus,
    /// The later of the device's last patch date and the patch log's newest entry.
    pub last_patch: Option<NaiveDate>,
    pub vendor_id: Option<VendorId>,
    pub vendor_name: Option<String>,
    pub patch: PatchCadenceCheck,
    /// Open planned actions of the device.
    pub open_plans: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct SupportCounts {
    pub supported: u32,
    pub ending_soon: u32,
    pub unsupported: u32,
    pub unknown: u32,
    pub patch_overdue: u32,
    /// Unsupported or ending soon, and no open planned action.
    pub unplanned_at_risk: u32,
}

/// The Lifecycle screen's status part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LifecycleStatus {
    pub today: NaiveDate,
    pub fiscal_start_month: u32,
    /// Devices in use (decommissioned ones are left out).
    pub devices: Vec<DeviceSupport>,
    pub counts: SupportCounts,
    /// The table's attribution (endoflife.date, MIT) and snapshot date.
    pub table_attribution: String,
    pub table_snapshot: String,
    /// endoflife.date files imported by the user, oldest first.
    pub imports: Vec<EolImportInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct EolImportInfo {
    pub platform_id: String,
    pub file_name: String,
    pub summary: String,
    pub imported_at: chrono::DateTime<chrono::Utc>,
}

/// A table row to pick when correcting a match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct OsReleaseChoice {
    pub id: String,
    pub label: String,
    pub platform: String,
    /// "2020-01-14", "ended", "not announced".
    pub security_support_end: String,
}

/// The vendor's end of support for one model, and how many devices share it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ModelSupport {
    pub manufacturer: String,
    pub model: String,
    pub end_of_support: Option<NaiveDate>,
    pub note: Option<String>,
    pub device_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ModelSupportInput {
    pub manufacturer: String,
    pub model: String,
    /// `None` removes the date.
    pub end_of_support: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct VendorCadence {
    pub vendor_id: VendorId,
    pub vendor_name: String,
    pub cadence_days: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct NewPatch {
    pub device_id: DeviceId,
    pub patched_on: NaiveDate,
    pub from_version: Option<String>,
    pub to_version: String,
    pub tested_by: Option<String>,
    pub note: Option<String>,
}

/// A planned action with its device's name and fiscal year, for lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanRow {
    pub plan: PlannedAction,
    pub device_name: String,
    pub fiscal_year: FiscalYear,
}

/// A suggestion for one device, for the user to accept or edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanProposal {
    pub device_id: DeviceId,
    pub device_name: String,
    pub support_status: SupportStatus,
    pub residual: Option<RiskLevel>,
    pub suggestion: PlanSuggestion,
    /// The device already has an open action of the suggested kind.
    pub already_planned: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ActionTotal {
    pub action: PlanAction,
    pub count: u32,
    /// Cents; f64 so a large sum stays exact in TypeScript.
    pub cost_cents: f64,
}

/// One fiscal year of the roadmap with its budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BudgetYear {
    pub fiscal_year: FiscalYear,
    pub total_cents: f64,
    /// Actions without an estimate.
    pub unestimated: u32,
    pub by_action: Vec<ActionTotal>,
    /// The open actions of the year, by target date.
    pub plans: Vec<PlanRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Roadmap {
    pub fiscal_start_month: u32,
    /// The current fiscal year.
    pub current: FiscalYear,
    /// Every fiscal year from the earliest open action (or the current year) to the latest.
    pub years: Vec<BudgetYear>,
    /// Open actions whose target date has passed.
    pub overdue: Vec<PlanRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DecommissionStepView {
    pub step: DecommissionStepKind,
    pub label: String,
    pub done: Option<DecommissionStepRecord>,
    /// Absolute path of the certificate copy, when attached.
    pub file_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DecommissionChecklist {
    pub device_id: DeviceId,
    pub device_name: String,
    pub device_status: DeviceStatus,
    pub steps: Vec<DecommissionStepView>,
    /// Every step done: the device can be decommissioned.
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DecommissionStepInput {
    pub device_id: DeviceId,
    pub step: DecommissionStepKind,
    pub done_by: String,
    pub done_on: NaiveDate,
    pub note: Option<String>,
    /// For the certificate step: the file to copy into the data folder.
    pub certificate_path: Option<String>,
}

// ---- helpers ----

/// The OS text of a device: name and version, as the inventory has them.
pub fn os_text(device: &Device) -> Option<String> {
    let text = [
        device.fields.os_name.as_deref(),
        device.fields.os_version.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    (!text.is_empty()).then_some(text)
}

fn model_key(manufacturer: &str, model: &str) -> (String, String) {
    (
        manufacturer.trim().to_lowercase(),
        model.trim().to_lowercase(),
    )
}

/// What the lifecycle rules need, read once per request.
struct Context {
    table: OsTable,
    today: NaiveDate,
    fiscal: FiscalCalendar,
    lifecycles: HashMap<DeviceId, DeviceLifecycle>,
    models: HashMap<(String, String), NaiveDate>,
    cadences: HashMap<VendorId, i32>,
    vendor_names: HashMap<VendorId, String>,
    plans: Vec<PlannedAction>,
    open_plans: HashMap<DeviceId, u32>,
    last_logged: HashMap<DeviceId, NaiveDate>,
    /// Matches by OS text: thousands of devices share a few dozen spellings, and fuzzy
    /// matching is the costly part of a support status.
    os_matches: RefCell<HashMap<String, OsMatch>>,
}

/// The shipped table with the user's imported endoflife.date files replayed over it.
pub(crate) fn effective_table(db: &Db<'_>) -> ApiResult<OsTable> {
    let mut table = OsTable::builtin().clone();
    for import in db.eol_imports()? {
        // A stored file was valid when imported; a newer shipped table could in principle
        // reject it, in which case the shipped table wins for that platform.
        if let Ok((merged, _)) = table.import_endoflife(&import.content) {
            table = merged;
        }
    }
    Ok(table)
}

fn fiscal_of(db: &Db<'_>) -> ApiResult<FiscalCalendar> {
    let month = db
        .clinic()?
        .map(|c| u32::from(c.fiscal_year_start_month))
        .unwrap_or(1);
    FiscalCalendar::new(month).map_err(|e| ApiError::new(ErrorCode::Internal, e))
}

impl Context {
    fn load(api: &Api, db: &Db<'_>) -> ApiResult<Context> {
        let models = db
            .model_supports()?
            .into_iter()
            .map(|m| (model_key(&m.manufacturer, &m.model), m.end_of_support))
            .collect();
        let vendor_names = db
            .vendors()?
            .into_iter()
            .map(|v| (v.id, v.fields.name))
            .collect();
        let plans = db.plans()?;
        let mut open_plans: HashMap<DeviceId, u32> = HashMap::new();
        for plan in plans.iter().filter(|p| p.fields.status.is_open()) {
            *open_plans.entry(plan.fields.device_id).or_default() += 1;
        }
        Ok(Context {
            table: effective_table(db)?,
            today: api.today(),
            fiscal: fiscal_of(db)?,
            lifecycles: db.device_lifecycles()?,
            models,
            cadences: db.patch_cadences()?,
            vendor_names,
            plans,
            open_plans,
            last_logged: db.latest_patches()?,
            os_matches: RefCell::new(HashMap::new()),
        })
    }

    fn os_match(&self, device: &Device) -> (Option<String>, OsMatch) {
        let text = os_text(device);
        let Some(text) = text else {
            return (
                None,
                OsMatch {
                    input: String::new(),
                    release_id: None,
                    release_label: None,
                    confidence: MatchConfidence::None,
                    reason: "No operating system is recorded for this device.".to_string(),
                    alternatives: Vec::new(),
                },
            );
        };
        let confirmed = self
            .lifecycles
            .get(&device.id)
            .and_then(|l| l.os_override.as_ref())
            // A correction holds for the text it was made for; a changed OS is matched anew.
            .filter(|(for_text, _)| *for_text == text)
            .and_then(|(_, release)| self.table.confirm_match(&text, release));
        let m = confirmed.unwrap_or_else(|| {
            self.os_matches
                .borrow_mut()
                .entry(text.clone())
                .or_insert_with(|| self.table.match_os(&text))
                .clone()
        });
        (Some(text), m)
    }

    fn support_of(&self, device: &Device) -> DeviceSupport {
        let (os_text, os_match) = self.os_match(device);
        let release = os_match
            .release_id
            .as_deref()
            .and_then(|id| self.table.release(id));
        let model_end = match (&device.fields.manufacturer, &device.fields.model) {
            (Some(m), Some(model)) => self.models.get(&model_key(m, model)).copied(),
            _ => None,
        };
        let vendor_end = model_end.or(device.fields.vendor_end_of_support);
        let support = devicerisk_core::lifecycle::support_status(release, vendor_end, self.today);
        let last_patch = [
            device.fields.last_patch_date,
            self.last_logged.get(&device.id).copied(),
        ]
        .into_iter()
        .flatten()
        .max();
        let cadence = device
            .fields
            .vendor_id
            .and_then(|v| self.cadences.get(&v).copied());
        let patch = patch_cadence(last_patch, cadence, self.today);
        let open_plans = self.open_plans.get(&device.id).copied().unwrap_or(0);
        DeviceSupport {
            device_id: device.id,
            name: device.fields.name.clone(),
            asset_tag: device.fields.asset_tag.clone(),
            manufacturer: device.fields.manufacturer.clone(),
            model: device.fields.model.clone(),
            device_status: device.fields.status,
            os_text,
            os_match,
            support,
            vendor_end_from_model: model_end.is_some(),
            replaceable: self
                .lifecycles
                .get(&device.id)
                .is_none_or(|l| l.replaceable),
            patch_status: device.fields.patch_status,
            last_patch,
            vendor_id: device.fields.vendor_id,
            vendor_name: device
                .fields
                .vendor_id
                .and_then(|v| self.vendor_names.get(&v).cloned()),
            patch,
            open_plans,
        }
    }

    fn row(&self, plan: PlannedAction, names: &HashMap<DeviceId, String>) -> PlanRow {
        PlanRow {
            device_name: names
                .get(&plan.fields.device_id)
                .cloned()
                .unwrap_or_default(),
            fiscal_year: self.fiscal.year_of(plan.fields.target_date),
            plan,
        }
    }
}

fn in_use(devices: Vec<Device>) -> Vec<Device> {
    devices
        .into_iter()
        .filter(|d| d.fields.status != DeviceStatus::Decommissioned)
        .collect()
}

fn check_plan(db: &Db<'_>, fields: &PlanFields) -> ApiResult<PlanFields> {
    let device = db
        .device(fields.device_id)?
        .ok_or_else(|| ApiError::not_found("device", fields.device_id))?;
    let mut issues = Vec::new();
    if let Some(cost) = fields.cost_cents {
        if !(0..=MAX_COST_CENTS).contains(&cost) {
            issues.push(devicerisk_core::FieldIssue {
                field: "cost_cents".to_string(),
                message: "must be between $0 and $10,000,000".to_string(),
            });
        }
    }
    if device.fields.status == DeviceStatus::Decommissioned && fields.status.is_open() {
        issues.push(devicerisk_core::FieldIssue {
            field: "device_id".to_string(),
            message: format!(
                "\"{}\" is decommissioned; nothing can be planned for it",
                device.fields.name
            ),
        });
    }
    if !issues.is_empty() {
        return Err(ApiError::validation("planned action", issues));
    }
    Ok(PlanFields {
        owner: clean(fields.owner.clone()),
        note: clean(fields.note.clone()),
        ..fields.clone()
    })
}

fn money(cents: Option<i32>) -> String {
    match cents {
        Some(c) => format!("${}.{:02}", c / 100, c % 100),
        None => "no estimate".to_string(),
    }
}

impl Api {
    /// Residual risk level per device, from the risk register's method.
    fn residual_levels(&self) -> ApiResult<HashMap<DeviceId, RiskLevel>> {
        Ok(self
            .device_risk_levels()?
            .into_iter()
            .map(|l| (l.device_id, l.residual_level))
            .collect())
    }

    /// Lifecycle support status of every device in use, for the risk builder.
    pub(crate) fn support_by_device(
        &self,
        db: &Db<'_>,
        devices: &[Device],
    ) -> ApiResult<HashMap<DeviceId, SupportStatus>> {
        let ctx = Context::load(self, db)?;
        Ok(devices
            .iter()
            .filter(|d| d.fields.status != DeviceStatus::Decommissioned)
            .map(|d| (d.id, ctx.support_of(d).support.status))
            .collect())
    }

    /// Support status of every device in use, with the OS match, patch cadence and counts.
    pub fn lifecycle_status(&self) -> ApiResult<LifecycleStatus> {
        let db = self.store.db();
        let ctx = Context::load(self, &db)?;
        let devices: Vec<DeviceSupport> = in_use(db.devices()?)
            .iter()
            .map(|d| ctx.support_of(d))
            .collect();
        let mut counts = SupportCounts::default();
        for d in &devices {
            match d.support.status {
                SupportStatus::Supported => counts.supported += 1,
                SupportStatus::EndingSoon => counts.ending_soon += 1,
                SupportStatus::Unsupported => counts.unsupported += 1,
                SupportStatus::Unknown => counts.unknown += 1,
            }
            if d.patch.status == PatchCadenceStatus::Overdue {
                counts.patch_overdue += 1;
            }
            if matches!(
                d.support.status,
                SupportStatus::Unsupported | SupportStatus::EndingSoon
            ) && d.open_plans == 0
            {
                counts.unplanned_at_risk += 1;
            }
        }
        let imports = db
            .eol_imports()?
            .into_iter()
            .map(|i| EolImportInfo {
                platform_id: i.platform_id,
                file_name: i.file_name,
                summary: i.summary,
                imported_at: i.imported_at,
            })
            .collect();
        Ok(LifecycleStatus {
            today: ctx.today,
            fiscal_start_month: ctx.fiscal.start_month(),
            devices,
            counts,
            table_attribution: ctx.table.attribution.clone(),
            table_snapshot: ctx.table.snapshot.clone(),
            imports,
        })
    }

    /// One device's lifecycle picture (decommissioned devices too).
    pub fn device_support(&self, id: DeviceId) -> ApiResult<DeviceSupport> {
        let db = self.store.db();
        let device = db
            .device(id)?
            .ok_or_else(|| ApiError::not_found("device", id))?;
        Ok(Context::load(self, &db)?.support_of(&device))
    }

    /// Every release of the table (with imports), for correcting a match.
    pub fn os_releases(&self) -> ApiResult<Vec<OsReleaseChoice>> {
        let table = effective_table(&self.store.db())?;
        let mut rows: Vec<OsReleaseChoice> = table
            .releases()
            .iter()
            .map(|r| OsReleaseChoice {
                id: r.id.clone(),
                label: r.label.clone(),
                platform: table
                    .platform(&r.platform)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                security_support_end: r.security_support_end.describe(),
            })
            .collect();
        rows.sort_by(|a, b| (&a.platform, &a.label).cmp(&(&b.platform, &b.label)));
        Ok(rows)
    }

    /// The user's correction of a device's OS match; `None` goes back to the automatic match.
    pub fn set_os_match(
        &self,
        id: DeviceId,
        release_id: Option<String>,
    ) -> ApiResult<DeviceSupport> {
        self.store.transaction(|db| {
            let device = db
                .device(id)?
                .ok_or_else(|| ApiError::not_found("device", id))?;
            let table = effective_table(db)?;
            let text = os_text(&device);
            let mut record = db.device_lifecycle(id)?.unwrap_or(DeviceLifecycle {
                device_id: id,
                os_override: None,
                replaceable: true,
            });
            let summary = match release_id.as_deref().map(str::trim) {
                Some(release) => {
                    let text = text.clone().ok_or_else(|| {
                        ApiError::new(
                            ErrorCode::Validation,
                            format!(
                                "\"{}\" has no operating system recorded; enter it on the device first.",
                                device.fields.name
                            ),
                        )
                    })?;
                    let chosen = table.release(release).ok_or_else(|| {
                        ApiError::new(
                            ErrorCode::Validation,
                            format!("\"{release}\" is not a release of the end-of-support table."),
                        )
                    })?;
                    record.os_override = Some((text.clone(), chosen.id.clone()));
                    format!(
                        "OS of \"{}\" (\"{text}\") matched by hand to {}",
                        device.fields.name, chosen.label
                    )
                }
                None => {
                    record.os_override = None;
                    format!("OS match of \"{}\" back to automatic", device.fields.name)
                }
            };
            db.save_device_lifecycle(&record, self.now())?;
            self.audit(db, "update", "device", &id.to_string(), &summary)?;
            Ok::<_, ApiError>(())
        })?;
        self.device_support(id)
    }

    /// Whether a device can be replaced (the suggestion isolates what cannot).
    pub fn set_replaceable(&self, id: DeviceId, replaceable: bool) -> ApiResult<DeviceSupport> {
        self.store.transaction(|db| {
            let device = db
                .device(id)?
                .ok_or_else(|| ApiError::not_found("device", id))?;
            let mut record = db.device_lifecycle(id)?.unwrap_or(DeviceLifecycle {
                device_id: id,
                os_override: None,
                replaceable: true,
            });
            record.replaceable = replaceable;
            db.save_device_lifecycle(&record, self.now())?;
            let words = if replaceable { "can" } else { "cannot" };
            self.audit(
                db,
                "update",
                "device",
                &id.to_string(),
                &format!("\"{}\" {words} be replaced", device.fields.name),
            )
        })?;
        self.device_support(id)
    }

    /// Every manufacturer + model of the inventory, with the vendor's end of support if entered.
    pub fn model_support(&self) -> ApiResult<Vec<ModelSupport>> {
        let db = self.store.db();
        let mut rows: BTreeMap<(String, String), ModelSupport> = BTreeMap::new();
        for record in db.model_supports()? {
            rows.insert(
                model_key(&record.manufacturer, &record.model),
                ModelSupport {
                    manufacturer: record.manufacturer,
                    model: record.model,
                    end_of_support: Some(record.end_of_support),
                    note: record.note,
                    device_count: 0,
                },
            );
        }
        for device in in_use(db.devices()?) {
            if let (Some(m), Some(model)) = (&device.fields.manufacturer, &device.fields.model) {
                rows.entry(model_key(m, model))
                    .or_insert_with(|| ModelSupport {
                        manufacturer: m.clone(),
                        model: model.clone(),
                        end_of_support: None,
                        note: None,
                        device_count: 0,
                    })
                    .device_count += 1;
            }
        }
        Ok(rows.into_values().collect())
    }

    /// Enters (or with `None` removes) the vendor's end of support for a model.
    pub fn set_model_support(&self, input: ModelSupportInput) -> ApiResult<Vec<ModelSupport>> {
        let manufacturer = input.manufacturer.trim().to_string();
        let model = input.model.trim().to_string();
        let mut issues = Vec::new();
        for (field, value) in [("manufacturer", &manufacturer), ("model", &model)] {
            if value.is_empty() {
                issues.push(devicerisk_core::FieldIssue {
                    field: field.to_string(),
                    message: "is required".to_string(),
                });
            }
        }
        if !issues.is_empty() {
            return Err(ApiError::validation("model end of support", issues));
        }
        self.store.transaction(|db| {
            let entity = format!("{manufacturer} {model}");
            match input.end_of_support {
                Some(end) => {
                    db.save_model_support(
                        &ModelSupportRecord {
                            manufacturer: manufacturer.clone(),
                            model: model.clone(),
                            end_of_support: end,
                            note: clean(input.note.clone()),
                        },
                        self.now(),
                    )?;
                    self.audit(
                        db,
                        "update",
                        "model_support",
                        &entity,
                        &format!("Vendor end of support of {entity}: {end}"),
                    )
                }
                None => {
                    db.delete_model_support(&manufacturer, &model)?;
                    self.audit(
                        db,
                        "delete",
                        "model_support",
                        &entity,
                        &format!("Vendor end of support of {entity} removed"),
                    )
                }
            }
        })?;
        self.model_support()
    }

    /// Days between a vendor's patches; `None` stops tracking.
    pub fn set_patch_cadence(&self, vendor: VendorId, days: Option<i32>) -> ApiResult<()> {
        if let Some(d) = days {
            if !(1..=3650).contains(&d) {
                return Err(ApiError::validation(
                    "patch cadence",
                    vec![devicerisk_core::FieldIssue {
                        field: "cadence_days".to_string(),
                        message: format!("must be 1 to 3650 days, not {d}"),
                    }],
                ));
            }
        }
        self.store.transaction(|db| {
            let v = db
                .vendor(vendor)?
                .ok_or_else(|| ApiError::not_found("vendor", vendor))?;
            db.set_patch_cadence(vendor, days)?;
            let summary = match days {
                Some(d) => format!("Patch cadence of {}: every {d} days", v.fields.name),
                None => format!("Patch cadence of {} no longer tracked", v.fields.name),
            };
            self.audit(db, "update", "vendor", &vendor.to_string(), &summary)
        })
    }

    /// Every vendor with its patch cadence in days (`None`: not tracked).
    pub fn patch_cadences(&self) -> ApiResult<Vec<VendorCadence>> {
        let db = self.store.db();
        let cadences = db.patch_cadences()?;
        Ok(db
            .vendors()?
            .into_iter()
            .map(|v| VendorCadence {
                vendor_id: v.id,
                cadence_days: cadences.get(&v.id).copied(),
                vendor_name: v.fields.name,
            })
            .collect())
    }

    pub fn patch_log(&self, device: DeviceId) -> ApiResult<Vec<PatchEntry>> {
        let db = self.store.db();
        db.device(device)?
            .ok_or_else(|| ApiError::not_found("device", device))?;
        Ok(db.patch_log(device)?)
    }

    /// Logs a patch; a newer patch date also becomes the device's last patch date (and the
    /// "to" version its software version), so the inventory and the log agree.
    pub fn add_patch(&self, input: NewPatch) -> ApiResult<PatchEntry> {
        let to_version = input.to_version.trim().to_string();
        let mut issues = Vec::new();
        if to_version.is_empty() {
            issues.push(devicerisk_core::FieldIssue {
                field: "to_version".to_string(),
                message: "is required (the version after the patch)".to_string(),
            });
        }
        if input.patched_on > self.today() {
            issues.push(devicerisk_core::FieldIssue {
                field: "patched_on".to_string(),
                message: format!("is in the future ({})", input.patched_on),
            });
        }
        if !issues.is_empty() {
            return Err(ApiError::validation("patch", issues));
        }
        self.store.transaction(|db| {
            let mut device = db
                .device(input.device_id)?
                .ok_or_else(|| ApiError::not_found("device", input.device_id))?;
            let now = self.now();
            let entry = PatchEntry {
                id: PatchId::new(),
                device_id: input.device_id,
                patched_on: input.patched_on,
                from_version: clean(input.from_version.clone()),
                to_version: to_version.clone(),
                tested_by: clean(input.tested_by.clone()),
                note: clean(input.note.clone()),
                recorded_at: now,
            };
            db.insert_patch(&entry)?;
            if device
                .fields
                .last_patch_date
                .is_none_or(|d| d <= input.patched_on)
            {
                device.fields.last_patch_date = Some(input.patched_on);
                device.fields.software_version = Some(to_version.clone());
                device.updated_at = now;
                db.update_device(&device)?;
            }
            self.audit(
                db,
                "patch",
                "device",
                &input.device_id.to_string(),
                &format!(
                    "Patch of \"{}\" on {}: {} → {to_version}",
                    device.fields.name,
                    input.patched_on,
                    entry.from_version.as_deref().unwrap_or("?")
                ),
            )?;
            Ok(entry)
        })
    }

    /// Every planned action, by target date, with device names and fiscal years.
    pub fn list_plans(&self) -> ApiResult<Vec<PlanRow>> {
        let db = self.store.db();
        let ctx = Context::load(self, &db)?;
        let names = device_names(&db)?;
        Ok(ctx
            .plans
            .iter()
            .cloned()
            .map(|p| ctx.row(p, &names))
            .collect())
    }

    pub fn create_plan(&self, fields: PlanFields) -> ApiResult<PlannedAction> {
        self.store.transaction(|db| {
            let fields = check_plan(db, &fields)?;
            let now = self.now();
            let plan = PlannedAction {
                id: PlanId::new(),
                fields,
                created_at: now,
                updated_at: now,
            };
            db.save_plan(&plan)?;
            let name = db
                .device(plan.fields.device_id)?
                .map(|d| d.fields.name)
                .unwrap_or_default();
            self.audit(
                db,
                "create",
                "plan",
                &plan.id.to_string(),
                &format!(
                    "{} \"{name}\" by {} ({}){}",
                    plan.fields.action.label(),
                    plan.fields.target_date,
                    money(plan.fields.cost_cents),
                    if plan.fields.origin == PlanOrigin::Suggested {
                        ", suggested"
                    } else {
                        ""
                    }
                ),
            )?;
            Ok(plan)
        })
    }

    pub fn update_plan(&self, id: PlanId, fields: PlanFields) -> ApiResult<PlannedAction> {
        self.store.transaction(|db| {
            let old = db
                .plan(id)?
                .ok_or_else(|| ApiError::not_found("planned action", id))?;
            let fields = check_plan(db, &fields)?;
            let plan = PlannedAction {
                fields,
                updated_at: self.now(),
                ..old
            };
            db.save_plan(&plan)?;
            self.audit(
                db,
                "update",
                "plan",
                &id.to_string(),
                &format!(
                    "{} by {} ({}), {}",
                    plan.fields.action.label(),
                    plan.fields.target_date,
                    money(plan.fields.cost_cents),
                    plan.fields.status.label()
                ),
            )?;
            Ok(plan)
        })
    }

    pub fn delete_plan(&self, id: PlanId) -> ApiResult<()> {
        self.store.transaction(|db| {
            let old = db
                .plan(id)?
                .ok_or_else(|| ApiError::not_found("planned action", id))?;
            db.delete_plan(id)?;
            self.audit(
                db,
                "delete",
                "plan",
                &id.to_string(),
                &format!(
                    "{} by {} deleted",
                    old.fields.action.label(),
                    old.fields.target_date
                ),
            )
        })
    }

    /// "Suggest plan": a proposal per device in use that needs one, to accept or edit.
    pub fn suggest_plans(&self) -> ApiResult<Vec<PlanProposal>> {
        let db = self.store.db();
        let ctx = Context::load(self, &db)?;
        let residual = self.residual_levels()?;
        let mut proposals = Vec::new();
        for device in in_use(db.devices()?) {
            let support = ctx.support_of(&device);
            let level = residual.get(&device.id).copied();
            let suggestion = suggest_plan(&PlanInput {
                device_status: device.fields.status,
                support: support.support.status,
                support_end: support.support.end_date,
                residual: level,
                patch: device.fields.patch_status,
                replaceable: support.replaceable,
                today: ctx.today,
                fiscal: ctx.fiscal,
            });
            let Some(action) = suggestion.action else {
                continue;
            };
            let already_planned = ctx.plans.iter().any(|p| {
                p.fields.device_id == device.id
                    && p.fields.action == action
                    && p.fields.status.is_open()
            });
            proposals.push(PlanProposal {
                device_id: device.id,
                device_name: device.fields.name.clone(),
                support_status: support.support.status,
                residual: level,
                suggestion,
                already_planned,
            });
        }
        proposals.sort_by(|a, b| {
            (a.suggestion.target_date, &a.device_name)
                .cmp(&(b.suggestion.target_date, &b.device_name))
        });
        Ok(proposals)
    }

    /// Budget per fiscal year and the multi-year roadmap of open actions.
    pub fn lifecycle_roadmap(&self) -> ApiResult<Roadmap> {
        let db = self.store.db();
        let ctx = Context::load(self, &db)?;
        let names = device_names(&db)?;
        let current = ctx.fiscal.year_of(ctx.today);
        let open: Vec<PlanRow> = ctx
            .plans
            .iter()
            .filter(|p| p.fields.status.is_open())
            .cloned()
            .map(|p| ctx.row(p, &names))
            .collect();
        let overdue = open
            .iter()
            .filter(|r| r.plan.fields.target_date < ctx.today)
            .cloned()
            .collect();
        let first = open
            .iter()
            .map(|r| r.fiscal_year.year)
            .min()
            .unwrap_or(current.year)
            .min(current.year);
        let last = open
            .iter()
            .map(|r| r.fiscal_year.year)
            .max()
            .unwrap_or(current.year)
            .max(current.year);
        let years = (first..=last)
            .map(|year| {
                let plans: Vec<PlanRow> = open
                    .iter()
                    .filter(|r| r.fiscal_year.year == year)
                    .cloned()
                    .collect();
                let by_action = PlanAction::ALL
                    .into_iter()
                    .filter_map(|action| {
                        let of: Vec<&PlanRow> = plans
                            .iter()
                            .filter(|r| r.plan.fields.action == action)
                            .collect();
                        (!of.is_empty()).then(|| ActionTotal {
                            action,
                            count: of.len() as u32,
                            cost_cents: of
                                .iter()
                                .map(|r| f64::from(r.plan.fields.cost_cents.unwrap_or(0)))
                                .sum(),
                        })
                    })
                    .collect();
                BudgetYear {
                    fiscal_year: ctx.fiscal.year(year),
                    total_cents: plans
                        .iter()
                        .map(|r| f64::from(r.plan.fields.cost_cents.unwrap_or(0)))
                        .sum(),
                    unestimated: plans
                        .iter()
                        .filter(|r| r.plan.fields.cost_cents.is_none())
                        .count() as u32,
                    by_action,
                    plans,
                }
            })
            .collect();
        Ok(Roadmap {
            fiscal_start_month: ctx.fiscal.start_month(),
            current,
            years,
            overdue,
        })
    }

    /// Deadlines within `window` (and every overdue one): end of support, open planned
    /// actions, patches due, risk acceptances expiring, risk review dates and the next annual
    /// risk assessment. `subject_id` is a device id, a risk key or an assessment id by kind.
    pub fn lifecycle_deadlines(&self, window: DeadlineWindow) -> ApiResult<Vec<UpcomingDeadline>> {
        let db = self.store.db();
        let ctx = Context::load(self, &db)?;
        let mut items = self.risk_deadline_items(&db)?;
        items.extend(crate::assessments::annual_review_item(&db)?);
        let devices = in_use(db.devices()?);
        let names: HashMap<DeviceId, String> = devices
            .iter()
            .map(|d| (d.id, d.fields.name.clone()))
            .collect();
        for device in &devices {
            let s = ctx.support_of(device);
            // A past end of support is a status (Unsupported), not a deadline to meet.
            if let Some(end) = s.support.end_date.filter(|end| *end >= ctx.today) {
                items.push(DatedItem {
                    kind: DeadlineKind::EndOfSupport,
                    date: end,
                    title: format!("End of support: {}", device.fields.name),
                    subject_id: Some(device.id.to_string()),
                });
            }
            if let Some(due) = s.patch.due_date {
                items.push(DatedItem {
                    kind: DeadlineKind::PatchDue,
                    date: due,
                    title: format!("Patch due: {}", device.fields.name),
                    subject_id: Some(device.id.to_string()),
                });
            }
        }
        for plan in ctx.plans.iter().filter(|p| p.fields.status.is_open()) {
            let Some(name) = names.get(&plan.fields.device_id) else {
                continue;
            };
            items.push(DatedItem {
                kind: DeadlineKind::PlannedAction,
                date: plan.fields.target_date,
                title: format!("{}: {name}", plan.fields.action.label()),
                subject_id: Some(plan.fields.device_id.to_string()),
            });
        }
        Ok(upcoming_deadlines(&items, ctx.today, window))
    }

    /// Imports a newer endoflife.date product file (`products/<name>.md`) into the table; it
    /// is kept in the database and replayed on every start. Returns what changed.
    pub fn import_endoflife(&self, path: &str) -> ApiResult<EolImportReport> {
        let source = PathBuf::from(path.trim());
        let content = std::fs::read_to_string(&source).map_err(|e| {
            ApiError::new(
                ErrorCode::BadFile,
                format!("Cannot read {}: {e}.", source.display()),
            )
        })?;
        self.store.transaction(|db| {
            let table = effective_table(db)?;
            let (_, report) = table.import_endoflife(&content).map_err(|e| {
                ApiError::new(ErrorCode::BadFile, format!("{}: {e}.", source.display()))
            })?;
            let file_name = source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            db.save_eol_import(&EolImportRecord {
                platform_id: report.platform_id.clone(),
                file_name: file_name.clone(),
                content: content.clone(),
                summary: report.summary.clone(),
                imported_at: self.now(),
            })?;
            self.audit(
                db,
                "import",
                "endoflife",
                &report.platform_id,
                &format!("endoflife.date file {file_name}: {}", report.summary),
            )?;
            Ok(report)
        })
    }

    pub fn decommission_checklist(&self, id: DeviceId) -> ApiResult<DecommissionChecklist> {
        let db = self.store.db();
        let device = db
            .device(id)?
            .ok_or_else(|| ApiError::not_found("device", id))?;
        let done = db.decommission_steps(id)?;
        let dir = self.data_dir();
        let steps: Vec<DecommissionStepView> = DecommissionStepKind::ALL
            .into_iter()
            .map(|step| {
                let record = done.iter().find(|r| r.step == step).cloned();
                DecommissionStepView {
                    step,
                    label: step.label().to_string(),
                    file_path: record
                        .as_ref()
                        .and_then(|r| r.file.as_ref())
                        .map(|f| dir.join(&f.stored_path).display().to_string()),
                    done: record,
                }
            })
            .collect();
        Ok(DecommissionChecklist {
            device_id: id,
            device_name: device.fields.name,
            device_status: device.fields.status,
            complete: steps.iter().all(|s| s.done.is_some()),
            steps,
        })
    }

    /// Ticks one step with who and when; the certificate step copies the file into
    /// `<data folder>/evidence/<sha256 prefix>/` and records its SHA-256.
    pub fn record_decommission_step(
        &self,
        input: DecommissionStepInput,
    ) -> ApiResult<DecommissionChecklist> {
        let done_by = input.done_by.trim().to_string();
        let mut issues = Vec::new();
        if done_by.is_empty() {
            issues.push(devicerisk_core::FieldIssue {
                field: "done_by".to_string(),
                message: "is required (who did it)".to_string(),
            });
        }
        if input.done_on > self.today() {
            issues.push(devicerisk_core::FieldIssue {
                field: "done_on".to_string(),
                message: format!("is in the future ({})", input.done_on),
            });
        }
        let wants_file = input.step == DecommissionStepKind::CertificateAttached;
        let path = input
            .certificate_path
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        if wants_file && path.is_none() {
            issues.push(devicerisk_core::FieldIssue {
                field: "certificate_path".to_string(),
                message: "is required: choose the disposal certificate file".to_string(),
            });
        }
        if !issues.is_empty() {
            return Err(ApiError::validation("decommission step", issues));
        }
        let file = match (wants_file, path) {
            (true, Some(path)) => Some(Self::read_certificate(path)?),
            _ => None,
        };
        self.store.transaction(|db| {
            let device = db
                .device(input.device_id)?
                .ok_or_else(|| ApiError::not_found("device", input.device_id))?;
            if device.fields.status == DeviceStatus::Decommissioned {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "\"{}\" is already decommissioned; its checklist is closed.",
                        device.fields.name
                    ),
                ));
            }
            if let Some((_, copy)) = &file {
                copy.write_into(&self.data_dir(), "certificate")?;
            }
            let file = file.as_ref().map(|(f, _)| f.clone());
            let record = DecommissionStepRecord {
                device_id: input.device_id,
                step: input.step,
                done_by: done_by.clone(),
                done_on: input.done_on,
                note: clean(input.note.clone()),
                file: file.clone(),
                recorded_at: self.now(),
            };
            db.save_decommission_step(&record)?;
            let mut summary = format!(
                "Decommission of \"{}\": {} by {done_by} on {}",
                device.fields.name,
                input.step.label(),
                input.done_on
            );
            if let Some(f) = &file {
                summary.push_str(&format!(" (\"{}\", SHA-256 {})", f.file_name, f.sha256));
            }
            self.audit(
                db,
                "update",
                "device",
                &input.device_id.to_string(),
                &summary,
            )
        })?;
        self.decommission_checklist(input.device_id)
    }

    /// Reads the certificate before the transaction; it is written inside it.
    fn read_certificate(path: &str) -> ApiResult<(StoredFile, EvidenceCopy)> {
        let copy = EvidenceCopy::read(Path::new(path))?;
        let size = u32::try_from(copy.bytes.len()).map_err(|_| {
            ApiError::new(ErrorCode::BadFile, format!("{path} is larger than 4 GB."))
        })?;
        let file = StoredFile {
            file_name: copy.file_name.clone(),
            stored_path: copy.stored_path.clone(),
            sha256: copy.sha256.clone(),
            size,
        };
        Ok((file, copy))
    }

    /// Un-ticks a step (a mistake), while the device is not yet decommissioned.
    pub fn clear_decommission_step(
        &self,
        id: DeviceId,
        step: DecommissionStepKind,
    ) -> ApiResult<DecommissionChecklist> {
        self.store.transaction(|db| {
            let device = db
                .device(id)?
                .ok_or_else(|| ApiError::not_found("device", id))?;
            if device.fields.status == DeviceStatus::Decommissioned {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "\"{}\" is already decommissioned; its checklist is closed.",
                        device.fields.name
                    ),
                ));
            }
            db.delete_decommission_step(id, step)?;
            self.audit(
                db,
                "update",
                "device",
                &id.to_string(),
                &format!(
                    "Decommission of \"{}\": {} un-ticked",
                    device.fields.name,
                    step.label()
                ),
            )
        })?;
        self.decommission_checklist(id)
    }

    /// Decommissions the device once every step is done; open planned actions are cancelled.
    /// The device stays in history.
    pub fn finish_decommission(&self, id: DeviceId) -> ApiResult<Device> {
        let checklist = self.decommission_checklist(id)?;
        if !checklist.complete {
            let missing: Vec<&str> = checklist
                .steps
                .iter()
                .filter(|s| s.done.is_none())
                .map(|s| s.label.as_str())
                .collect();
            return Err(ApiError::new(
                ErrorCode::Validation,
                format!(
                    "\"{}\" cannot be decommissioned yet: {} still to do ({}).",
                    checklist.device_name,
                    missing.len(),
                    missing.join(", ")
                ),
            ));
        }
        self.store.transaction(|db| {
            let device =
                self.decommission_in(db, id, Some("decommission checklist completed".to_string()))?;
            // Nothing is left to do for a device out of service.
            for mut plan in db
                .plans()?
                .into_iter()
                .filter(|p| p.fields.device_id == id && p.fields.status.is_open())
            {
                plan.fields.status = PlanStatus::Cancelled;
                plan.updated_at = self.now();
                db.save_plan(&plan)?;
                self.audit(
                    db,
                    "update",
                    "plan",
                    &plan.id.to_string(),
                    &format!(
                        "{} cancelled: \"{}\" was decommissioned",
                        plan.fields.action.label(),
                        device.fields.name
                    ),
                )?;
            }
            Ok(device)
        })
    }
}

/// The vendor support the risk method sees: the record's, made worse when the lifecycle
/// status (OS table or the model's vendor date) says support has ended. An unknown lifecycle
/// status leaves the record's answer (an unknown record already counts as a weakness).
pub(crate) fn risk_support(
    record: devicerisk_core::VendorSupport,
    status: SupportStatus,
) -> devicerisk_core::VendorSupport {
    use devicerisk_core::VendorSupport as V;
    match status {
        SupportStatus::Unsupported => V::Ended,
        _ => record,
    }
}

fn device_names(db: &Db<'_>) -> ApiResult<HashMap<DeviceId, String>> {
    Ok(db
        .devices()?
        .into_iter()
        .map(|d| (d.id, d.fields.name))
        .collect())
}
