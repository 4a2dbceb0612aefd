//! The explainable risk method (DESIGN.md section 5): the method as data, and the pure engine that
//! applies it to one device.
//!
//! - [`method`]: the method file (`assets/risk/method.toml`), parsed and validated into a
//!   [`Method`]: scales, factors with weights and plain-word explanations, impact rules, the 5×5
//!   matrix, the compensating-control library and the "what would lower it" actions.
//! - [`engine`]: [`RiskInput`] (the facts the method reads), [`score`] (the allocation-free hot
//!   path used to recompute thousands of devices) and [`assess`] (the same numbers plus the
//!   explanation a COO can defend in front of an auditor).
//! - [`actions`]: [`what_would_lower`], which re-runs the method with each action applied and
//!   ranks the actions by how far they lower the residual level.
//!
//! Invariants, enforced by [`Method`] validation and checked by the property tests:
//! a weakness never lowers likelihood, a control never raises residual risk, a more critical
//! clinical function never lowers impact, and the matrix never gives a lower level for a higher
//! likelihood or impact.

pub mod actions;
pub mod engine;
pub mod method;
pub mod register;
pub mod text;

pub use actions::{plan_to_reach, what_would_lower, Action, LoweringPlan};
pub use engine::{
    assess, score, ControlContribution, ControlStatus, DeviceRiskResult, FactorContribution,
    FactorKind, KnownVulnerabilities, RiskInput, Score,
};
pub use method::{
    ActionDef, ActionId, ControlDef, ControlScope, FactorDef, FactorGroup, ImpactDimension,
    ImpactRuleDef, ImpactRuleId, LikelihoodFactorId, Method, MethodDoc, MethodError, RiskLevel,
    ScaleStep,
};
pub use register::{device_findings, factor_of_key, finding_key, finding_text, FindingText};
pub use text::Text;

#[cfg(test)]
mod tests;
