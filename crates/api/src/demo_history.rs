//! A year of records for the demo clinic (`devicerisk demo --history`): what a clinic that has
//! used DeviceRisk for a year would have, so every screen and the audit packet show real content
//! (a signed-off assessment from last year and this year's draft carried forward from it,
//! compensating controls, risk decisions and an acceptance, vendor patch cadences, a patch log,
//! a vendor end of support, and a lifecycle plan with its budget).
//!
//! Everything goes through the same use cases a person would use, except last year's assessment,
//! which is written with last year's dates (the use cases date things "today").

use chrono::{Days, Months, NaiveDate};
use devicerisk_core::lifecycle::{PlanAction, PlanFields, PlanOrigin, PlanStatus};
use devicerisk_core::questionnaire::{
    self as q, Answer, AnswerSubject, AnswerType, AnswerValue, Assessment, Question, SignOff,
};
use devicerisk_core::{Device, RemoteAccess, RiskStatus, RiskTreatment};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::assessments::questionnaire;
use crate::{
    AcceptRisk, AnswerInput, Api, ApiError, ApiResult, ControlAssignment, DeviceQuery, DeviceSort,
    ErrorCode, ModelSupportInput, NewAssessment, NewPatch, RegisterFilter, RiskUpdate,
};

/// What `load_demo_history` added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DemoHistoryReport {
    /// Last year's assessment (final) and this year's draft carried forward from it.
    pub assessments: u32,
    pub answers: u32,
    pub controls: u32,
    pub risk_decisions: u32,
    pub plans: u32,
    pub patches: u32,
}

/// A deterministic answer for a clinic question: most practices in place, some partly, a few
/// missing or unknown, as in a small clinic a year into its programme. `turn` varies the answer
/// between questions; `improved` is this year's answer to a question that was a gap last year.
fn demo_answer(question: &Question, turn: usize, improved: bool, today: NaiveDate) -> Answer {
    let value = match question.answer {
        AnswerType::YesNoPartial => match (improved, turn % 7) {
            (true, _) | (false, 0..=3) => AnswerValue::Yes,
            (false, 4) => AnswerValue::Partial,
            (false, 5) => AnswerValue::No,
            _ => AnswerValue::Unknown,
        },
        AnswerType::YesNo => match (improved, turn % 5) {
            (true, _) | (false, 0..=2) => AnswerValue::Yes,
            (false, 3) => AnswerValue::No,
            _ => AnswerValue::Unknown,
        },
        AnswerType::SingleChoice => {
            match question.options.get(turn % question.options.len().max(1)) {
                Some(option) => AnswerValue::Choice(option.id.clone()),
                None => AnswerValue::Unknown,
            }
        }
        AnswerType::MultiChoice => match question.options.first() {
            Some(option) => AnswerValue::Choices(vec![option.id.clone()]),
            None => AnswerValue::Unknown,
        },
        AnswerType::Number => AnswerValue::Number(((turn % 4) * 30) as f64),
        AnswerType::Date => AnswerValue::Date(
            today
                .checked_sub_days(Days::new(30 + (turn % 6) as u64 * 40))
                .unwrap_or(today),
        ),
        AnswerType::Text => AnswerValue::Text("See the IT binder, section 3.".to_string()),
    };
    Answer::new(value)
}

impl Api {
    /// Adds a year of records to a freshly loaded demo clinic (see the module comment).
    /// Refuses a database without devices or one that already has assessments.
    pub fn load_demo_history(&self) -> ApiResult<DemoHistoryReport> {
        let today = self.today();
        let devices: Vec<Device> = self
            .list_devices(DeviceQuery {
                sort: DeviceSort::AssetTag,
                ..DeviceQuery::default()
            })?
            .rows
            .into_iter()
            .map(|r| r.device)
            .collect();
        if devices.is_empty() {
            return Err(ApiError::new(
                ErrorCode::Validation,
                "The demo history goes on top of the demo clinic: load the demo clinic first.",
            ));
        }
        if !self.list_assessments()?.is_empty() {
            return Err(ApiError::new(
                ErrorCode::NotEmpty,
                "The database already has assessments; the demo history goes into a fresh demo clinic only.",
            ));
        }
        let mut report = DemoHistoryReport {
            assessments: 0,
            answers: 0,
            controls: 0,
            risk_decisions: 0,
            plans: 0,
            patches: 0,
        };

        // Last year's assessment, answered and signed off with last year's dates.
        let questionnaire = questionnaire()?;
        let clinic_set = questionnaire
            .set(q::Scope::Clinic)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "no clinic questions"))?;
        let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
        let last_title = format!("{} annual", year_ago.format("%Y"));
        let mut last = Assessment::new_draft(&last_title, year_ago, questionnaire.versions())
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        last.assessor = Some("Dana Whitfield".to_string());
        let last_answers: Vec<(String, Answer)> = clinic_set
            .questions()
            .enumerate()
            .map(|(turn, question)| {
                (
                    question.id.clone(),
                    demo_answer(question, turn, false, year_ago),
                )
            })
            .collect();
        let signed_on = year_ago.checked_add_days(Days::new(21)).unwrap_or(year_ago);
        // Last year's times too, so its history reads as last year's.
        let at = |day: NaiveDate, hour: u32| {
            day.and_hms_opt(hour, 0, 0)
                .map(|t| t.and_utc())
                .unwrap_or_else(|| self.now())
        };
        self.store.transaction(|db| {
            let created = at(year_ago, 9);
            // The inventory was there before last year's assessment.
            db.backdate_devices(at(
                year_ago.checked_sub_days(Days::new(30)).unwrap_or(year_ago),
                9,
            ))?;
            db.insert_assessment(&last, created)?;
            for (id, answer) in &last_answers {
                db.put_answer(
                    last.id,
                    &AnswerSubject::Clinic,
                    id,
                    Some(answer),
                    at(year_ago, 11),
                )?;
            }
            last.finalize(
                SignOff {
                    name: "Dana Whitfield".to_string(),
                    role: "Chief Operating Officer".to_string(),
                    signed_on,
                },
                Vec::new(),
            )
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            db.finalize_assessment(&last, at(signed_on, 16))?;
            // Levels as they were then: before this year's controls and decisions below.
            self.record_risk_snapshot(db, last.id)?;
            self.audit(
                db,
                "demo",
                "assessment",
                &last.id.to_string(),
                &format!("Demo history: \"{last_title}\" answered and signed off on {signed_on}"),
            )
        })?;
        report.assessments += 1;
        report.answers += last_answers.len() as u32;

        // This year's draft carries last year's answers forward; a third of last year's gaps
        // are fixed and confirmed, the rest still wait for someone to confirm them.
        let draft = self.create_assessment(NewAssessment {
            title: format!("{} annual", today.format("%Y")),
            carry_forward_from: Some(last.id),
        })?;
        report.assessments += 1;
        let confirmed: Vec<AnswerInput> = clinic_set
            .questions()
            .zip(&last_answers)
            .enumerate()
            .filter(|(turn, _)| turn % 3 == 0)
            .map(|(turn, (question, (id, before)))| AnswerInput {
                subject: AnswerSubject::Clinic,
                question_id: id.clone(),
                answer: Some(if q::judge(question, before, today).is_some() {
                    demo_answer(question, turn, true, today)
                } else {
                    Answer {
                        to_confirm: false,
                        ..before.clone()
                    }
                }),
            })
            .collect();
        report.answers += self.save_answers(draft.assessment.id, confirmed)?.saved;

        // Compensating controls put in place during the year: a network monitor on the medical
        // and clinical IT VLANs, and vendor VPN accounts opened only per service ticket.
        let zones = self.list_zones()?;
        let on_zone = |prefix: &str| -> Vec<_> {
            let zone_ids: Vec<_> = zones
                .iter()
                .filter(|z| z.zone.name.starts_with(prefix))
                .map(|z| z.zone.id)
                .collect();
            devices
                .iter()
                .filter(|d| !d.fields.connectivity.is_empty())
                .filter(|d| d.fields.zone_id.is_some_and(|z| zone_ids.contains(&z)))
                .map(|d| d.id)
                .collect()
        };
        let mut monitored = on_zone("Medical devices VLAN");
        monitored.extend(on_zone("Clinical IT VLAN"));
        let vendor_vpn: Vec<_> = devices
            .iter()
            .filter(|d| d.fields.remote_vendor_access == RemoteAccess::AlwaysOn)
            .map(|d| d.id)
            .collect();
        for (control, ids, note) in [
            (
                "network_monitoring",
                monitored,
                "IDS sensor on the core switch SPAN port since March",
            ),
            (
                "remote_access_disabled",
                vendor_vpn,
                "Vendor VPN accounts disabled; opened per service ticket",
            ),
        ] {
            if ids.is_empty() {
                continue;
            }
            report.controls += self
                .assign_control(ControlAssignment {
                    control_id: control.to_string(),
                    device_ids: ids,
                    note: Some(note.to_string()),
                })?
                .changed;
        }

        // Risk decisions: the worst risk is being mitigated with an owner and a due date, one is
        // accepted until the vendor's firmware arrives, one is reviewed next quarter.
        let register = self.risk_register(RegisterFilter::default())?;
        let open: Vec<_> = register
            .iter()
            .filter(|r| r.status != RiskStatus::Closed)
            .collect();
        let in_days = |n: u64| today.checked_add_days(Days::new(n)).unwrap_or(today);
        if let Some(worst) = open.first() {
            self.save_risk(RiskUpdate {
                key: worst.key.clone(),
                treatment: RiskTreatment::Mitigate,
                owner: Some("IT: Priya Natarajan".to_string()),
                due_date: Some(in_days(60)),
                review_date: Some(in_days(90)),
                status: RiskStatus::InProgress,
                notes: Some("Work order 2291 with the network vendor.".to_string()),
            })?;
            report.risk_decisions += 1;
        }
        if let Some(creds) = open
            .iter()
            .find(|r| r.key == "factor:default_credentials_unchanged")
        {
            self.accept_risk(AcceptRisk {
                key: creds.key.clone(),
                approver: "Dana Whitfield (Chief Operating Officer)".to_string(),
                reason: "The vendor's firmware that allows a password change ships next quarter; \
                         the devices sit on the isolated medical VLAN until then."
                    .to_string(),
                expires: Some(in_days(75)),
            })?;
            report.risk_decisions += 1;
        }
        if let Some(other) = open
            .iter()
            .find(|r| r.key != "factor:default_credentials_unchanged" && r.key != open[0].key)
        {
            self.save_risk(RiskUpdate {
                key: other.key.clone(),
                treatment: RiskTreatment::Mitigate,
                owner: Some("Biomed: Sam Ortiz".to_string()),
                due_date: None,
                review_date: Some(in_days(25)),
                status: RiskStatus::Open,
                notes: None,
            })?;
            report.risk_decisions += 1;
        }

        // Lifecycle: vendors' patch cadences, a patch log on the first devices with a version, a
        // vendor's end-of-support letter, and the suggested plan accepted with costs and owners.
        for (index, vendor) in self.list_vendors()?.iter().enumerate() {
            if index % 2 == 0 {
                self.set_patch_cadence(
                    vendor.vendor.id,
                    Some(if index % 4 == 0 { 90 } else { 180 }),
                )?;
            }
        }
        for (index, device) in devices
            .iter()
            .filter(|d| d.fields.software_version.is_some())
            .take(4)
            .enumerate()
        {
            self.add_patch(NewPatch {
                device_id: device.id,
                patched_on: today
                    .checked_sub_days(Days::new(20 + 35 * index as u64))
                    .unwrap_or(today),
                from_version: None,
                to_version: device.fields.software_version.clone().unwrap_or_default(),
                tested_by: Some("Biomed: Sam Ortiz".to_string()),
                note: Some("Vendor-validated update, installed after hours.".to_string()),
            })?;
            report.patches += 1;
        }
        if let Some(device) = devices
            .iter()
            .find(|d| d.fields.manufacturer.is_some() && d.fields.model.is_some())
        {
            self.set_model_support(ModelSupportInput {
                manufacturer: device.fields.manufacturer.clone().unwrap_or_default(),
                model: device.fields.model.clone().unwrap_or_default(),
                end_of_support: Some(in_days(240)),
                note: Some("Vendor end-of-support letter, filed in the IT binder.".to_string()),
            })?;
        }
        for proposal in self.suggest_plans()? {
            let (Some(action), Some(target_date)) =
                (proposal.suggestion.action, proposal.suggestion.target_date)
            else {
                continue;
            };
            let cost_cents = match action {
                PlanAction::Replace => Some(2_850_000),
                PlanAction::Isolate => Some(120_000),
                PlanAction::Patch => Some(30_000),
                PlanAction::Retire => None,
            };
            self.create_plan(PlanFields {
                device_id: proposal.device_id,
                action,
                target_date,
                cost_cents,
                owner: Some("Dana Whitfield".to_string()),
                status: PlanStatus::Planned,
                origin: PlanOrigin::Suggested,
                with_monitoring: proposal.suggestion.with_monitoring,
                note: Some(proposal.suggestion.reason.clone()),
            })?;
            report.plans += 1;
        }
        Ok(report)
    }
}
