//! The home screen: the guided path with progress computed from the data.

use devicerisk_core::DeviceStatus;

use crate::places::count;
use crate::{Api, ApiResult, AppStatus, ChecklistStep, StepState};

fn step(
    key: &str,
    title: &str,
    description: &str,
    state: StepState,
    detail: String,
) -> ChecklistStep {
    ChecklistStep {
        key: key.to_string(),
        title: title.to_string(),
        description: description.to_string(),
        state,
        detail,
    }
}

impl Api {
    pub fn status(&self) -> ApiResult<AppStatus> {
        let db = self.store.db();
        let clinic = db.clinic()?;
        let sites = db.sites()?;
        let zones = db.zones()?;
        let vendors = db.vendors()?;
        let devices = db.devices()?;
        let in_use: Vec<_> = devices
            .iter()
            .filter(|d| d.fields.status != DeviceStatus::Decommissioned)
            .collect();
        let with_gaps = in_use
            .iter()
            .filter(|d| !d.fields.gaps().is_empty())
            .count() as u32;
        let device_count = in_use.len() as u32;

        let clinic_step = match &clinic {
            None => step_todo("Not filled in yet."),
            Some(profile)
                if profile.security_officer.is_none() || profile.contact_email.is_none() =>
            {
                (
                    StepState::InProgress,
                    format!(
                        "{}: add the security officer and a contact e-mail.",
                        profile.name
                    ),
                )
            }
            Some(profile) => (StepState::Done, profile.name.clone()),
        };
        let sites_step = match (sites.len(), zones.len()) {
            (0, _) => step_todo("No sites yet."),
            (s, 0) => (
                StepState::InProgress,
                format!("{}, no network zones yet.", count(s as u32, "site")),
            ),
            (s, z) => (
                StepState::Done,
                format!(
                    "{}, {}.",
                    count(s as u32, "site"),
                    count(z as u32, "network zone")
                ),
            ),
        };
        let vendors_step = match vendors.len() {
            0 => step_todo("No vendors yet."),
            n => (StepState::Done, format!("{}.", count(n as u32, "vendor"))),
        };
        let devices_step = match (device_count, with_gaps) {
            (0, _) => step_todo("No devices yet: add them one by one or import a spreadsheet."),
            (n, 0) => (
                StepState::Done,
                format!("{}, every fact known.", count(n, "device")),
            ),
            (n, g) => (
                StepState::InProgress,
                format!("{}, {g} with unknown facts.", count(n, "device")),
            ),
        };
        let questionnaires_step = self.questionnaire_step(&db)?;
        let risks_step = self.risks_step(&db)?;
        let lifecycle_step = self.lifecycle_step(device_count)?;
        let packet_step = match self.packets_generated()?.first() {
            None => step_todo("No packet generated yet."),
            Some(last) => (
                StepState::Done,
                format!("Last generated {}.", last.at.format("%Y-%m-%d %H:%M UTC")),
            ),
        };

        let plan: [(&str, &str, &str, (StepState, String)); 8] = [
            ("clinic", "Clinic profile", "Name the clinic and who answers for security.", clinic_step),
            ("sites_zones", "Sites and network zones", "Where devices are, and which network segments (VLANs) they sit on.", sites_step),
            ("vendors", "Vendors", "Manufacturers and service companies, with their security contacts and commitments.", vendors_step),
            ("devices", "Devices", "Every connected medical device, with what is known and what is not.", devices_step),
            ("questionnaires", "Questionnaires", "Answer the clinic-wide and per-device security questions.", questionnaires_step),
            ("risks", "Risks", "Rate, treat and accept the risks the answers reveal.", risks_step),
            ("lifecycle", "Lifecycle plan", "Plan patches, isolation and replacement of unsupported devices.", lifecycle_step),
            ("audit_packet", "Audit packet", "Produce the evidence packet for auditors and insurers.", packet_step),
        ];
        let steps = plan
            .into_iter()
            .map(|(key, title, description, (state, detail))| {
                step(key, title, description, state, detail)
            })
            .collect();
        Ok(AppStatus {
            db_path: self.db_path().display().to_string(),
            is_empty: clinic.is_none()
                && sites.is_empty()
                && vendors.is_empty()
                && devices.is_empty(),
            device_count,
            steps,
        })
    }
}

impl Api {
    /// Lifecycle: done when no device in use is unsupported or ending soon without an open
    /// planned action and none has an unknown support status.
    fn lifecycle_step(&self, device_count: u32) -> ApiResult<(StepState, String)> {
        if device_count == 0 {
            return Ok(step_todo("No devices yet."));
        }
        let status = self.lifecycle_status()?;
        let c = &status.counts;
        let planned = status.devices.iter().filter(|d| d.open_plans > 0).count() as u32;
        Ok(match (c.unplanned_at_risk, c.unknown, planned) {
            (0, 0, _) => (
                StepState::Done,
                format!(
                    "Every unsupported or ending device has a plan; {} with planned actions.",
                    count(planned, "device")
                ),
            ),
            (at_risk, unknown, 0) => (
                StepState::Todo,
                format!(
                    "{} without a plan, {} with unknown support.",
                    count(at_risk, "unsupported or ending device"),
                    unknown
                ),
            ),
            (at_risk, unknown, _) => (
                StepState::InProgress,
                format!(
                    "{} still without a plan, {unknown} with unknown support.",
                    count(at_risk, "unsupported or ending device")
                ),
            ),
        })
    }
}

fn step_todo(detail: &str) -> (StepState, String) {
    (StepState::Todo, detail.to_string())
}
