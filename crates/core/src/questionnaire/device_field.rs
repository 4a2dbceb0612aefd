//! Device questions whose answer the inventory already holds (`device_field = "..."`): read
//! from the device record to prefill the question, written back when the question is answered,
//! so the administrator never gives the same fact twice.

use chrono::NaiveDate;

use super::answer::AnswerValue;
use super::content::{AnswerType, Question};
use crate::model::DeviceFields;
use crate::vocab::*;

/// What kind of value a linked field holds, which decides the question type that fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldShape {
    /// `TriState`: a yes/no question.
    YesNo,
    /// A closed vocabulary: a single-choice question whose options are the vocabulary's keys
    /// other than "unknown".
    Vocabulary(&'static [&'static str]),
    /// `Vec<Connectivity>`: a multi-choice question over the connectivity keys.
    VocabularySet(&'static [&'static str]),
    Date,
    Text,
}

/// The `DeviceFields` fields a question may be linked to, with their shape.
pub const LINKABLE_FIELDS: &[(&str, FieldShape)] = &[
    ("default_credentials_changed", FieldShape::YesNo),
    ("handles_phi", FieldShape::YesNo),
    ("encryption_in_transit", FieldShape::YesNo),
    ("encryption_at_rest", FieldShape::YesNo),
    ("monitoring_coverage", FieldShape::YesNo),
    (
        "authentication",
        FieldShape::Vocabulary(AUTHENTICATION_KEYS),
    ),
    (
        "remote_vendor_access",
        FieldShape::Vocabulary(REMOTE_ACCESS_KEYS),
    ),
    ("patch_status", FieldShape::Vocabulary(PATCH_STATUS_KEYS)),
    (
        "vendor_support",
        FieldShape::Vocabulary(VENDOR_SUPPORT_KEYS),
    ),
    (
        "clinical_function",
        FieldShape::Vocabulary(CLINICAL_FUNCTION_KEYS),
    ),
    ("connectivity", FieldShape::VocabularySet(CONNECTIVITY_KEYS)),
    ("last_patch_date", FieldShape::Date),
    ("last_vulnerability_scan", FieldShape::Date),
    ("vendor_end_of_support", FieldShape::Date),
    ("purchase_date", FieldShape::Date),
    ("owner", FieldShape::Text),
    ("software_version", FieldShape::Text),
];

const AUTHENTICATION_KEYS: &[&str] =
    &["none", "default_credentials", "local", "centralized", "mfa"];
const REMOTE_ACCESS_KEYS: &[&str] = &["none", "on_request", "always_on"];
const PATCH_STATUS_KEYS: &[&str] = &[
    "current",
    "behind",
    "patchable",
    "vendor_only",
    "unpatchable",
];
const VENDOR_SUPPORT_KEYS: &[&str] = &["supported", "limited", "ended"];
const CLINICAL_FUNCTION_KEYS: &[&str] = &[
    "life_sustaining",
    "therapeutic",
    "diagnostic",
    "monitoring",
    "administrative",
];
const CONNECTIVITY_KEYS: &[&str] = &["wired", "wifi", "bluetooth", "cellular", "serial", "none"];

pub fn field_shape(name: &str) -> Option<FieldShape> {
    LINKABLE_FIELDS
        .iter()
        .find(|(field, _)| *field == name)
        .map(|(_, shape)| *shape)
}

/// Whether a question of this type can carry this field's values both ways without loss.
pub fn fits(shape: FieldShape, question: &Question) -> Result<(), String> {
    let option_ids: Vec<&str> = question.options.iter().map(|o| o.id.as_str()).collect();
    let same_keys = |keys: &[&str]| {
        let mut a = option_ids.clone();
        let mut b = keys.to_vec();
        a.sort();
        b.sort();
        a == b
    };
    let (wanted, ok) = match shape {
        FieldShape::YesNo => (AnswerType::YesNo, question.answer == AnswerType::YesNo),
        FieldShape::Vocabulary(keys) => (
            AnswerType::SingleChoice,
            question.answer == AnswerType::SingleChoice && same_keys(keys),
        ),
        FieldShape::VocabularySet(keys) => (
            AnswerType::MultiChoice,
            question.answer == AnswerType::MultiChoice && same_keys(keys),
        ),
        FieldShape::Date => (AnswerType::Date, question.answer == AnswerType::Date),
        FieldShape::Text => (AnswerType::Text, question.answer == AnswerType::Text),
    };
    if ok {
        Ok(())
    } else {
        let keys = match shape {
            FieldShape::Vocabulary(keys) | FieldShape::VocabularySet(keys) => {
                format!(" with exactly the options {}", keys.join(", "))
            }
            _ => String::new(),
        };
        Err(format!("needs a {wanted:?} question{keys}"))
    }
}

fn tri(value: TriState) -> Option<AnswerValue> {
    match value {
        TriState::Yes => Some(AnswerValue::Yes),
        TriState::No => Some(AnswerValue::No),
        TriState::Unknown => None,
    }
}

fn choice(key: &str, unknown: bool) -> Option<AnswerValue> {
    (!unknown).then(|| AnswerValue::Choice(key.to_string()))
}

fn date(value: Option<NaiveDate>) -> Option<AnswerValue> {
    value.map(AnswerValue::Date)
}

fn text(value: &Option<String>) -> Option<AnswerValue> {
    value.clone().map(AnswerValue::Text)
}

/// The answer the inventory already gives to a linked question. `None` when the question is
/// not linked or the inventory does not know (an "unknown" field is asked, not pre-answered).
pub fn device_prefill(question: &Question, device: &DeviceFields) -> Option<AnswerValue> {
    let d = device;
    match question.device_field.as_deref()? {
        "default_credentials_changed" => tri(d.default_credentials_changed),
        "handles_phi" => tri(d.handles_phi),
        "encryption_in_transit" => tri(d.encryption_in_transit),
        "encryption_at_rest" => tri(d.encryption_at_rest),
        "monitoring_coverage" => tri(d.monitoring_coverage),
        "authentication" => choice(
            d.authentication.key(),
            d.authentication == Authentication::Unknown,
        ),
        "remote_vendor_access" => choice(
            d.remote_vendor_access.key(),
            d.remote_vendor_access == RemoteAccess::Unknown,
        ),
        "patch_status" => choice(d.patch_status.key(), d.patch_status == PatchStatus::Unknown),
        "vendor_support" => choice(
            d.vendor_support.key(),
            d.vendor_support == VendorSupport::Unknown,
        ),
        "clinical_function" => choice(
            d.clinical_function.key(),
            d.clinical_function == ClinicalFunction::Unknown,
        ),
        "connectivity" => (!d.connectivity.is_empty()).then(|| {
            AnswerValue::Choices(d.connectivity.iter().map(|c| c.key().to_string()).collect())
        }),
        "last_patch_date" => date(d.last_patch_date),
        "last_vulnerability_scan" => date(d.last_vulnerability_scan),
        "vendor_end_of_support" => date(d.vendor_end_of_support),
        "purchase_date" => date(d.purchase_date),
        "owner" => text(&d.owner),
        "software_version" => text(&d.software_version),
        _ => None,
    }
}

/// Why an answer could not be written to the device.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{question_id}: cannot store this answer in the device field {field}: {reason}")]
pub struct ApplyError {
    pub question_id: String,
    pub field: String,
    pub reason: String,
}

fn set_tri(slot: &mut TriState, value: &AnswerValue) -> Result<(), String> {
    *slot = match value {
        AnswerValue::Yes => TriState::Yes,
        AnswerValue::No => TriState::No,
        AnswerValue::Unknown => TriState::Unknown,
        other => return Err(format!("{other:?} is not yes or no")),
    };
    Ok(())
}

/// Sets a vocabulary field from a choice; "unknown" sets the vocabulary's Unknown.
fn set_vocab<T: Copy>(
    slot: &mut T,
    value: &AnswerValue,
    from_key: fn(&str) -> Option<T>,
    unknown: T,
) -> Result<(), String> {
    *slot = match value {
        AnswerValue::Choice(key) => {
            from_key(key).ok_or_else(|| format!("\"{key}\" is not a value of this field"))?
        }
        AnswerValue::Unknown => unknown,
        other => return Err(format!("{other:?} is not one of the field's values")),
    };
    Ok(())
}

fn set_date(slot: &mut Option<NaiveDate>, value: &AnswerValue) -> Result<(), String> {
    *slot = match value {
        AnswerValue::Date(d) => Some(*d),
        AnswerValue::Unknown => None,
        other => return Err(format!("{other:?} is not a date")),
    };
    Ok(())
}

fn set_text(slot: &mut Option<String>, value: &AnswerValue) -> Result<(), String> {
    *slot = match value {
        AnswerValue::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        AnswerValue::Unknown => None,
        other => return Err(format!("{other:?} is not a text")),
    };
    Ok(())
}

/// Writes a linked question's answer into the device record. Returns whether the question is
/// linked at all. "Not applicable" leaves the device untouched: the inventory has no N/A, and
/// the reason lives with the answer.
pub fn apply_to_device(
    question: &Question,
    value: &AnswerValue,
    device: &mut DeviceFields,
) -> Result<bool, ApplyError> {
    let Some(field) = question.device_field.as_deref() else {
        return Ok(false);
    };
    if *value == AnswerValue::NotApplicable {
        return Ok(true);
    }
    let d = device;
    let result = match field {
        "default_credentials_changed" => set_tri(&mut d.default_credentials_changed, value),
        "handles_phi" => set_tri(&mut d.handles_phi, value),
        "encryption_in_transit" => set_tri(&mut d.encryption_in_transit, value),
        "encryption_at_rest" => set_tri(&mut d.encryption_at_rest, value),
        "monitoring_coverage" => set_tri(&mut d.monitoring_coverage, value),
        "authentication" => set_vocab(
            &mut d.authentication,
            value,
            Authentication::from_key,
            Authentication::Unknown,
        ),
        "remote_vendor_access" => set_vocab(
            &mut d.remote_vendor_access,
            value,
            RemoteAccess::from_key,
            RemoteAccess::Unknown,
        ),
        "patch_status" => set_vocab(
            &mut d.patch_status,
            value,
            PatchStatus::from_key,
            PatchStatus::Unknown,
        ),
        "vendor_support" => set_vocab(
            &mut d.vendor_support,
            value,
            VendorSupport::from_key,
            VendorSupport::Unknown,
        ),
        "clinical_function" => set_vocab(
            &mut d.clinical_function,
            value,
            ClinicalFunction::from_key,
            ClinicalFunction::Unknown,
        ),
        "connectivity" => match value {
            AnswerValue::Choices(keys) => keys
                .iter()
                .map(|k| {
                    Connectivity::from_key(k).ok_or_else(|| format!("\"{k}\" is not a connection"))
                })
                .collect::<Result<Vec<_>, _>>()
                .and_then(|mut list| {
                    list.sort();
                    list.dedup();
                    // Same rule as DeviceFields validation, caught here so the answer is refused
                    // before anything is written.
                    if list.contains(&Connectivity::None) && list.len() > 1 {
                        return Err("\"Not connected\" cannot be combined with a connection".into());
                    }
                    d.connectivity = list;
                    Ok(())
                }),
            AnswerValue::Unknown => {
                d.connectivity.clear();
                Ok(())
            }
            other => Err(format!("{other:?} is not a list of connections")),
        },
        "last_patch_date" => set_date(&mut d.last_patch_date, value),
        "last_vulnerability_scan" => set_date(&mut d.last_vulnerability_scan, value),
        "vendor_end_of_support" => set_date(&mut d.vendor_end_of_support, value),
        "purchase_date" => set_date(&mut d.purchase_date, value),
        "owner" => set_text(&mut d.owner, value),
        "software_version" => set_text(&mut d.software_version, value),
        _ => Err("no such device field".to_string()),
    };
    result.map(|()| true).map_err(|reason| ApplyError {
        question_id: question.id.clone(),
        field: field.to_string(),
        reason,
    })
}
