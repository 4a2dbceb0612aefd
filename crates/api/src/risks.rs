//! The explainable risk engine over the clinic's data, and the risk register (issue 4).
//!
//! Levels are never stored: every read recomputes them from the device facts with the method
//! in force ([`Method::builtin`], its version returned beside every result), which takes
//! milliseconds even for 10,000 devices. What is stored is what people decide: the controls
//! in place per device, and per risk key the treatment, owner, dates, status, notes and
//! acceptance. [`Api::build_risk_inputs`] is the one place that turns a device into the
//! engine's [`RiskInput`].

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use devicerisk_core::lifecycle::{DatedItem, DeadlineKind};
use devicerisk_core::questionnaire::{self as q, AnswerSubject};
use devicerisk_core::risk::{
    assess, device_findings, factor_of_key, finding_key, finding_text, what_would_lower, Method,
    RiskInput, RiskLevel, Score,
};
use devicerisk_core::*;
use devicerisk_store::{AssignedControl, Db, ManualRiskText, StoredAcceptance, StoredRisk};

use crate::assessments::set_for;
use crate::places::{clean, count};
use crate::{
    AcceptRisk, Acceptance, AffectedDevice, Api, ApiError, ApiResult, ControlAssignment,
    ControlChange, ControlInfo, DeviceControl, DeviceRisk, DeviceRiskLevel, ErrorCode, LevelCount,
    ManualRiskEdit, NewManualRisk, RegisterFilter, RegisterRisk, RiskControl, RiskOrigin,
    RiskOverview, RiskRef, RiskUpdate,
};

fn method() -> &'static Method {
    Method::builtin()
}

/// A questionnaire gap of one device that the device record does not already say.
#[derive(Debug, Clone)]
struct QuestionGap {
    question_id: String,
    question: String,
    action: String,
}

/// One device as the risk method sees it.
#[derive(Debug, Clone)]
pub(crate) struct DeviceRiskFacts {
    pub device: Device,
    pub input: RiskInput,
    gaps: Vec<QuestionGap>,
    /// The names behind `input.vulnerabilities`, for the explanation.
    pub open: crate::OpenVulnerabilities,
}

/// The latest assessment (by start date, then creation): its questionnaire gaps feed risks.
fn latest_assessment(db: &Db<'_>) -> ApiResult<Option<devicerisk_store::StoredAssessment>> {
    Ok(db
        .assessments()?
        .into_iter()
        .max_by_key(|a| (a.assessment.started_on, a.created_at)))
}

/// A whole register, computed once per request.
pub(crate) struct Computed {
    pub devices: Vec<(DeviceRiskFacts, Score)>,
    pub risks: Vec<RegisterRisk>,
}

fn level_label(level: RiskLevel) -> String {
    method().level_label(level).to_string()
}

fn worse(a: &Score, b: &Score, residual: bool) -> bool {
    let key = |s: &Score| {
        if residual {
            (s.residual_level, s.residual_likelihood * s.residual_impact)
        } else {
            (s.level, s.likelihood * s.impact)
        }
    };
    key(a) > key(b)
}

fn device_label(device: &Device) -> String {
    match &device.fields.asset_tag {
        Some(tag) => format!("{} ({tag})", device.fields.name),
        None => device.fields.name.clone(),
    }
}

/// The stored decisions applied to a computed risk; `affected` devices decide "closed".
fn decide(
    risk: &mut RegisterRisk,
    stored: Option<&StoredRisk>,
    today: NaiveDate,
    origin_is_computed: bool,
) {
    if let Some(stored) = stored {
        risk.treatment = stored.treatment;
        risk.owner = stored.owner.clone();
        risk.due_date = stored.due_date;
        risk.review_date = stored.review_date;
        risk.status = stored.status;
        risk.notes = stored.notes.clone();
        risk.acceptance = stored.acceptance.as_ref().map(|a| Acceptance {
            approver: a.approver.clone(),
            reason: a.reason.clone(),
            accepted_on: a.accepted_on,
            expires: a.expires,
            expired: a.expires < today,
        });
    }
    let accepted = risk.treatment == RiskTreatment::Accept
        && risk.acceptance.as_ref().is_some_and(|a| !a.expired);
    if accepted {
        risk.status = RiskStatus::Accepted;
    } else if origin_is_computed && risk.devices.is_empty() {
        // No device has the finding any more: the risk is resolved by the facts themselves.
        risk.status = RiskStatus::Closed;
    }
    let pending = matches!(risk.status, RiskStatus::Open | RiskStatus::InProgress);
    risk.overdue = pending
        && [risk.due_date, risk.review_date]
            .iter()
            .flatten()
            .any(|d| *d < today);
}

/// What a risk added by hand needs: a title, a rating on the method's 1-5 scales and
/// devices that exist.
fn check_manual(
    db: &Db<'_>,
    title: &str,
    likelihood: u8,
    impact: u8,
    device_ids: &[DeviceId],
) -> ApiResult<()> {
    let mut issues = Vec::new();
    if title.is_empty() {
        issues.push(FieldIssue::new(
            "title",
            "is required: say what could go wrong, e.g. \"Reception PC shared by all staff\"",
        ));
    }
    for (field, value) in [("likelihood", likelihood), ("impact", impact)] {
        if !(1..=5).contains(&value) {
            issues.push(FieldIssue::new(
                field,
                format!("must be 1 to 5 on the method's scale, not {value}"),
            ));
        }
    }
    for id in device_ids {
        if db.device(*id)?.is_none() {
            issues.push(FieldIssue::new(
                "device_ids",
                format!("has {id}, which is not a device"),
            ));
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation("risk", issues))
    }
}

fn blank_risk(key: String, origin: RiskOrigin) -> RegisterRisk {
    RegisterRisk {
        key,
        origin,
        title: String::new(),
        threat: String::new(),
        vulnerability: String::new(),
        devices: Vec::new(),
        likelihood: 1,
        impact: 1,
        level: RiskLevel::Low,
        residual_likelihood: 1,
        residual_impact: 1,
        residual_level: RiskLevel::Low,
        level_reason: String::new(),
        controls: Vec::new(),
        treatment: RiskTreatment::Undecided,
        owner: None,
        due_date: None,
        review_date: None,
        status: RiskStatus::Open,
        notes: None,
        acceptance: None,
        overdue: false,
        method_version: method().version().to_string(),
    }
}

/// Levels, reason and controls of a risk from the scores of its devices.
fn rate(risk: &mut RegisterRisk, members: &[&(DeviceRiskFacts, Score)]) {
    let m = method();
    let Some(first) = members.first() else {
        risk.level_reason = "No device has this finding now.".to_string();
        return;
    };
    let mut worst = first;
    let mut worst_residual = first;
    let mut controls: BTreeMap<&str, u32> = BTreeMap::new();
    for member in members {
        if worse(&member.1, &worst.1, false) {
            worst = member;
        }
        if worse(&member.1, &worst_residual.1, true) {
            worst_residual = member;
        }
        for control in &member.0.input.controls {
            *controls.entry(control.as_str()).or_default() += 1;
        }
    }
    let (s, r) = (worst.1, worst_residual.1);
    risk.likelihood = s.likelihood;
    risk.impact = s.impact;
    risk.level = s.level;
    risk.residual_likelihood = r.residual_likelihood;
    risk.residual_impact = r.residual_impact;
    risk.residual_level = r.residual_level;
    let of = if members.len() == 1 {
        "Its device".to_string()
    } else {
        format!("The worst of its {} devices", members.len())
    };
    risk.level_reason = format!(
        "{of}: {} is {} before controls (likelihood {} × impact {}); {} is {} after controls (likelihood {} × impact {}).",
        device_label(&worst.0.device),
        level_label(s.level),
        s.likelihood,
        s.impact,
        device_label(&worst_residual.0.device),
        level_label(r.residual_level),
        r.residual_likelihood,
        r.residual_impact,
    );
    risk.devices = members
        .iter()
        .map(|(facts, score)| AffectedDevice {
            id: facts.device.id,
            asset_tag: facts.device.fields.asset_tag.clone(),
            name: facts.device.fields.name.clone(),
            level: score.level,
            residual_level: score.residual_level,
        })
        .collect();
    risk.controls = controls
        .into_iter()
        .map(|(id, devices)| RiskControl {
            id: id.to_string(),
            label: m
                .control_index(id)
                .map(|i| m.controls()[i].label.clone())
                .unwrap_or_else(|| format!("{id} (not in this method version)")),
            devices,
        })
        .collect();
}

fn matches(risk: &RegisterRisk, filter: &RegisterFilter) -> bool {
    let contains = |haystack: &str, needle: &str| haystack.to_lowercase().contains(needle);
    if filter.level.is_some_and(|l| l != risk.residual_level)
        || filter.status.is_some_and(|s| s != risk.status)
        || filter.treatment.is_some_and(|t| t != risk.treatment)
    {
        return false;
    }
    if let Some(owner) = clean(filter.owner.clone()).map(|o| o.to_lowercase()) {
        if !risk.owner.as_deref().is_some_and(|o| contains(o, &owner)) {
            return false;
        }
    }
    if let Some(cell) = filter.cell {
        let (l, i) = if cell.residual {
            (risk.residual_likelihood, risk.residual_impact)
        } else {
            (risk.likelihood, risk.impact)
        };
        if (l, i) != (cell.likelihood, cell.impact) || risk.status == RiskStatus::Closed {
            return false;
        }
    }
    if let Some(text) = clean(filter.text.clone()).map(|t| t.to_lowercase()) {
        let found = [&risk.title, &risk.threat, &risk.vulnerability]
            .iter()
            .any(|s| contains(s, &text))
            || risk.notes.as_deref().is_some_and(|n| contains(n, &text))
            || risk.devices.iter().any(|d| {
                contains(&d.name, &text)
                    || d.asset_tag.as_deref().is_some_and(|t| contains(t, &text))
            });
        if !found {
            return false;
        }
    }
    true
}

fn status_rank(status: RiskStatus) -> u8 {
    match status {
        RiskStatus::Open | RiskStatus::InProgress => 0,
        RiskStatus::Accepted => 1,
        RiskStatus::Closed => 2,
    }
}

impl Api {
    /// THE builder: every device in use (not decommissioned) turned into the method's input.
    ///
    /// - device facts from the record, zone purpose from its zone;
    /// - questionnaire gaps: findings of the device questionnaire in the latest assessment
    ///   (device and category answers merged), except questions the device record already
    ///   answers (their facts count through the record, not twice);
    /// - assigned compensating controls;
    /// - known vulnerabilities: advisory and KEV matches decided "affected", or high
    ///   confidence and undecided (see `intel::counts_in_risk`);
    /// - support: the worse of the record's vendor support and the lifecycle status (an
    ///   operating system or model past its end of support counts as support ended).
    pub(crate) fn build_risk_inputs(&self, db: &Db<'_>) -> ApiResult<Vec<DeviceRiskFacts>> {
        let zones: HashMap<ZoneId, ZonePurpose> =
            db.zones()?.into_iter().map(|z| (z.id, z.purpose)).collect();
        let mut controls = db.controls_by_device()?;
        let answers = match latest_assessment(db)? {
            Some(latest) => db.answers_by_subject(latest.assessment.id)?,
            None => BTreeMap::new(),
        };
        let mut vulnerabilities = self.open_vulnerabilities_in(db)?;
        let device_set = set_for(&AnswerSubject::Device(DeviceId::new()))?;
        let today = self.today();
        let empty = q::Answers::new();
        let devices = db.devices()?;
        let os_support = self.support_by_device(db, &devices)?;
        let mut out = Vec::new();
        for device in devices {
            if device.fields.status == DeviceStatus::Decommissioned {
                continue;
            }
            let own = answers.get(&AnswerSubject::Device(device.id));
            let category = answers.get(&AnswerSubject::Category(device.fields.category));
            // Without answers only the device record speaks, and it is counted directly.
            let gaps = if own.is_none() && category.is_none() {
                Vec::new()
            } else {
                let merged =
                    q::merge_category_answers(category.unwrap_or(&empty), own.unwrap_or(&empty));
                q::findings(device_set, &merged, Some(&device.fields), today)
                    .into_iter()
                    .filter(|f| {
                        device_set.question(&f.question_id).is_none_or(|question| {
                            q::device_prefill(question, &device.fields).is_none()
                        })
                    })
                    .map(|f| QuestionGap {
                        question_id: f.question_id,
                        question: f.question,
                        action: f.action,
                    })
                    .collect()
            };
            let zone_purpose = device.fields.zone_id.and_then(|z| zones.get(&z).copied());
            let open = vulnerabilities.remove(&device.id).unwrap_or_default();
            let mut input = RiskInput::from_device(
                &device.fields,
                zone_purpose,
                gaps.len() as i32,
                open.counts,
                controls.remove(&device.id).unwrap_or_default(),
            );
            if let Some(status) = os_support.get(&device.id) {
                input.vendor_support =
                    crate::lifecycle::risk_support(input.vendor_support, *status);
            }
            out.push(DeviceRiskFacts {
                device,
                input,
                gaps,
                open,
            });
        }
        Ok(out)
    }

    /// Every device in use with the method's input for it, from [`Api::build_risk_inputs`]:
    /// for other parts that run the method themselves (audit packet, benchmarks).
    pub fn risk_inputs(&self) -> ApiResult<Vec<(DeviceId, RiskInput)>> {
        Ok(self
            .build_risk_inputs(&self.store.db())?
            .into_iter()
            .map(|f| (f.device.id, f.input))
            .collect())
    }

    /// The register, computed: finding risks grouped by key, plus manual risks, with the
    /// stored decisions applied.
    pub(crate) fn compute_register(&self, db: &Db<'_>) -> ApiResult<Computed> {
        let m = method();
        let today = self.today();
        let facts = self.build_risk_inputs(db)?;
        let mut devices = Vec::with_capacity(facts.len());
        // Grouping key → member indexes, in first-seen order of keys kept by BTreeMap.
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut questions: HashMap<String, (String, String)> = HashMap::new();
        for (index, fact) in facts.into_iter().enumerate() {
            let (score, findings) = device_findings(m, &fact.input);
            for factor in findings {
                groups.entry(finding_key(factor)).or_default().push(index);
            }
            for gap in &fact.gaps {
                groups
                    .entry(format!("question:{}", gap.question_id))
                    .or_default()
                    .push(index);
                questions
                    .entry(gap.question_id.clone())
                    .or_insert_with(|| (gap.question.clone(), gap.action.clone()));
            }
            devices.push((fact, score));
        }
        let stored: HashMap<String, StoredRisk> = db
            .stored_risks()?
            .into_iter()
            .map(|r| (r.key.clone(), r))
            .collect();
        // Keys the user decided about stay listed even when no device has the finding now.
        for key in stored.keys() {
            if !key.starts_with("manual:") && !groups.contains_key(key) {
                groups.insert(key.clone(), Vec::new());
            }
        }
        let mut risks = Vec::new();
        for (key, members) in &groups {
            let members: Vec<_> = members.iter().map(|&i| &devices[i]).collect();
            let mut risk = if let Some(factor) = factor_of_key(key) {
                let text = finding_text(factor).expect("factor_of_key checks the text exists");
                let mut risk = blank_risk(key.clone(), RiskOrigin::DeviceFact);
                risk.title = text.title(members.len());
                risk.threat = text.threat.to_string();
                risk.vulnerability = m.factor(factor).explanation.trim().to_string();
                risk
            } else if let Some(question_id) = key.strip_prefix("question:") {
                let (question, action) = questions.get(question_id).cloned().unwrap_or_else(|| {
                    let question = set_for(&AnswerSubject::Device(DeviceId::new()))
                        .ok()
                        .and_then(|set| set.question(question_id))
                        .map(|q| q.text.clone())
                        .unwrap_or_else(|| question_id.to_string());
                    (question, String::new())
                });
                let mut risk = blank_risk(key.clone(), RiskOrigin::Questionnaire);
                risk.title = format!(
                    "{} with a questionnaire gap: {question}",
                    count(members.len() as u32, "device")
                );
                risk.threat =
                    "A security practice the device questionnaire asks about is not in place or not known."
                        .to_string();
                risk.vulnerability = if action.is_empty() {
                    question.clone()
                } else {
                    format!("{question} To do: {action}")
                };
                risk
            } else {
                // A stored key of a factor this method version no longer has.
                let mut risk = blank_risk(key.clone(), RiskOrigin::DeviceFact);
                risk.title = format!("{key} (not in method {})", m.version());
                risk
            };
            rate(&mut risk, &members);
            decide(&mut risk, stored.get(key), today, true);
            risks.push(risk);
        }
        let by_id: HashMap<DeviceId, usize> = devices
            .iter()
            .enumerate()
            .map(|(i, (f, _))| (f.device.id, i))
            .collect();
        for stored_risk in stored.values().filter(|r| r.key.starts_with("manual:")) {
            let Some(manual) = &stored_risk.manual else {
                continue;
            };
            let mut risk = blank_risk(stored_risk.key.clone(), RiskOrigin::Manual);
            risk.title = manual.title.clone();
            risk.threat = manual.threat.clone().unwrap_or_default();
            risk.vulnerability = manual.vulnerability.clone().unwrap_or_default();
            let members: Vec<_> = stored_risk
                .device_ids
                .iter()
                .filter_map(|id| by_id.get(id).map(|&i| &devices[i]))
                .collect();
            rate(&mut risk, &members);
            risk.likelihood = manual.likelihood;
            risk.impact = manual.impact;
            risk.level = m.level(manual.likelihood, manual.impact);
            risk.residual_likelihood = manual.likelihood;
            risk.residual_impact = manual.impact;
            risk.residual_level = risk.level;
            risk.level_reason = format!(
                "Rated by hand: likelihood {} ({}) × impact {} ({}) is {}.",
                manual.likelihood,
                m.likelihood_label(manual.likelihood),
                manual.impact,
                m.impact_label(manual.impact),
                level_label(risk.level)
            );
            decide(&mut risk, Some(stored_risk), today, false);
            risks.push(risk);
        }
        // Open work first, worst residual level first, most devices first.
        risks.sort_by(|a, b| {
            status_rank(a.status)
                .cmp(&status_rank(b.status))
                .then(b.residual_level.cmp(&a.residual_level))
                .then(
                    (b.residual_likelihood * b.residual_impact)
                        .cmp(&(a.residual_likelihood * a.residual_impact)),
                )
                .then(b.devices.len().cmp(&a.devices.len()))
                .then(a.key.cmp(&b.key))
        });
        Ok(Computed { devices, risks })
    }

    /// The risk register, filtered.
    pub fn risk_register(&self, filter: RegisterFilter) -> ApiResult<Vec<RegisterRisk>> {
        let computed = self.compute_register(&self.store.db())?;
        Ok(computed
            .risks
            .into_iter()
            .filter(|r| matches(r, &filter))
            .collect())
    }

    /// The register's dated items for the upcoming deadlines: every acceptance's expiry
    /// (an expired one stays listed as overdue until someone decides again) and the review
    /// date of every risk not closed. Subject ids are risk keys.
    pub(crate) fn risk_deadline_items(&self, db: &Db<'_>) -> ApiResult<Vec<DatedItem>> {
        let computed = self.compute_register(db)?;
        let mut items = Vec::new();
        for risk in computed
            .risks
            .iter()
            .filter(|r| r.status != RiskStatus::Closed)
        {
            if let Some(acceptance) = risk
                .acceptance
                .as_ref()
                .filter(|_| risk.treatment == RiskTreatment::Accept)
            {
                items.push(DatedItem {
                    kind: DeadlineKind::RiskAcceptanceExpiry,
                    date: acceptance.expires,
                    title: format!(
                        "Acceptance of \"{}\" by {} expires",
                        risk.title, acceptance.approver
                    ),
                    subject_id: Some(risk.key.clone()),
                });
            }
            if let Some(review) = risk.review_date {
                items.push(DatedItem {
                    kind: DeadlineKind::Review,
                    date: review,
                    title: format!("Review risk \"{}\"", risk.title),
                    subject_id: Some(risk.key.clone()),
                });
            }
        }
        Ok(items)
    }

    /// One risk of the register by its key.
    pub fn get_risk(&self, key: String) -> ApiResult<RegisterRisk> {
        let computed = self.compute_register(&self.store.db())?;
        computed
            .risks
            .into_iter()
            .find(|r| r.key == key)
            .ok_or_else(|| ApiError::not_found("risk", &key))
    }

    /// The dashboard: heat maps of open risks (inherent and residual) and counts by level.
    pub fn risk_overview(&self) -> ApiResult<RiskOverview> {
        let m = method();
        let computed = self.compute_register(&self.store.db())?;
        let mut inherent = vec![vec![0u32; 5]; 5];
        let mut residual = vec![vec![0u32; 5]; 5];
        let mut by_level: Vec<LevelCount> = RiskLevel::ALL
            .iter()
            .map(|&level| LevelCount {
                level,
                label: level_label(level),
                risks: 0,
                residual_risks: 0,
                devices: 0,
                residual_devices: 0,
            })
            .collect();
        let (mut open, mut undecided, mut accepted, mut overdue) = (0, 0, 0, 0);
        for risk in &computed.risks {
            match risk.status {
                RiskStatus::Closed => continue,
                RiskStatus::Accepted => accepted += 1,
                _ => open += 1,
            }
            if risk.treatment == RiskTreatment::Undecided {
                undecided += 1;
            }
            if risk.overdue {
                overdue += 1;
            }
            inherent[usize::from(risk.likelihood - 1)][usize::from(risk.impact - 1)] += 1;
            residual[usize::from(risk.residual_likelihood - 1)]
                [usize::from(risk.residual_impact - 1)] += 1;
            by_level[risk.level.rank() as usize].risks += 1;
            by_level[risk.residual_level.rank() as usize].residual_risks += 1;
        }
        for (_, score) in &computed.devices {
            by_level[score.level.rank() as usize].devices += 1;
            by_level[score.residual_level.rank() as usize].residual_devices += 1;
        }
        let levels = (1..=5u8)
            .map(|l| (1..=5u8).map(|i| m.level(l, i)).collect())
            .collect();
        Ok(RiskOverview {
            method_version: m.version().to_string(),
            inherent,
            residual,
            levels,
            by_level,
            devices: computed.devices.len() as u32,
            risks: computed.risks.len() as u32,
            open_risks: open,
            undecided,
            accepted,
            overdue,
        })
    }

    /// Every device's levels (inherent and residual) under the current method, for the
    /// lifecycle plan and the audit packet. Decommissioned devices are left out.
    pub fn device_risk_levels(&self) -> ApiResult<Vec<DeviceRiskLevel>> {
        let m = method();
        let facts = self.build_risk_inputs(&self.store.db())?;
        Ok(facts
            .iter()
            .map(|f| {
                let s = devicerisk_core::risk::score(m, &f.input);
                DeviceRiskLevel {
                    device_id: f.device.id,
                    likelihood: s.likelihood,
                    impact: s.impact,
                    level: s.level,
                    residual_likelihood: s.residual_likelihood,
                    residual_impact: s.residual_impact,
                    residual_level: s.residual_level,
                }
            })
            .collect())
    }

    /// A device id (UUID) or asset tag → the device id.
    pub fn resolve_device(&self, id_or_tag: &str) -> ApiResult<DeviceId> {
        let text = id_or_tag.trim();
        let db = self.store.db();
        if let Ok(id) = text.parse::<DeviceId>() {
            if db.device(id)?.is_some() {
                return Ok(id);
            }
        }
        db.asset_tag_owner(text)?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("There is no device with id or asset tag \"{text}\"."),
            )
        })
    }

    /// The device risk page: levels with their reasons, what would lower them, controls and
    /// the register risks the device is part of.
    pub fn device_risk(&self, id: DeviceId) -> ApiResult<DeviceRisk> {
        let m = method();
        let db = self.store.db();
        let computed = self.compute_register(&db)?;
        let Some((facts, _)) = computed.devices.iter().find(|(f, _)| f.device.id == id) else {
            return Err(match db.device(id)? {
                Some(_) => ApiError::new(
                    ErrorCode::Validation,
                    "This device is decommissioned: it is no longer assessed for risk.",
                ),
                None => ApiError::not_found("device", id),
            });
        };
        let controls = db
            .assigned_controls()?
            .into_iter()
            .filter(|c| c.device_id == id)
            .map(|c| {
                let def = m.control_index(&c.control_id).map(|i| &m.controls()[i]);
                DeviceControl {
                    label: def
                        .map(|d| d.label.clone())
                        .unwrap_or_else(|| c.control_id.clone()),
                    effect: def.map(|d| d.effect.trim().to_string()).unwrap_or_else(|| {
                        "Not in this version of the method: no effect".to_string()
                    }),
                    id: c.control_id,
                    note: c.note,
                    assigned_by: c.assigned_by,
                    assigned_at: c.assigned_at,
                }
            })
            .collect();
        let risks = computed
            .risks
            .iter()
            .filter(|r| r.devices.iter().any(|d| d.id == id))
            .map(|r| RiskRef {
                key: r.key.clone(),
                title: r.title.clone(),
                residual_level: r.residual_level,
                status: r.status,
            })
            .collect();
        Ok(DeviceRisk {
            device_id: id,
            asset_tag: facts.device.fields.asset_tag.clone(),
            name: facts.device.fields.name.clone(),
            category: facts.device.fields.category,
            result: {
                let mut result = assess(m, &facts.input);
                result.name_vulnerabilities(&facts.open.known_exploited, &facts.open.advisories);
                result
            },
            lower: what_would_lower(m, &facts.input),
            controls,
            risks,
            questionnaire_gaps: facts.gaps.len() as u32,
            assessment_title: latest_assessment(&db)?.map(|a| a.assessment.title),
        })
    }

    /// The control library of the method, with how many devices have each control.
    pub fn risk_controls(&self) -> ApiResult<Vec<ControlInfo>> {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for c in self.store.db().assigned_controls()? {
            *counts.entry(c.control_id).or_default() += 1;
        }
        Ok(method()
            .controls()
            .iter()
            .map(|c| ControlInfo {
                id: c.id.clone(),
                label: c.label.clone(),
                applies_to: c.applies_to,
                effect: c.effect.trim().to_string(),
                rationale: c.rationale.trim().to_string(),
                devices: counts.get(&c.id).copied().unwrap_or(0),
            })
            .collect())
    }

    fn check_control_request(
        &self,
        db: &Db<'_>,
        request: &ControlAssignment,
    ) -> ApiResult<Vec<Device>> {
        let mut issues = Vec::new();
        if method().control_index(&request.control_id).is_none() {
            issues.push(FieldIssue::new(
                "control_id",
                format!(
                    "\"{}\" is not a control of the method's library",
                    request.control_id
                ),
            ));
        }
        if request.device_ids.is_empty() {
            issues.push(FieldIssue::new("device_ids", "needs at least one device"));
        }
        let mut devices = Vec::new();
        for id in &request.device_ids {
            match db.device(*id)? {
                Some(d) => devices.push(d),
                None => issues.push(FieldIssue::new(
                    "device_ids",
                    format!("has {id}, which is not a device"),
                )),
            }
        }
        if !issues.is_empty() {
            return Err(ApiError::validation("control assignment", issues));
        }
        Ok(devices)
    }

    /// Puts a library control in place on one or many devices (an existing assignment takes
    /// the new note).
    pub fn assign_control(&self, request: ControlAssignment) -> ApiResult<ControlChange> {
        let note = clean(request.note.clone());
        self.store.transaction(|db| {
            let devices = self.check_control_request(db, &request)?;
            let at = self.now();
            for device in &devices {
                db.assign_control(&AssignedControl {
                    device_id: device.id,
                    control_id: request.control_id.clone(),
                    note: note.clone(),
                    assigned_by: self.actor.clone(),
                    assigned_at: at,
                })?;
            }
            let names: Vec<String> = devices.iter().map(device_label).collect();
            self.audit(
                db,
                "assign",
                "control",
                &request.control_id,
                &format!(
                    "Control {} assigned to {}: {}",
                    request.control_id,
                    count(devices.len() as u32, "device"),
                    names.join(", ")
                ),
            )?;
            Ok(ControlChange {
                control_id: request.control_id.clone(),
                changed: devices.len() as u32,
            })
        })
    }

    /// Takes a control off one or many devices; devices without it are not counted.
    pub fn remove_control(&self, request: ControlAssignment) -> ApiResult<ControlChange> {
        self.store.transaction(|db| {
            let devices = self.check_control_request(db, &request)?;
            let mut removed = Vec::new();
            for device in &devices {
                if db.remove_control(device.id, &request.control_id)? {
                    removed.push(device_label(device));
                }
            }
            self.audit(
                db,
                "remove",
                "control",
                &request.control_id,
                &format!(
                    "Control {} removed from {}: {}",
                    request.control_id,
                    count(removed.len() as u32, "device"),
                    removed.join(", ")
                ),
            )?;
            Ok(ControlChange {
                control_id: request.control_id.clone(),
                changed: removed.len() as u32,
            })
        })
    }

    /// The stored row of a key, or a fresh one for a computed risk that exists now.
    fn risk_row(&self, db: &Db<'_>, key: &str) -> ApiResult<StoredRisk> {
        if let Some(row) = db.stored_risk(key)? {
            return Ok(row);
        }
        let exists = !key.starts_with("manual:")
            && self
                .compute_register(db)?
                .risks
                .iter()
                .any(|r| r.key == key);
        if !exists {
            return Err(ApiError::not_found("risk", key));
        }
        let now = self.now();
        Ok(StoredRisk {
            key: key.to_string(),
            manual: None,
            treatment: RiskTreatment::Undecided,
            owner: None,
            due_date: None,
            review_date: None,
            status: RiskStatus::Open,
            notes: None,
            acceptance: None,
            device_ids: Vec::new(),
            created_at: now,
            updated_at: now,
        })
    }

    /// Saves the decisions about a risk (treatment, owner, dates, status, notes). They are
    /// kept under the risk's grouping key, so they survive recomputation.
    pub fn save_risk(&self, update: RiskUpdate) -> ApiResult<RegisterRisk> {
        if update.status == RiskStatus::Accepted {
            return Err(ApiError::validation(
                "risk",
                vec![FieldIssue::new(
                    "status",
                    "cannot be set to accepted here: accept the risk with an approver, a reason and an expiry date",
                )],
            ));
        }
        let key = update.key.trim().to_string();
        self.store.transaction(|db| {
            let mut row = self.risk_row(db, &key)?;
            row.treatment = update.treatment;
            row.owner = clean(update.owner.clone());
            row.due_date = update.due_date;
            row.review_date = update.review_date;
            row.status = update.status;
            row.notes = clean(update.notes.clone());
            row.updated_at = self.now();
            db.put_risk(&row)?;
            self.audit(
                db,
                "update",
                "risk",
                &key,
                &format!(
                    "Risk {key}: treatment {}, status {}, owner {}",
                    row.treatment.label(),
                    row.status.label(),
                    row.owner.as_deref().unwrap_or("none")
                ),
            )?;
            Ok::<(), ApiError>(())
        })?;
        self.get_risk(key)
    }

    /// Adds a risk by hand (likelihood and impact rated by the user on the method's scales).
    pub fn add_manual_risk(&self, request: NewManualRisk) -> ApiResult<RegisterRisk> {
        let title = request.title.trim().to_string();
        check_manual(
            &self.store.db(),
            &title,
            request.likelihood,
            request.impact,
            &request.device_ids,
        )?;
        let key = format!("manual:{}", uuid::Uuid::new_v4());
        let now = self.now();
        let row = StoredRisk {
            key: key.clone(),
            manual: Some(ManualRiskText {
                title: title.clone(),
                threat: clean(request.threat),
                vulnerability: clean(request.vulnerability),
                likelihood: request.likelihood,
                impact: request.impact,
            }),
            treatment: RiskTreatment::Undecided,
            owner: clean(request.owner),
            due_date: request.due_date,
            review_date: None,
            status: RiskStatus::Open,
            notes: clean(request.notes),
            acceptance: None,
            device_ids: request.device_ids,
            created_at: now,
            updated_at: now,
        };
        self.store.transaction(|db| {
            db.put_risk(&row)?;
            self.audit(
                db,
                "create",
                "risk",
                &key,
                &format!("Risk added by hand: {title}"),
            )
        })?;
        self.get_risk(key)
    }

    /// Accepts a risk: approver, reason and an expiry after today are required. Accepted on
    /// today's date; once the expiry has passed the risk shows as open again.
    pub fn accept_risk(&self, request: AcceptRisk) -> ApiResult<RegisterRisk> {
        let today = self.today();
        let approver = request.approver.trim().to_string();
        let reason = request.reason.trim().to_string();
        let mut issues = Vec::new();
        if approver.is_empty() {
            issues.push(FieldIssue::new(
                "approver",
                "is required: the person with authority to accept the risk",
            ));
        }
        if reason.is_empty() {
            issues.push(FieldIssue::new(
                "reason",
                "is required: why the clinic accepts the risk instead of treating it",
            ));
        }
        match request.expires {
            None => issues.push(FieldIssue::new(
                "expires",
                "is required: an acceptance must be reviewed by a set date",
            )),
            Some(day) if day <= today => issues.push(FieldIssue::new(
                "expires",
                format!("must be after today ({today}), not {day}"),
            )),
            Some(_) => {}
        }
        if !issues.is_empty() {
            return Err(ApiError::validation("acceptance", issues));
        }
        let expires = request.expires.expect("checked above");
        let key = request.key.trim().to_string();
        self.store.transaction(|db| {
            let mut row = self.risk_row(db, &key)?;
            row.treatment = RiskTreatment::Accept;
            row.status = RiskStatus::Open;
            row.acceptance = Some(StoredAcceptance {
                approver: approver.clone(),
                reason: reason.clone(),
                accepted_on: today,
                expires,
            });
            row.updated_at = self.now();
            db.put_risk(&row)?;
            self.audit(
                db,
                "accept",
                "risk",
                &key,
                &format!("Risk {key} accepted by {approver} until {expires}: {reason}"),
            )
        })?;
        self.get_risk(key)
    }

    /// Changes what a risk added by hand says and how it is rated (finding risks are rated by
    /// the method from device facts, so only their decisions can change).
    pub fn edit_manual_risk(&self, edit: ManualRiskEdit) -> ApiResult<RegisterRisk> {
        let key = edit.key.trim().to_string();
        if !key.starts_with("manual:") {
            return Err(ApiError::new(
                ErrorCode::Validation,
                "Only risks added by hand can be edited; a risk found from device facts is rated by the method.",
            ));
        }
        let title = edit.title.trim().to_string();
        self.store.transaction(|db| {
            let mut row = db
                .stored_risk(&key)?
                .ok_or_else(|| ApiError::not_found("risk", &key))?;
            check_manual(db, &title, edit.likelihood, edit.impact, &edit.device_ids)?;
            let before = row.manual.clone();
            row.manual = Some(ManualRiskText {
                title: title.clone(),
                threat: clean(edit.threat.clone()),
                vulnerability: clean(edit.vulnerability.clone()),
                likelihood: edit.likelihood,
                impact: edit.impact,
            });
            row.device_ids = edit.device_ids.clone();
            row.updated_at = self.now();
            db.put_risk(&row)?;
            let rating = match before {
                Some(b) if (b.likelihood, b.impact) != (edit.likelihood, edit.impact) => format!(
                    "; rated {}×{} (was {}×{})",
                    edit.likelihood, edit.impact, b.likelihood, b.impact
                ),
                _ => String::new(),
            };
            self.audit(
                db,
                "update",
                "risk",
                &key,
                &format!(
                    "Risk {key} edited: \"{title}\", {} device(s){rating}",
                    edit.device_ids.len()
                ),
            )
        })?;
        self.get_risk(key)
    }

    /// Deletes a risk added by hand (finding risks come back from the facts: change their
    /// status instead).
    pub fn delete_manual_risk(&self, key: String) -> ApiResult<()> {
        if !key.starts_with("manual:") {
            return Err(ApiError::new(
                ErrorCode::Validation,
                "Only risks added by hand can be deleted; close a risk found from device facts instead.",
            ));
        }
        self.store.transaction(|db| {
            if !db.delete_risk(&key)? {
                return Err(ApiError::not_found("risk", &key));
            }
            self.audit(db, "delete", "risk", &key, &format!("Risk {key} deleted"))
        })
    }

    /// Home checklist: risks are done when every open risk has a treatment decision.
    pub(crate) fn risks_step(&self, db: &Db<'_>) -> ApiResult<(crate::StepState, String)> {
        use crate::StepState;
        let computed = self.compute_register(db)?;
        if computed.devices.is_empty() {
            return Ok((
                StepState::Todo,
                "Add devices first: risks are computed from them.".to_string(),
            ));
        }
        let live: Vec<_> = computed
            .risks
            .iter()
            .filter(|r| r.status != RiskStatus::Closed)
            .collect();
        let undecided = live
            .iter()
            .filter(|r| r.treatment == RiskTreatment::Undecided)
            .count() as u32;
        let total = live.len() as u32;
        Ok(match (total, undecided) {
            (0, _) => (StepState::Done, "No open risks.".to_string()),
            (t, 0) => (
                StepState::Done,
                format!("{}, each with a treatment decided.", count(t, "risk")),
            ),
            (t, u) if u == t => (
                StepState::Todo,
                format!("{}, none treated yet.", count(t, "risk")),
            ),
            (t, u) => (
                StepState::InProgress,
                format!("{}, {u} still without a treatment.", count(t, "risk")),
            ),
        })
    }
}
