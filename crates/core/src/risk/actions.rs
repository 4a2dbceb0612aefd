//! "What would lower it": each action is a change to the device's facts (or one more control),
//! tried by re-running the method, so the promised effect is exactly what the method would
//! compute after the clinic does it.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::engine::{score, Reach, RiskInput, Score};
use super::method::{ActionId, Method, RiskLevel};
use crate::vocab::*;

/// One way to lower a device's residual risk, with its computed effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Action {
    /// The action's id in the method (`add_control` for controls).
    pub id: String,
    /// For `add_control`: the library control to add.
    pub control: Option<String>,
    pub label: String,
    pub explanation: String,
    /// Residual level now, and after the action.
    pub from_level: RiskLevel,
    pub to_level: RiskLevel,
    pub from_likelihood: u8,
    pub to_likelihood: u8,
    pub from_impact: u8,
    pub to_impact: u8,
    /// Change in residual likelihood (negative lowers).
    pub likelihood_delta: i32,
    /// Change in residual impact (negative lowers).
    pub impact_delta: i32,
    /// Change in residual likelihood points (negative lowers): separates actions whose effect
    /// does not yet cross a likelihood band.
    pub points_delta: i32,
}

impl RiskInput {
    /// The device's facts after the action is done, or `None` when the action does not apply
    /// (already done, or it would not be an improvement, such as moving an isolated device).
    /// `AddControl` is not a change of facts: see [`what_would_lower`].
    pub fn with_action(&self, action: ActionId) -> Option<RiskInput> {
        let mut after = self.clone();
        let reach = Reach::of(&self.connectivity);
        match action {
            ActionId::MoveToMedicalZone => {
                let better_already = matches!(
                    self.zone_purpose,
                    Some(ZonePurpose::MedicalDevices | ZonePurpose::Isolated)
                );
                if !reach.networked() || better_already {
                    return None;
                }
                after.zone_purpose = Some(ZonePurpose::MedicalDevices);
            }
            ActionId::ChangeDefaultCredentials => {
                after.default_credentials_changed = TriState::Yes;
                if after.authentication == Authentication::DefaultCredentials {
                    after.authentication = Authentication::Local;
                }
            }
            ActionId::ReplaceWithSupportedModel => {
                let outdated = matches!(
                    self.vendor_support,
                    VendorSupport::Ended | VendorSupport::Limited
                ) || self.patch_status == PatchStatus::Unpatchable;
                if !outdated {
                    return None;
                }
                after.vendor_support = VendorSupport::Supported;
                after.patch_status = PatchStatus::Current;
                after.vulnerabilities = Default::default();
            }
            ActionId::InstallPatches => {
                if !matches!(
                    self.patch_status,
                    PatchStatus::Behind | PatchStatus::Unknown | PatchStatus::Patchable
                ) {
                    return None;
                }
                after.patch_status = PatchStatus::Current;
            }
            ActionId::RemediateVulnerabilities => after.vulnerabilities = Default::default(),
            ActionId::DisableRemoteAccess => after.remote_vendor_access = RemoteAccess::None,
            ActionId::RequireAuthentication => {
                if self.authentication != Authentication::None {
                    return None;
                }
                after.authentication = Authentication::Local;
            }
            ActionId::EnableEncryption => {
                if self.encryption_in_transit != TriState::No {
                    return None;
                }
                after.encryption_in_transit = TriState::Yes;
            }
            ActionId::EnableMonitoring => after.monitoring_coverage = TriState::Yes,
            ActionId::AnswerOpenQuestions => after.questionnaire_gaps = 0,
            ActionId::AddControl => return None,
        }
        (after != *self).then_some(after)
    }
}

/// The actions that would lower the device's residual risk, best first: by how many levels they
/// lower it, then by how far they lower likelihood and impact, then by likelihood points. Ties
/// keep the order they are tried in: changes to the device's facts (in `ActionId` order) before
/// controls (in library order), because fixing a device beats compensating for it.
pub fn what_would_lower(method: &Method, input: &RiskInput) -> Vec<Action> {
    let before = score(method, input);
    let mut actions = Vec::new();
    for &id in ActionId::ALL {
        if let Some(after) = input.with_action(id) {
            let def = method.action(id);
            let label = def.label.clone();
            push_if_lower(&mut actions, before, score(method, &after), || Action {
                id: def.id.clone(),
                control: None,
                label,
                explanation: def.explanation.clone(),
                ..blank_action()
            });
        }
    }
    let add_control = method.action(ActionId::AddControl);
    let mut with_control = input.clone();
    for control in method.controls() {
        if input.controls.contains(&control.id) {
            continue;
        }
        with_control.controls.push(control.id.clone());
        let after = score(method, &with_control);
        with_control.controls.pop();
        push_if_lower(&mut actions, before, after, || Action {
            id: add_control.id.clone(),
            control: Some(control.id.clone()),
            label: add_control.label.replace("{control}", &control.label),
            explanation: format!("{} {}", add_control.explanation, control.effect),
            ..blank_action()
        });
    }
    actions.sort_by_key(|a| {
        (
            a.to_level.rank() - a.from_level.rank(),
            a.likelihood_delta + a.impact_delta,
            a.points_delta,
        )
    });
    actions
}

/// Several actions, done in order, that together bring the device down to a target level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LoweringPlan {
    /// Each step's levels and deltas are counted from the state after the previous step.
    pub steps: Vec<Action>,
    /// Residual level after every step is done.
    pub final_level: RiskLevel,
    /// Whether the plan reaches the target; if not, no further action would lower the risk.
    pub reaches_target: bool,
}

impl Action {
    /// The device's facts (or controls) after this action is done.
    pub fn apply_to(&self, input: &RiskInput) -> Option<RiskInput> {
        match &self.control {
            Some(control) => {
                let mut after = input.clone();
                after.controls.push(control.clone());
                Some(after)
            }
            None => input.with_action(ActionId::from_key(&self.id)?),
        }
    }
}

/// For a device no single action moves (one far past the top of the likelihood scale), the
/// answer to "what would it take?": repeatedly do the best action of [`what_would_lower`],
/// re-running the method each time, until the residual level is at or below `target`.
pub fn plan_to_reach(method: &Method, input: &RiskInput, target: RiskLevel) -> LoweringPlan {
    let mut current = input.clone();
    let mut steps = Vec::new();
    let mut level = score(method, &current).residual_level;
    // Each step removes one applicable action for good, so this bounds the loop.
    let most_steps = ActionId::COUNT + method.controls().len();
    while level > target && steps.len() < most_steps {
        let Some(best) = what_would_lower(method, &current).into_iter().next() else {
            break;
        };
        let Some(next) = best.apply_to(&current) else {
            break;
        };
        level = best.to_level;
        current = next;
        steps.push(best);
    }
    LoweringPlan {
        steps,
        final_level: level,
        reaches_target: level <= target,
    }
}

fn push_if_lower(
    actions: &mut Vec<Action>,
    before: Score,
    after: Score,
    make: impl FnOnce() -> Action,
) {
    let lowers = after.residual_level < before.residual_level
        || after.residual_likelihood < before.residual_likelihood
        || after.residual_impact < before.residual_impact
        || after.residual_points < before.residual_points;
    if !lowers {
        return;
    }
    let mut action = make();
    action.from_level = before.residual_level;
    action.to_level = after.residual_level;
    action.from_likelihood = before.residual_likelihood;
    action.to_likelihood = after.residual_likelihood;
    action.from_impact = before.residual_impact;
    action.to_impact = after.residual_impact;
    action.likelihood_delta =
        i32::from(after.residual_likelihood) - i32::from(before.residual_likelihood);
    action.impact_delta = i32::from(after.residual_impact) - i32::from(before.residual_impact);
    action.points_delta = after.residual_points - before.residual_points;
    actions.push(action);
}

fn blank_action() -> Action {
    Action {
        id: String::new(),
        control: None,
        label: String::new(),
        explanation: String::new(),
        from_level: RiskLevel::Low,
        to_level: RiskLevel::Low,
        from_likelihood: 1,
        to_likelihood: 1,
        from_impact: 1,
        to_impact: 1,
        likelihood_delta: 0,
        impact_delta: 0,
        points_delta: 0,
    }
}
