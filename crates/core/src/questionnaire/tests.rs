//! Tests of the built-in content (the content test of issue 3) and of the engine.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::*;
use crate::model::DeviceFields;
use crate::vocab::*;

fn builtin() -> Questionnaire {
    load_builtin().expect("built-in questionnaires parse")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn answers(pairs: &[(&str, AnswerValue)]) -> Answers {
    pairs
        .iter()
        .map(|(id, v)| (id.to_string(), Answer::new(v.clone())))
        .collect()
}

fn ids(questions: &[&Question]) -> Vec<String> {
    questions.iter().map(|q| q.id.clone()).collect()
}

// ---- Built-in content ----------------------------------------------------------------------

#[test]
fn builtin_content_passes_validation() {
    let problems = validate(&builtin());
    let listing: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(
        problems.is_empty(),
        "content problems:\n{}",
        listing.join("\n")
    );
}

#[test]
fn builtin_content_has_enough_questions_per_scope() {
    let q = builtin();
    let count = |scope| q.set(scope).unwrap().questions().count();
    assert!(
        count(Scope::Clinic) >= 50,
        "clinic: {}",
        count(Scope::Clinic)
    );
    assert!(
        count(Scope::Device) >= 20,
        "device: {}",
        count(Scope::Device)
    );
    assert!(
        count(Scope::Procurement) >= 15,
        "procurement: {}",
        count(Scope::Procurement)
    );
}

#[test]
fn clinic_questions_cover_every_practice_and_topic() {
    let q = builtin();
    let clinic = q.set(Scope::Clinic).unwrap();
    let practices: BTreeSet<u8> = clinic.questions().map(|q| q.practice).collect();
    for practice in 1..=7 {
        assert!(
            practices.contains(&practice),
            "practice {practice} has no question"
        );
    }
    let topics: Vec<Topic> = clinic.questions().filter_map(|q| q.topic).collect();
    for topic in [
        Topic::Governance,
        Topic::IncidentResponse,
        Topic::BackupRecovery,
    ] {
        assert!(topics.contains(&topic), "{topic:?} has no question");
    }
}

#[test]
fn builtin_wireless_questions_are_conditional_on_connectivity() {
    let q = builtin();
    let device = q.set(Scope::Device).unwrap();
    for (id, connection) in [
        ("device.net.04", Connectivity::Wifi),
        ("device.net.06", Connectivity::Bluetooth),
    ] {
        let condition = device
            .question(id)
            .and_then(|q| q.show_if.as_ref())
            .unwrap();
        assert_eq!(condition.connectivity_any, vec![connection], "{id}");
    }
    let linked = device
        .questions()
        .filter(|q| q.device_field.is_some())
        .count();
    assert!(
        linked >= 10,
        "only {linked} device questions read from the inventory"
    );
}

#[test]
fn linkable_fields_are_real_device_fields() {
    let json = serde_json::to_value(DeviceFields::default()).unwrap();
    let keys = json.as_object().unwrap();
    for (name, _) in LINKABLE_FIELDS {
        assert!(
            keys.contains_key(*name),
            "{name} is not a DeviceFields field"
        );
    }
}

#[test]
fn vocabulary_shapes_list_every_known_value() {
    let expected = |all: Vec<&'static str>| {
        let mut keys: Vec<&str> = all.into_iter().filter(|k| *k != "unknown").collect();
        keys.sort();
        keys
    };
    for (name, all) in [
        (
            "authentication",
            Authentication::ALL
                .iter()
                .map(|v| v.key())
                .collect::<Vec<_>>(),
        ),
        (
            "remote_vendor_access",
            RemoteAccess::ALL.iter().map(|v| v.key()).collect(),
        ),
        (
            "patch_status",
            PatchStatus::ALL.iter().map(|v| v.key()).collect(),
        ),
        (
            "vendor_support",
            VendorSupport::ALL.iter().map(|v| v.key()).collect(),
        ),
        (
            "clinical_function",
            ClinicalFunction::ALL.iter().map(|v| v.key()).collect(),
        ),
        (
            "connectivity",
            Connectivity::ALL.iter().map(|v| v.key()).collect(),
        ),
    ] {
        let keys = match field_shape(name) {
            Some(FieldShape::Vocabulary(keys) | FieldShape::VocabularySet(keys)) => keys,
            other => panic!("{name}: {other:?}"),
        };
        let mut keys = keys.to_vec();
        keys.sort();
        assert_eq!(keys, expected(all), "{name}");
    }
}

// ---- The validator catches each kind of problem --------------------------------------------

const GOOD_QUESTION: &str = r#"
[[sections.questions]]
id = "clinic.t.01"
text = "Is there an inventory?"
help = "Why and where."
answer = "yes_no_partial"
gaps = { no = "high" }
action = "Make one."
practice = 1
hicp = "5.M.A"
csf = ["ID.AM-01"]
hipaa = ["164.310(d)(2)(iii)"]
"#;

fn set_text(scope: &str, questions: &str) -> String {
    format!(
        "version = 1\ntitle = \"Test\"\nscope = \"{scope}\"\n\n[[sections]]\nid = \"t\"\ntitle = \"T\"\nintro = \"Intro.\"\n{questions}"
    )
}

/// Codes found in a clinic set made of the good question followed by `second`.
fn codes_with(second: &str) -> Vec<ContentProblemCode> {
    codes_in("clinic", &format!("{GOOD_QUESTION}{second}"))
}

fn codes_in(scope: &str, questions: &str) -> Vec<ContentProblemCode> {
    let set = QuestionSet::from_toml(&set_text(scope, questions)).expect("snippet parses");
    validate_set(&set).into_iter().map(|p| p.code).collect()
}

/// The good question with `replace` substituted, and a new id.
fn variant(replace: &[(&str, &str)]) -> String {
    let mut text = GOOD_QUESTION.replace("clinic.t.01", "clinic.t.02");
    for (from, to) in replace {
        assert!(text.contains(from), "{from} not in the template");
        text = text.replace(from, to);
    }
    text
}

#[test]
fn a_good_snippet_has_no_problems() {
    assert_eq!(codes_with(""), vec![]);
}

#[test]
fn validator_catches_duplicate_ids_within_and_across_scopes() {
    use ContentProblemCode::*;
    assert!(codes_with(GOOD_QUESTION).contains(&DuplicateId));

    let clinic = QuestionSet::from_toml(&set_text("clinic", GOOD_QUESTION)).unwrap();
    let mut device = QuestionSet::from_toml(&set_text("device", GOOD_QUESTION)).unwrap();
    device.scope = Scope::Device;
    let procurement = QuestionSet {
        scope: Scope::Procurement,
        ..device.clone()
    };
    let problems = validate(&Questionnaire {
        sets: vec![clinic, device, procurement],
    });
    assert!(problems
        .iter()
        .any(|p| p.code == DuplicateId && p.scope == Scope::Device));
}

#[test]
fn validator_catches_missing_and_doubled_scopes() {
    let clinic = QuestionSet::from_toml(&set_text("clinic", GOOD_QUESTION)).unwrap();
    let problems = validate(&Questionnaire {
        sets: vec![clinic.clone(), clinic],
    });
    let codes: Vec<_> = problems.iter().map(|p| p.code).collect();
    assert!(codes.contains(&ContentProblemCode::DuplicateScope));
    assert!(codes.contains(&ContentProblemCode::ScopeMissing));
}

#[test]
fn validator_catches_empty_text_help_and_action() {
    for field in ["text", "help", "action"] {
        let line = match field {
            "text" => "text = \"Is there an inventory?\"",
            "help" => "help = \"Why and where.\"",
            _ => "action = \"Make one.\"",
        };
        let empty = format!("{field} = \"  \"");
        let codes = codes_with(&variant(&[(line, &empty)]));
        assert_eq!(codes, vec![ContentProblemCode::EmptyText], "{field}");
    }
}

#[test]
fn validator_catches_bad_ids() {
    let codes = codes_with(&variant(&[(
        "id = \"clinic.t.02\"",
        "id = \"device.t.02\"",
    )]));
    assert_eq!(codes, vec![ContentProblemCode::BadId]);
}

#[test]
fn validator_catches_unmapped_and_misspelt_references() {
    use ContentProblemCode::*;
    let cases: &[(&str, &str, ContentProblemCode)] = &[
        ("csf = [\"ID.AM-01\"]", "csf = []", Unmapped),
        ("hipaa = [\"164.310(d)(2)(iii)\"]", "hipaa = []", Unmapped),
        ("hicp = \"5.M.A\"", "hicp = \"\"", Unmapped),
        ("csf = [\"ID.AM-01\"]", "csf = [\"PR.AC-01\"]", BadCsf),
        (
            "hipaa = [\"164.310(d)(2)(iii)\"]",
            "hipaa = [\"164.312(a)(2)(v)\"]",
            BadHipaa,
        ),
        ("hicp = \"5.M.A\"", "hicp = \"HICP 5\"", BadHicp),
        ("practice = 1", "practice = 9", BadPractice),
        ("practice = 1", "practice = 0", Unmapped),
        (
            "practice = 1",
            "practice = 2\ntopic = \"governance\"",
            BadPractice,
        ),
    ];
    for (from, to, code) in cases {
        assert_eq!(codes_with(&variant(&[(from, to)])), vec![*code], "{to}");
    }
    // Practice 0 with a topic is the legal way to map governance, IR and backup questions.
    assert_eq!(
        codes_with(&variant(&[(
            "practice = 1",
            "practice = 0\ntopic = \"backup_recovery\""
        )])),
        vec![]
    );
}

#[test]
fn validator_catches_bad_conditions() {
    use ContentProblemCode::*;
    let condition = |c: &str| variant(&[("practice = 1", &format!("practice = 1\nshow_if = {c}"))]);
    let cases: &[(&str, ContentProblemCode)] = &[
        (
            r#"{ question = "clinic.nope.01", answer_in = ["yes"] }"#,
            ConditionUnknownQuestion,
        ),
        (
            r#"{ question = "clinic.t.02", answer_in = ["yes"] }"#,
            ConditionForwardReference,
        ),
        (
            r#"{ question = "clinic.t.01", answer_in = ["maybe"] }"#,
            ConditionBadAnswer,
        ),
        (
            r#"{ question = "clinic.t.01", answer_in = [] }"#,
            ConditionBadAnswer,
        ),
        (r#"{ answer_in = ["yes"] }"#, ConditionUnknownQuestion),
        (r#"{ connectivity_any = ["wifi"] }"#, WrongScope),
    ];
    for (c, code) in cases {
        assert_eq!(codes_with(&condition(c)), vec![*code], "{c}");
    }
    assert_eq!(
        codes_with(&condition(
            r#"{ question = "clinic.t.01", answer_in = ["yes", "partial", "unknown"] }"#
        )),
        vec![]
    );

    // A condition on a question that comes later in the file.
    let later = GOOD_QUESTION.replace("clinic.t.01", "clinic.t.03");
    let early = variant(&[(
        "practice = 1",
        "practice = 1\nshow_if = { question = \"clinic.t.03\", answer_in = [\"yes\"] }",
    )]);
    assert_eq!(
        codes_in("clinic", &format!("{early}{later}")),
        vec![ConditionForwardReference]
    );
}

#[test]
fn validator_catches_option_and_gap_mistakes() {
    use ContentProblemCode::*;
    let choice = |options: &str, gaps: &str| {
        variant(&[
            (
                "answer = \"yes_no_partial\"",
                &format!("answer = \"single_choice\"\noptions = {options}"),
            ),
            ("gaps = { no = \"high\" }", gaps),
        ])
    };
    let two = r#"[{ id = "a", label = "A" }, { id = "b", label = "B" }]"#;
    assert_eq!(codes_with(&choice(two, "gaps = { b = \"high\" }")), vec![]);
    assert_eq!(
        codes_with(&choice("[]", "unknown_severity = \"low\"")),
        vec![MissingOptions]
    );
    assert_eq!(
        codes_with(&choice(two, "gaps = { c = \"high\" }")),
        vec![BadGap]
    );
    assert_eq!(
        codes_with(&choice(two, "gaps = { unknown = \"high\" }")),
        vec![BadGap]
    );
    let doubled = r#"[{ id = "a", label = "A" }, { id = "a", label = "B" }]"#;
    assert_eq!(
        codes_with(&choice(doubled, "gaps = { a = \"high\" }")),
        vec![DuplicateOption]
    );
    // Options on a yes/no question.
    let with_options = variant(&[(
        "gaps = { no = \"high\" }",
        &format!("gaps = {{ no = \"high\" }}\noptions = {two}"),
    )]);
    assert_eq!(codes_with(&with_options), vec![UnexpectedOptions]);
    // "maybe" is not an answer of a yes/no/partial question.
    assert_eq!(
        codes_with(&variant(&[("{ no = \"high\" }", "{ maybe = \"high\" }")])),
        vec![BadGap]
    );
    // A question that can never be a gap and says nothing about unknown.
    assert_eq!(
        codes_with(&variant(&[("gaps = { no = \"high\" }", "")])),
        vec![BadGap]
    );
    // A number rule on a yes/no question.
    let number_rule = variant(&[(
        "gaps = { no = \"high\" }",
        "gaps = { no = \"high\" }\ngap_above = { value = 3, severity = \"low\" }",
    )]);
    assert_eq!(codes_with(&number_rule), vec![BadGap]);
}

#[test]
fn validator_catches_rules_that_do_not_fit_the_answer_type() {
    use ContentProblemCode::*;
    let date_rule = variant(&[(
        "gaps = { no = \"high\" }",
        "gaps = { no = \"high\" }\ngap_before = { days_from_today = -365, severity = \"low\" }",
    )]);
    assert_eq!(codes_with(&date_rule), vec![BadGap]);
    let unit = variant(&[(
        "gaps = { no = \"high\" }",
        "gaps = { no = \"high\" }\nunit = \"days\"",
    )]);
    assert_eq!(codes_with(&unit), vec![BadGap]);
    let inverted = variant(&[
        ("answer = \"yes_no_partial\"", "answer = \"number\""),
        (
            "gaps = { no = \"high\" }",
            "gap_above = { value = 10, severity = \"low\" }\ngap_below = { value = 20, severity = \"low\" }",
        ),
    ]);
    assert_eq!(codes_with(&inverted), vec![BadGap]);
}

#[test]
fn validator_catches_empty_sections() {
    let text = set_text("clinic", GOOD_QUESTION)
        + "\n[[sections]]\nid = \"empty\"\ntitle = \"Empty\"\nintro = \"Nothing here.\"\nquestions = []\n";
    let set = QuestionSet::from_toml(&text).unwrap();
    let codes: Vec<_> = validate_set(&set).into_iter().map(|p| p.code).collect();
    assert_eq!(codes, vec![ContentProblemCode::EmptySection]);
}

#[test]
fn validator_catches_device_field_mistakes() {
    use ContentProblemCode::*;
    let device_q = |answer: &str, field: &str| {
        let q = variant(&[
            ("clinic.t.02", "device.t.02"),
            (
                "answer = \"yes_no_partial\"",
                &format!("answer = \"{answer}\""),
            ),
            (
                "practice = 1",
                &format!("practice = 1\ndevice_field = \"{field}\""),
            ),
        ]);
        q.replace("gaps = { no = \"high\" }", "unknown_severity = \"low\"")
    };
    assert_eq!(
        codes_in("device", &device_q("yes_no", "default_credentials_changed")),
        vec![]
    );
    assert_eq!(
        codes_in("device", &device_q("yes_no", "favourite_colour")),
        vec![UnknownDeviceField]
    );
    assert_eq!(
        codes_in(
            "device",
            &device_q("yes_no_partial", "default_credentials_changed")
        ),
        vec![DeviceFieldMismatch]
    );
    assert_eq!(
        codes_in("device", &device_q("date", "handles_phi")),
        vec![DeviceFieldMismatch]
    );
    // A device link outside the device scope.
    let in_clinic = device_q("yes_no", "handles_phi").replace("device.t.02", "clinic.t.02");
    assert_eq!(codes_in("clinic", &in_clinic), vec![WrongScope]);
}

#[test]
fn misspelt_keys_fail_to_parse() {
    let text = set_text("clinic", &GOOD_QUESTION.replace("help =", "hlep ="));
    let error = QuestionSet::from_toml(&text).unwrap_err();
    assert!(error.to_string().contains("hlep"), "{error}");
}

// ---- Conditions -------------------------------------------------------------------------

fn device_with(connectivity: &[Connectivity], category: DeviceCategory) -> DeviceFields {
    DeviceFields {
        name: "Test device".into(),
        category,
        connectivity: connectivity.to_vec(),
        ..Default::default()
    }
}

#[test]
fn wifi_questions_are_hidden_for_a_wired_only_device() {
    let q = builtin();
    let set = q.set(Scope::Device).unwrap();
    let none = Answers::new();

    let wired = device_with(&[Connectivity::Wired], DeviceCategory::PatientMonitor);
    let shown = ids(&visible_questions(set, &none, Some(&wired)));
    assert!(
        !shown.contains(&"device.net.04".to_string()),
        "Wi-Fi security shown for a wired device"
    );
    assert!(!shown.contains(&"device.net.05".to_string()));
    assert!(
        !shown.contains(&"device.net.06".to_string()),
        "Bluetooth shown for a wired device"
    );
    assert!(
        shown.contains(&"device.net.01".to_string()),
        "internet access applies to wired devices"
    );

    let wifi = device_with(&[Connectivity::Wifi], DeviceCategory::PatientMonitor);
    let shown = ids(&visible_questions(set, &none, Some(&wifi)));
    assert!(shown.contains(&"device.net.04".to_string()));
    assert!(!shown.contains(&"device.net.06".to_string()));

    // Not knowing the connectivity hides nothing: better asked than missed.
    let unknown = device_with(&[], DeviceCategory::Unknown);
    let shown = ids(&visible_questions(set, &none, Some(&unknown)));
    assert!(shown.contains(&"device.net.04".to_string()));
    assert!(shown.contains(&"device.pat.07".to_string()));

    // A device that is not connected is asked no network questions.
    let offline = device_with(&[Connectivity::None], DeviceCategory::Defibrillator);
    let shown = ids(&visible_questions(set, &none, Some(&offline)));
    assert!(
        !shown.iter().any(|id| id.starts_with("device.net.")),
        "{shown:?}"
    );
}

#[test]
fn category_conditions_select_category_questions() {
    let q = builtin();
    let set = q.set(Scope::Device).unwrap();
    let pump = device_with(&[Connectivity::Wifi], DeviceCategory::InfusionPump);
    let monitor = device_with(&[Connectivity::Wifi], DeviceCategory::PatientMonitor);
    let pump_ids = ids(&visible_questions(set, &Answers::new(), Some(&pump)));
    let monitor_ids = ids(&visible_questions(set, &Answers::new(), Some(&monitor)));
    assert!(pump_ids.contains(&"device.pat.07".to_string()));
    assert!(!monitor_ids.contains(&"device.pat.07".to_string()));
    assert!(
        !pump_ids.contains(&"device.net.08".to_string()),
        "DICOM question for a pump"
    );
}

#[test]
fn answer_conditions_follow_answers_and_the_inventory() {
    let q = builtin();
    let set = q.set(Scope::Device).unwrap();
    let mut device = device_with(&[Connectivity::Wired], DeviceCategory::Imaging);
    let shows_method = |answers: &Answers, device: &DeviceFields| {
        ids(&visible_questions(set, answers, Some(device))).contains(&"device.rem.02".to_string())
    };
    assert!(
        !shows_method(&Answers::new(), &device),
        "follow-up shown before the question is answered"
    );
    let on_request = answers(&[("device.rem.01", AnswerValue::Choice("on_request".into()))]);
    assert!(shows_method(&on_request, &device));
    let never = answers(&[("device.rem.01", AnswerValue::Choice("none".into()))]);
    assert!(!shows_method(&never, &device));
    // The inventory already says the vendor connects at any time: the follow-up appears.
    device.remote_vendor_access = RemoteAccess::AlwaysOn;
    assert!(shows_method(&Answers::new(), &device));

    // Clinic scope: firewall follow-up only after segmentation exists.
    let clinic = q.set(Scope::Clinic).unwrap();
    let no_segment = answers(&[("clinic.seg.01", AnswerValue::No)]);
    let partial_segment = answers(&[("clinic.seg.01", AnswerValue::Partial)]);
    assert!(
        !ids(&visible_questions(clinic, &no_segment, None)).contains(&"clinic.seg.02".to_string())
    );
    assert!(ids(&visible_questions(clinic, &partial_segment, None))
        .contains(&"clinic.seg.02".to_string()));
}

// ---- Inventory link ------------------------------------------------------------------------

fn sample_value(question: &Question) -> AnswerValue {
    match field_shape(question.device_field.as_deref().unwrap()).unwrap() {
        FieldShape::YesNo => AnswerValue::No,
        FieldShape::Vocabulary(keys) => AnswerValue::Choice(keys[1].to_string()),
        FieldShape::VocabularySet(_) => AnswerValue::Choices(vec!["wired".into(), "wifi".into()]),
        FieldShape::Date => AnswerValue::Date(day(2025, 3, 14)),
        FieldShape::Text => AnswerValue::Text("Radiology lead".into()),
    }
}

#[test]
fn device_answers_round_trip_through_the_inventory() {
    let q = builtin();
    let linked: Vec<&Question> = q
        .set(Scope::Device)
        .unwrap()
        .questions()
        .filter(|q| q.device_field.is_some())
        .collect();
    for question in linked {
        let mut device = DeviceFields::default();
        assert_eq!(
            device_prefill(question, &device),
            None,
            "{}: unknown must be asked",
            question.id
        );
        let value = sample_value(question);
        assert_eq!(
            apply_to_device(question, &value, &mut device),
            Ok(true),
            "{}",
            question.id
        );
        assert_ne!(
            device,
            DeviceFields::default(),
            "{} wrote nothing",
            question.id
        );
        assert_eq!(
            device_prefill(question, &device),
            Some(value),
            "{}",
            question.id
        );

        // N/A leaves the inventory alone; unknown clears the fact.
        let before = device.clone();
        assert_eq!(
            apply_to_device(question, &AnswerValue::NotApplicable, &mut device),
            Ok(true)
        );
        assert_eq!(device, before);
        apply_to_device(question, &AnswerValue::Unknown, &mut device).unwrap();
        assert_eq!(device_prefill(question, &device), None, "{}", question.id);
    }
}

#[test]
fn every_linkable_field_is_read_and_written() {
    for (name, shape) in LINKABLE_FIELDS {
        let (answer, options) = match shape {
            FieldShape::YesNo => (AnswerType::YesNo, vec![]),
            FieldShape::Vocabulary(keys) => (AnswerType::SingleChoice, keys.to_vec()),
            FieldShape::VocabularySet(keys) => (AnswerType::MultiChoice, keys.to_vec()),
            FieldShape::Date => (AnswerType::Date, vec![]),
            FieldShape::Text => (AnswerType::Text, vec![]),
        };
        let question = Question {
            id: format!("device.x.{name}"),
            text: "t".into(),
            help: "h".into(),
            answer,
            options: options
                .iter()
                .map(|k| ChoiceOption {
                    id: k.to_string(),
                    label: k.to_string(),
                })
                .collect(),
            unit: None,
            gaps: Default::default(),
            gap_above: None,
            gap_below: None,
            gap_before: None,
            unknown_severity: Some(Severity::Low),
            action: "a".into(),
            practice: 1,
            topic: None,
            hicp: "9".into(),
            csf: vec!["ID.AM-01".into()],
            hipaa: vec!["164.308(a)(1)(ii)(A)".into()],
            show_if: None,
            device_field: Some(name.to_string()),
        };
        assert_eq!(fits(*shape, &question), Ok(()), "{name}");
        let value = sample_value(&question);
        let mut device = DeviceFields::default();
        apply_to_device(&question, &value, &mut device).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(device_prefill(&question, &device), Some(value), "{name}");
    }
}

#[test]
fn a_wrong_value_is_not_written_to_the_device() {
    let q = builtin();
    let question = q.question("device.acc.01").unwrap();
    let mut device = DeviceFields::default();
    let error =
        apply_to_device(question, &AnswerValue::Choice("x".into()), &mut device).unwrap_err();
    assert_eq!(error.field, "default_credentials_changed");
    assert_eq!(device, DeviceFields::default());
    let contradictory = AnswerValue::Choices(vec!["none".into(), "wifi".into()]);
    let connectivity = q.question("device.prof.01").unwrap();
    assert!(apply_to_device(connectivity, &contradictory, &mut device).is_err());
    assert_eq!(device, DeviceFields::default());
    assert_eq!(
        apply_to_device(
            q.question("device.acc.03").unwrap(),
            &AnswerValue::Yes,
            &mut device
        ),
        Ok(false),
        "an unlinked question touches nothing"
    );
}

#[test]
fn the_inventory_wins_over_a_stale_stored_answer() {
    let q = builtin();
    let question = q.question("device.acc.01").unwrap();
    let mut stored = answers(&[("device.acc.01", AnswerValue::No)]);
    stored.get_mut("device.acc.01").unwrap().note = Some("Vendor visit booked".into());
    let device = DeviceFields {
        default_credentials_changed: TriState::Yes,
        ..Default::default()
    };
    let effective = effective_answer(question, &stored, Some(&device)).unwrap();
    assert_eq!(effective.value, AnswerValue::Yes);
    assert_eq!(effective.note.as_deref(), Some("Vendor visit booked"));
    // Without a device (category-wide answers) the stored answer counts.
    assert_eq!(
        effective_answer(question, &stored, None).unwrap().value,
        AnswerValue::No
    );
}

// ---- Findings ------------------------------------------------------------------------------

#[test]
fn gap_answers_become_findings_with_action_and_mappings() {
    let q = builtin();
    let clinic = q.set(Scope::Clinic).unwrap();
    let given = answers(&[
        ("clinic.inv.01", AnswerValue::No),
        ("clinic.inv.03", AnswerValue::Yes),
        ("clinic.seg.01", AnswerValue::Partial),
        ("clinic.pat.03", AnswerValue::Number(120.0)),
        ("clinic.ra.01", AnswerValue::Date(day(2024, 1, 10))),
        ("clinic.bak.03", AnswerValue::Date(day(2026, 1, 10))),
        ("clinic.gov.01", AnswerValue::Unknown),
    ]);
    let found = findings(clinic, &given, None, day(2026, 6, 1));
    let by_id = |id: &str| found.iter().find(|f| f.question_id == id);

    let inventory = by_id("clinic.inv.01").expect("no inventory is a finding");
    assert_eq!(inventory.severity, Severity::Critical);
    assert_eq!(
        inventory.reason,
        FindingReason::GapAnswer {
            keys: vec!["no".into()]
        }
    );
    assert_eq!(inventory.practice, 1);
    assert_eq!(inventory.csf, vec!["ID.AM-01".to_string()]);
    assert!(inventory
        .hipaa
        .iter()
        .all(|c| reference::is_hipaa_citation(c)));
    assert!(!inventory.action.is_empty());
    assert_eq!(inventory.section_id, "inventory");

    assert!(by_id("clinic.inv.03").is_none(), "yes is not a gap");
    assert_eq!(by_id("clinic.seg.01").unwrap().severity, Severity::Medium);
    assert_eq!(
        by_id("clinic.pat.03").unwrap().reason,
        FindingReason::NumberAbove { limit: 60.0 }
    );
    assert_eq!(
        by_id("clinic.ra.01").unwrap().reason,
        FindingReason::DateBefore {
            limit: day(2025, 6, 1)
        }
    );
    assert!(
        by_id("clinic.bak.03").is_none(),
        "a restore tested this year is fine"
    );

    let unknown = by_id("clinic.gov.01").unwrap();
    assert_eq!(unknown.reason, FindingReason::Unknown);
    assert_eq!(
        unknown.severity,
        Severity::High,
        "unknown takes the worst declared gap"
    );
    assert_eq!(unknown.topic, Some(Topic::Governance));

    let severities: Vec<Severity> = found.iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(severities, sorted, "worst first");
}

#[test]
fn not_applicable_needs_a_reason() {
    let q = builtin();
    let clinic = q.set(Scope::Clinic).unwrap();
    let today = day(2026, 6, 1);
    let bare = answers(&[("clinic.seg.05", AnswerValue::NotApplicable)]);
    let found = findings(clinic, &bare, None, today);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].reason, FindingReason::NaWithoutReason);
    let problems = answer_problems(&q, &bare);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, AnswerProblemCode::NaWithoutReason);

    let mut justified = Answers::new();
    justified.insert(
        "clinic.seg.05".into(),
        Answer::not_applicable("The clinic has no networked building systems"),
    );
    assert!(findings(clinic, &justified, None, today).is_empty());
    assert!(answer_problems(&q, &justified).is_empty());
}

#[test]
fn multi_choice_findings_take_the_worst_chosen_option() {
    let q = builtin();
    let set = q.set(Scope::Device).unwrap();
    let device = device_with(&[Connectivity::Wired], DeviceCategory::Imaging);
    let given = answers(&[
        ("device.rem.01", AnswerValue::Choice("on_request".into())),
        (
            "device.rem.02",
            AnswerValue::Choices(vec![
                "clinic_vpn".into(),
                "modem".into(),
                "open_port".into(),
            ]),
        ),
    ]);
    let found = findings(set, &given, Some(&device), day(2026, 6, 1));
    let method = found
        .iter()
        .find(|f| f.question_id == "device.rem.02")
        .unwrap();
    assert_eq!(method.severity, Severity::Critical);
    assert_eq!(
        method.reason,
        FindingReason::GapAnswer {
            keys: vec!["modem".into(), "open_port".into()]
        }
    );
}

#[test]
fn hidden_questions_and_retired_devices_give_no_findings() {
    let q = builtin();
    let set = q.set(Scope::Device).unwrap();
    let wired = device_with(&[Connectivity::Wired], DeviceCategory::PatientMonitor);
    let given = answers(&[("device.net.04", AnswerValue::Choice("wep_or_open".into()))]);
    assert!(findings(set, &given, Some(&wired), day(2026, 6, 1)).is_empty());

    let retired = DeviceFields {
        status: DeviceStatus::Decommissioned,
        default_credentials_changed: TriState::No,
        ..wired.clone()
    };
    assert!(findings(set, &Answers::new(), Some(&retired), day(2026, 6, 1)).is_empty());
    let active = DeviceFields {
        status: DeviceStatus::Active,
        ..retired
    };
    let found = findings(set, &Answers::new(), Some(&active), day(2026, 6, 1));
    assert_eq!(
        found.len(),
        1,
        "the inventory's 'no' is a finding: {found:?}"
    );
    assert_eq!(found[0].question_id, "device.acc.01");
    assert_eq!(found[0].severity, Severity::Critical);
}

// ---- Answers -------------------------------------------------------------------------------

#[test]
fn answers_must_fit_their_question() {
    let q = builtin();
    let check = |id: &str, value: AnswerValue| {
        check_answer(q.question(id).unwrap(), &Answer::new(value)).map_err(|p| p.code)
    };
    use AnswerProblemCode::*;
    assert_eq!(check("clinic.inv.01", AnswerValue::Partial), Ok(()));
    assert_eq!(
        check("device.acc.01", AnswerValue::Partial),
        Err(WrongType),
        "yes/no has no 'partly'"
    );
    assert_eq!(
        check("clinic.inv.01", AnswerValue::Number(3.0)),
        Err(WrongType)
    );
    assert_eq!(
        check("device.rem.01", AnswerValue::Choice("sometimes".into())),
        Err(UnknownOption)
    );
    assert_eq!(
        check("device.rem.02", AnswerValue::Choices(vec![])),
        Err(EmptyValue)
    );
    assert_eq!(
        check(
            "device.rem.02",
            AnswerValue::Choices(vec!["modem".into(), "modem".into()])
        ),
        Err(WrongType)
    );
    assert_eq!(
        check("clinic.inv.02", AnswerValue::Number(-1.0)),
        Err(InvalidNumber)
    );
    assert_eq!(
        check("clinic.inv.02", AnswerValue::Number(f64::NAN)),
        Err(InvalidNumber)
    );
    assert_eq!(
        check("clinic.gov.02", AnswerValue::Text("  ".into())),
        Err(EmptyValue)
    );
    for id in [
        "clinic.inv.01",
        "device.rem.02",
        "clinic.inv.02",
        "clinic.ra.01",
        "clinic.gov.02",
    ] {
        assert_eq!(
            check(id, AnswerValue::Unknown),
            Ok(()),
            "unknown is always allowed: {id}"
        );
    }
    let gone = answers(&[("clinic.removed.01", AnswerValue::Yes)]);
    assert_eq!(answer_problems(&q, &gone)[0].code, UnknownQuestion);
}

#[test]
fn carry_forward_marks_answers_to_confirm_and_drops_stale_ones() {
    let q = builtin();
    let mut last_year = answers(&[
        ("clinic.inv.01", AnswerValue::Yes),
        ("clinic.seg.01", AnswerValue::Partial),
        ("clinic.retired.01", AnswerValue::No),
        (
            "device.rem.01",
            AnswerValue::Choice("withdrawn_option".into()),
        ),
    ]);
    last_year.get_mut("clinic.inv.01").unwrap().note = Some("Inventory in this app".into());
    let carried = carry_forward(&q, &last_year);
    assert_eq!(carried.len(), 2);
    assert!(carried.values().all(|a| a.to_confirm));
    assert_eq!(
        carried["clinic.inv.01"].note.as_deref(),
        Some("Inventory in this app")
    );
    assert_eq!(carried["clinic.seg.01"].value, AnswerValue::Partial);

    let progress = progress(q.set(Scope::Clinic).unwrap(), &carried, None);
    assert_eq!(progress.overall.to_confirm, 2);
    assert_eq!(progress.overall.answered, 2);
}

#[test]
fn diff_lists_added_removed_and_changed_answers() {
    let old = answers(&[
        ("clinic.inv.01", AnswerValue::No),
        ("clinic.inv.03", AnswerValue::Partial),
        ("clinic.inv.04", AnswerValue::Yes),
        ("clinic.seg.01", AnswerValue::Yes),
    ]);
    let mut new = answers(&[
        ("clinic.inv.01", AnswerValue::Yes),
        ("clinic.inv.03", AnswerValue::Partial),
        ("clinic.inv.05", AnswerValue::Unknown),
        ("clinic.seg.01", AnswerValue::Yes),
    ]);
    new.get_mut("clinic.seg.01").unwrap().note = Some("VLAN 20".into());
    let changes = diff_answers(&old, &new);
    let changed: Vec<&str> = changes.iter().map(|c| c.question_id.as_str()).collect();
    assert_eq!(
        changed,
        vec![
            "clinic.inv.01",
            "clinic.inv.04",
            "clinic.inv.05",
            "clinic.seg.01"
        ]
    );
    assert_eq!(changes[0].before.as_ref().unwrap().value, AnswerValue::No);
    assert_eq!(changes[0].after.as_ref().unwrap().value, AnswerValue::Yes);
    assert!(changes[1].after.is_none(), "removed");
    assert!(changes[2].before.is_none(), "added");
    assert!(diff_answers(&new, &new).is_empty());

    // Confirming a carried answer is a change the history shows.
    let carried = Answers::from([(
        "clinic.inv.01".to_string(),
        Answer {
            to_confirm: true,
            ..Answer::new(AnswerValue::Yes)
        },
    )]);
    let confirmed = answers(&[("clinic.inv.01", AnswerValue::Yes)]);
    assert_eq!(diff_answers(&carried, &confirmed).len(), 1);
}

#[test]
fn category_answers_apply_to_each_device_unless_overridden() {
    let category = answers(&[
        ("device.acc.03", AnswerValue::Yes),
        ("device.hard.02", AnswerValue::No),
    ]);
    let device = answers(&[("device.hard.02", AnswerValue::Partial)]);
    let merged = merge_category_answers(&category, &device);
    assert_eq!(merged["device.acc.03"].value, AnswerValue::Yes);
    assert_eq!(merged["device.hard.02"].value, AnswerValue::Partial);
}

// ---- Progress ------------------------------------------------------------------------------

#[test]
fn progress_counts_visible_questions_per_section() {
    let q = builtin();
    let clinic = q.set(Scope::Clinic).unwrap();
    let empty = progress(clinic, &Answers::new(), None);
    let visible = visible_questions(clinic, &Answers::new(), None).len() as u32;
    assert_eq!(empty.overall.total, visible);
    assert_eq!(empty.overall.answered, 0);
    assert_eq!(empty.overall.unanswered_ids.len() as u32, visible);
    assert_eq!(empty.sections.len(), clinic.sections.len());

    let given = answers(&[
        ("clinic.seg.01", AnswerValue::Yes),
        ("clinic.seg.02", AnswerValue::Unknown),
    ]);
    let now = progress(clinic, &given, None);
    let seg = now
        .sections
        .iter()
        .find(|s| s.section_id == "segmentation")
        .unwrap();
    let seg_before = empty
        .sections
        .iter()
        .find(|s| s.section_id == "segmentation")
        .unwrap();
    assert_eq!(
        seg.counts.total,
        seg_before.counts.total + 2,
        "the two follow-ups appear"
    );
    assert_eq!(seg.counts.answered, 2);
    assert_eq!(seg.counts.unknown_ids, vec!["clinic.seg.02".to_string()]);
    assert_eq!(
        seg.counts.unanswered_ids.first().map(String::as_str),
        Some("clinic.seg.03")
    );
    assert_eq!(now.overall.answered, 2);
    assert_eq!(seg.counts.percent(), 2 * 100 / seg.counts.total);
}

#[test]
fn progress_counts_facts_the_inventory_already_holds() {
    let q = builtin();
    let set = q.set(Scope::Device).unwrap();
    let device = DeviceFields {
        connectivity: vec![Connectivity::Wired],
        clinical_function: ClinicalFunction::Diagnostic,
        default_credentials_changed: TriState::Yes,
        ..Default::default()
    };
    let p = progress(set, &Answers::new(), Some(&device));
    assert_eq!(p.overall.answered, 3, "{:?}", p.overall);
}

// ---- Assessment lifecycle ------------------------------------------------------------------

fn sign_off(on: NaiveDate) -> SignOff {
    SignOff {
        name: "Dana Whitfield".into(),
        role: "COO and security official".into(),
        signed_on: on,
    }
}

#[test]
fn a_final_assessment_refuses_edits_and_revisions_start_a_new_draft() {
    let versions = builtin().versions();
    assert_eq!(versions.len(), 3);
    let mut assessment = Assessment::new_draft("2026 annual", day(2026, 2, 1), versions).unwrap();
    assert_eq!(assessment.ensure_editable(), Ok(()));
    assert_eq!(
        assessment.new_revision().unwrap_err(),
        AssessmentError::NotFinal
    );

    assessment
        .finalize(sign_off(day(2026, 3, 1)), vec![])
        .unwrap();
    assert_eq!(assessment.status, AssessmentStatus::Final);
    let refused = assessment.ensure_editable().unwrap_err();
    assert_eq!(refused.code(), "assessment_final");
    assert!(refused.to_string().contains("Dana Whitfield"), "{refused}");
    assert_eq!(
        assessment
            .finalize(sign_off(day(2026, 3, 2)), vec![])
            .unwrap_err()
            .code(),
        "assessment_final",
        "finalizing twice is an edit too"
    );

    let revision = assessment.new_revision().unwrap();
    assert_eq!(revision.status, AssessmentStatus::Draft);
    assert_eq!(revision.revision, 2);
    assert_eq!(revision.revises, Some(assessment.id));
    assert_ne!(revision.id, assessment.id);
    assert_eq!(revision.sign_off, None);
    assert_eq!(revision.ensure_editable(), Ok(()));
}

#[test]
fn finalizing_needs_a_complete_sign_off_and_clean_answers() {
    let q = builtin();
    let mut assessment = Assessment::new_draft("2026 annual", day(2026, 2, 1), vec![]).unwrap();
    let incomplete = SignOff {
        role: " ".into(),
        ..sign_off(day(2026, 3, 1))
    };
    assert_eq!(
        assessment.finalize(incomplete, vec![]),
        Err(AssessmentError::IncompleteSignOff)
    );
    assert_eq!(
        assessment
            .finalize(sign_off(day(2026, 1, 1)), vec![])
            .unwrap_err()
            .code(),
        "sign_off_before_start"
    );
    let bare_na = answers(&[("clinic.seg.05", AnswerValue::NotApplicable)]);
    let error = assessment
        .finalize(sign_off(day(2026, 3, 1)), answer_problems(&q, &bare_na))
        .unwrap_err();
    assert_eq!(error.code(), "answer_problems");
    assert_eq!(
        assessment.status,
        AssessmentStatus::Draft,
        "a refused finalize changes nothing"
    );
    assert_eq!(
        Assessment::new_draft("  ", day(2026, 2, 1), vec![]).unwrap_err(),
        AssessmentError::EmptyTitle
    );
}

#[test]
fn answers_serialise_in_a_stable_shape() {
    // The CLI's answers.json and the UI both use this shape; changing it breaks saved files.
    let answer = Answer::new(AnswerValue::Choice("on_request".into()));
    let json = serde_json::to_value(&answer).unwrap();
    assert_eq!(
        json["value"],
        serde_json::json!({"kind": "choice", "value": "on_request"})
    );
    assert_eq!(
        serde_json::to_value(AnswerValue::Unknown).unwrap(),
        serde_json::json!({"kind": "unknown"})
    );
    let back: Answer =
        serde_json::from_value(serde_json::json!({"value": {"kind": "yes"}})).unwrap();
    assert_eq!(back, Answer::new(AnswerValue::Yes));
}
