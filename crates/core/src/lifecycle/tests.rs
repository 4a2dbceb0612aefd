use chrono::NaiveDate;

use super::*;
use crate::risk::RiskLevel;
use crate::{DeviceStatus, PatchStatus};

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn table() -> &'static OsTable {
    OsTable::builtin()
}

const SHIPPED: &str = include_str!("../../../../assets/lifecycle/os-support.toml");

/// The endoflife.date files the table was built from (copied into assets/lifecycle/endoflife).
const ENDOFLIFE_FILES: &[(&str, &str)] = &[
    (
        "windows",
        include_str!("../../../../assets/lifecycle/endoflife/windows.md"),
    ),
    (
        "windows-server",
        include_str!("../../../../assets/lifecycle/endoflife/windows-server.md"),
    ),
    (
        "windows-embedded",
        include_str!("../../../../assets/lifecycle/endoflife/windows-embedded.md"),
    ),
    (
        "macos",
        include_str!("../../../../assets/lifecycle/endoflife/macos.md"),
    ),
    (
        "ios",
        include_str!("../../../../assets/lifecycle/endoflife/ios.md"),
    ),
    (
        "ipados",
        include_str!("../../../../assets/lifecycle/endoflife/ipados.md"),
    ),
    (
        "android",
        include_str!("../../../../assets/lifecycle/endoflife/android.md"),
    ),
    (
        "debian",
        include_str!("../../../../assets/lifecycle/endoflife/debian.md"),
    ),
    (
        "ubuntu",
        include_str!("../../../../assets/lifecycle/endoflife/ubuntu.md"),
    ),
    (
        "rhel",
        include_str!("../../../../assets/lifecycle/endoflife/rhel.md"),
    ),
    (
        "centos",
        include_str!("../../../../assets/lifecycle/endoflife/centos.md"),
    ),
    (
        "linux-kernel",
        include_str!("../../../../assets/lifecycle/endoflife/linux-kernel.md"),
    ),
];

// ---------------------------------------------------------------------------------------------
// The shipped table

#[test]
fn shipped_table_validates() {
    let t = OsTable::from_toml(SHIPPED).expect("the shipped table is valid");
    assert!(t.attribution.contains("endoflife.date"));
    assert!(t.attribution.contains("MIT"));
    assert!(t.releases().len() > 250, "{} releases", t.releases().len());
    let mut ids = std::collections::HashSet::new();
    for r in t.releases() {
        assert!(ids.insert(r.id.clone()), "duplicate id {}", r.id);
        assert!(!r.source.trim().is_empty(), "{} has no source", r.id);
        if let (Some(released), Some(end)) = (r.release_date, r.security_support_end.date()) {
            assert!(end >= released, "{} ends before it is released", r.id);
        }
        assert!(
            !t.names_of(&r.id).is_empty()
                || t.platform(&r.platform).unwrap().scheme == PlatformScheme::Listed,
            "{} cannot be matched by any name",
            r.id
        );
    }
    for p in t.platforms() {
        assert!(
            t.releases().iter().any(|r| r.platform == p.id),
            "platform {} has no releases",
            p.id
        );
    }
    // Every Windows Embedded / CE row is matchable by at least one listed name.
    for r in t
        .releases()
        .iter()
        .filter(|r| r.platform == "windows-embedded")
    {
        assert!(!t.names_of(&r.id).is_empty(), "{} has no names", r.id);
    }
}

#[test]
fn embedded_windows_rows_cite_microsoft_and_keep_their_dates() {
    let t = table();
    let cases = [
        ("windows-embedded/xp-embedded", "2016-01-12"),
        ("windows-embedded/standard-2009", "2019-01-08"),
        ("windows-embedded/posready-2009", "2019-04-09"),
        ("windows-embedded/ce-5.0", "2014-10-14"),
        ("windows-embedded/ce-6.0", "2018-04-10"),
        ("windows-embedded/7-fes", "2020-01-14"),
        ("windows-embedded/wepos", "2016-04-12"),
    ];
    for (id, end) in cases {
        let r = t.release(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(r.security_support_end, SupportEnd::On(d(end)), "{id}");
        assert!(r.source.contains("Microsoft"), "{id}: {}", r.source);
    }
    // From endoflife.date, with the ESU end added from Microsoft's page.
    let wes7 = t.release("windows-embedded/standard-7-sp1").unwrap();
    assert_eq!(wes7.security_support_end, SupportEnd::On(d("2020-10-13")));
    assert_eq!(
        wes7.extended_support_end,
        Some(SupportEnd::On(d("2023-10-10")))
    );
    for id in ["windows-embedded/compact-7", "windows-embedded/posready-7"] {
        assert!(
            t.release(id).unwrap().source.starts_with("endoflife.date"),
            "{id}"
        );
    }
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "'{from}' must occur once");
    text.replacen(from, to, 1)
}

#[test]
fn validation_catches_broken_tables() {
    let problems = |text: &str| match OsTable::from_toml(text) {
        Err(TableError::Invalid(p)) => p.join("\n"),
        other => panic!("expected problems, got {other:?}"),
    };
    // A duplicate row.
    let start = SHIPPED
        .find("[[release]]\nid = \"windows-embedded/ce-6.0\"")
        .unwrap();
    let end = start + SHIPPED[start..].find("\n\n").unwrap();
    let duplicated = format!("{SHIPPED}\n{}\n", &SHIPPED[start..end]);
    assert!(problems(&duplicated).contains("'windows-embedded/ce-6.0': the id is used twice"));
    // An end before the release.
    let early = replace_once(
        SHIPPED,
        "release_date = \"2006-11-30\"",
        "release_date = \"2019-11-30\"",
    );
    assert!(problems(&early).contains("security_support_end 2018-04-10 is before the release date"));
    // No source.
    let unsourced = replace_once(
        SHIPPED,
        "source = \"Microsoft Learn product lifecycle page \\\"Windows CE 5.0\\\"",
        "source = \" \"\nnote = \"",
    );
    assert!(problems(&unsourced).contains("'windows-embedded/ce-5.0': no source is cited"));
    // Unknown platform and see_also.
    let orphan = replace_once(
        SHIPPED,
        "see_also = [\"windows-embedded/standard-7-sp1\"]",
        "see_also = [\"windows-embedded/nope\"]",
    );
    assert!(problems(&orphan).contains("unknown release 'windows-embedded/nope'"));
    // Bad dates are refused when parsed.
    let bad = replace_once(
        SHIPPED,
        "security_support_end = \"2014-10-14\"",
        "security_support_end = \"14/10/2014\"",
    );
    assert!(
        matches!(OsTable::from_toml(&bad), Err(TableError::Parse(m)) if m.contains("14/10/2014"))
    );
    let format = SHIPPED.replacen("format = 1", "format = 2", 1);
    assert!(problems(&format).contains("format 2 is not supported"));
}

// ---------------------------------------------------------------------------------------------
// endoflife.date files

#[test]
fn the_shipped_table_agrees_with_the_endoflife_files_it_was_built_from() {
    for (platform, text) in ENDOFLIFE_FILES {
        let file = parse_endoflife(text).unwrap_or_else(|e| panic!("{platform}: {e}"));
        let (_, report) = table().import_endoflife(text).unwrap();
        assert_eq!(report.platform_id, *platform);
        assert!(
            report.added.is_empty(),
            "{platform}: added {:?}",
            report.added
        );
        assert!(
            report.changed.is_empty(),
            "{platform}: changed {:?}",
            report.changed
        );
        assert_eq!(report.unchanged as usize, file.releases.len(), "{platform}");
    }
}

#[test]
fn endoflife_files_parse_dates_booleans_and_labels() {
    let windows = parse_endoflife(ENDOFLIFE_FILES[0].1).unwrap();
    assert_eq!(windows.permalink.as_deref(), Some("/windows"));
    let w10 = windows
        .releases
        .iter()
        .find(|r| r.cycle == "10-22h2")
        .unwrap();
    assert_eq!(w10.label.as_deref(), Some("10 22H2"));
    assert_eq!(w10.release_date, Some(d("2022-10-18")));
    assert_eq!(w10.eol, Some(SupportEnd::On(d("2025-10-14"))));
    assert_eq!(w10.eoes, Some(SupportEnd::On(d("2028-10-10"))));
    // A '#' inside a URL is not a comment.
    let iot = windows
        .releases
        .iter()
        .find(|r| r.cycle == "11-24h2-iot-lts")
        .unwrap();
    assert!(iot
        .link
        .as_deref()
        .unwrap()
        .ends_with("#enterprise-and-iot-enterprise-ltsc-editions"));
    assert_eq!(iot.lts, Some(true));

    let kernel = parse_endoflife(ENDOFLIFE_FILES[11].1).unwrap();
    assert_eq!(kernel.permalink.as_deref(), Some("/linux"));
    let k72 = kernel.releases.iter().find(|r| r.cycle == "7.2").unwrap();
    assert_eq!(k72.eol, Some(SupportEnd::NotAnnounced));
    // "eol: 2026-06-27 # announced ..." keeps only the date.
    let k70 = kernel.releases.iter().find(|r| r.cycle == "7.0").unwrap();
    assert_eq!(k70.eol, Some(SupportEnd::On(d("2026-06-27"))));

    let android = parse_endoflife(ENDOFLIFE_FILES[6].1).unwrap();
    let jelly = android.releases.iter().find(|r| r.cycle == "4.3").unwrap();
    assert_eq!(jelly.eol, Some(SupportEnd::Ended));
    assert_eq!(jelly.codename.as_deref(), Some("Jelly Bean"));

    let t = table();
    assert_eq!(
        t.release("ubuntu/18.04").unwrap().label,
        "Ubuntu 18.04 'Bionic Beaver'"
    );
    assert_eq!(
        t.release("windows-server/2012-r2").unwrap().label,
        "Windows Server 2012 R2"
    );
    assert_eq!(
        t.release("macos/10.11").unwrap().label,
        "OS X 10.11 (El Capitan)"
    );
    assert_eq!(t.release("windows/5-sp3").unwrap().label, "Windows XP SP3");
}

const NEWER_UBUNTU: &str = "---
title: Ubuntu
permalink: /ubuntu
releaseLabel: \"__RELEASE_CYCLE__ '__CODENAME__'\"
auto:
  methods:
    - distrowatch: ubuntu
      template: \"{{v1}}{%if v2%}\\n{{v2}}{%endif%}\"
releases:
  - releaseCycle: \"26.10\"   # new
    codename: \"Stonking Stingray\"
    releaseDate: 2026-10-15
    eoas: 2027-07-01
    eol: 2027-07-01
    latest: \"26.10\"

  - releaseCycle: \"18.04\"
    codename: \"Bionic Beaver\"
    lts: true
    releaseDate: 2018-04-26
    eoas: 2023-05-31
    eol: 2023-05-31
    eoes: 2030-04-01
    someFutureKey: [1, 2]
---

> Ubuntu prose.
";

#[test]
fn importing_a_newer_file_adds_and_updates_and_says_what_changed() {
    let (updated, report) = table().import_endoflife(NEWER_UBUNTU).unwrap();
    assert_eq!(report.platform_id, "ubuntu");
    assert_eq!(report.added, vec!["ubuntu/26.10".to_string()]);
    assert_eq!(report.changed.len(), 1, "{:?}", report.changed);
    let change = &report.changed[0];
    assert_eq!(change.release_id, "ubuntu/18.04");
    assert_eq!(change.field, "end of extended security updates");
    assert_eq!(change.before, "2028-04-01");
    assert_eq!(change.after, "2030-04-01");
    assert_eq!(report.unchanged, 0);
    assert!(report
        .kept_not_in_file
        .contains(&"ubuntu/22.04".to_string()));
    assert!(
        report
            .summary
            .starts_with("Ubuntu: 1 release(s) added, 1 changed"),
        "{}",
        report.summary
    );

    let added = updated.release("ubuntu/26.10").unwrap();
    assert_eq!(added.label, "Ubuntu 26.10 'Stonking Stingray'");
    assert_eq!(added.security_support_end, SupportEnd::On(d("2027-07-01")));
    assert!(added.source.contains("imported"));
    assert_eq!(
        updated
            .release("ubuntu/18.04")
            .unwrap()
            .extended_support_end,
        Some(SupportEnd::On(d("2030-04-01")))
    );
    // Kept rows and the original table are untouched; the new row is matchable.
    assert!(updated.release("ubuntu/22.04").is_some());
    assert!(table().release("ubuntu/26.10").is_none());
    assert_eq!(
        updated.match_os("Ubuntu 26.10").release_id.as_deref(),
        Some("ubuntu/26.10")
    );
    assert_eq!(
        updated.match_os("Ubuntu Stonking").release_id.as_deref(),
        Some("ubuntu/26.10")
    );
}

#[test]
fn import_keeps_listed_names_and_hand_added_dates() {
    // windows-embedded.md has no ESU date for WES7: the one from Microsoft's page is kept.
    let (updated, report) = table().import_endoflife(ENDOFLIFE_FILES[2].1).unwrap();
    assert!(report
        .kept_not_in_file
        .contains(&"windows-embedded/xp-embedded".to_string()));
    let wes7 = updated.release("windows-embedded/standard-7-sp1").unwrap();
    assert_eq!(
        wes7.extended_support_end,
        Some(SupportEnd::On(d("2023-10-10")))
    );
    assert!(updated
        .names_of("windows-embedded/standard-7-sp1")
        .contains(&"windows 7 embedded standard".to_string()));
}

#[test]
fn unreadable_or_unknown_files_are_refused_with_a_reason() {
    let err = |text: &str| table().import_endoflife(text).unwrap_err().to_string();
    assert!(err("releases: []").contains("does not start with '---'"));
    assert!(
        err("---\ntitle: X\nreleases:\n  - releaseCycle: \"1\"\n    eol: false\n")
            .contains("not closed")
    );
    assert!(err("---\ntitle: Nothing\npermalink: /nothing\n---\n").contains("lists no releases"));
    assert!(err("---\ntitle: Tomcat\npermalink: /tomcat\nreleases:\n  - releaseCycle: \"9\"\n    eol: false\n---\n")
        .contains("Tomcat (/tomcat), which is not a platform of the table"));
    assert!(err(
        "---\npermalink: /ubuntu\nreleases:\n  - releaseCycle: \"9\"\n    eol: someday\n---\n"
    )
    .contains("release '9': eol 'someday' is not a date"));
    assert!(
        err("---\npermalink: /ubuntu\nreleases:\n  - codename: x\n    eol: false\n---\n")
            .contains("no releaseCycle")
    );
}

// ---------------------------------------------------------------------------------------------
// Matching free text

/// Real-world spellings seen in device inventories → expected row (None: no match) and the
/// least confidence accepted.
const HIGH: MatchConfidence = MatchConfidence::High;
const MEDIUM: MatchConfidence = MatchConfidence::Medium;
const LOW: MatchConfidence = MatchConfidence::Low;
const NO_MATCH: MatchConfidence = MatchConfidence::None;

const SPELLINGS: &[(&str, Option<&str>, MatchConfidence)] = &[
    ("Win 7 Embedded SP1", Some("windows-embedded/7-fes"), MEDIUM),
    (
        "Windows 7 Professional for Embedded Systems",
        Some("windows-embedded/7-fes"),
        HIGH,
    ),
    (
        "Windows 7 Ultimate for Embedded Systems SP1",
        Some("windows-embedded/7-fes"),
        HIGH,
    ),
    (
        "Windows Embedded Standard 7",
        Some("windows-embedded/standard-7-sp1"),
        HIGH,
    ),
    ("WES7 SP1", Some("windows-embedded/standard-7-sp1"), HIGH),
    (
        "Windows 7 Embedded Standard SP1 x64",
        Some("windows-embedded/standard-7-sp1"),
        HIGH,
    ),
    (
        "Windows 10 IoT Enterprise LTSC 2019",
        Some("windows/10-1809-e-lts"),
        HIGH,
    ),
    (
        "Win10 IoT Ent LTSC 2021",
        Some("windows/10-21h2-iot-lts"),
        HIGH,
    ),
    (
        "Windows 11 IoT Enterprise LTSC 2024",
        Some("windows/11-24h2-iot-lts"),
        HIGH,
    ),
    (
        "Windows 10 Enterprise 2016 LTSB",
        Some("windows/10-1607-e-lts"),
        HIGH,
    ),
    (
        "Windows 10 Enterprise LTSC 2021",
        Some("windows/10-21h2-e-lts"),
        HIGH,
    ),
    ("Windows 10 Pro 22H2", Some("windows/10-22h2"), HIGH),
    (
        "Windows 10 Enterprise, version 21H2",
        Some("windows/10-21h2-e"),
        HIGH,
    ),
    ("Windows 10", Some("windows/10-22h2"), LOW),
    ("XPe", Some("windows-embedded/xp-embedded"), HIGH),
    (
        "Windows XP Embedded SP3",
        Some("windows-embedded/xp-embedded"),
        HIGH,
    ),
    ("Windows XP SP3", Some("windows/5-sp3"), HIGH),
    (
        "Windows XP Professional Service Pack 3",
        Some("windows/5-sp3"),
        HIGH,
    ),
    (
        "Windows XP Professional for Embedded Systems",
        Some("windows/5-sp3"),
        HIGH,
    ),
    ("WinXP", Some("windows/5-sp3"), HIGH),
    ("Windows Vista SP2", Some("windows/6-sp2"), HIGH),
    ("Windows 7 Professional SP1", Some("windows/7-sp1"), HIGH),
    ("Win7", Some("windows/7-sp1"), HIGH),
    ("Windows 8.1", Some("windows/8.1"), HIGH),
    ("WinCE 6.0", Some("windows-embedded/ce-6.0"), HIGH),
    (
        "Windows Embedded CE 6.0",
        Some("windows-embedded/ce-6.0"),
        HIGH,
    ),
    ("Windows CE 5.0", Some("windows-embedded/ce-5.0"), HIGH),
    (
        "Windows Embedded Compact 7",
        Some("windows-embedded/compact-7"),
        HIGH,
    ),
    ("WEC2013", Some("windows-embedded/compact-2013"), HIGH),
    (
        "Windows Embedded Standard 2009",
        Some("windows-embedded/standard-2009"),
        HIGH,
    ),
    ("WES 2009", Some("windows-embedded/standard-2009"), HIGH),
    (
        "Windows Embedded POSReady 2009",
        Some("windows-embedded/posready-2009"),
        HIGH,
    ),
    ("POSReady 7", Some("windows-embedded/posready-7"), HIGH),
    (
        "Windows Embedded 8.1 Industry Pro",
        Some("windows-embedded/8.1-industry"),
        HIGH,
    ),
    (
        "Windows Server 2012 R2",
        Some("windows-server/2012-r2"),
        HIGH,
    ),
    (
        "Windows Server 2008 R2 SP1",
        Some("windows-server/2008-r2-sp1"),
        HIGH,
    ),
    (
        "Windows Server 2019 Standard",
        Some("windows-server/2019"),
        HIGH,
    ),
    ("Ubuntu 18.04 LTS", Some("ubuntu/18.04"), HIGH),
    (
        "Ubuntu 20.04.6 LTS (kernel 5.4)",
        Some("ubuntu/20.04"),
        MEDIUM,
    ),
    ("ubuntu bionic", Some("ubuntu/18.04"), HIGH),
    ("RHEL 7.9", Some("rhel/7"), HIGH),
    (
        "Red Hat Enterprise Linux Server release 6.10 (Santiago)",
        Some("rhel/6"),
        MEDIUM,
    ),
    ("CentOS Linux 7.9.2009", Some("centos/7"), HIGH),
    ("Debian 10 (buster)", Some("debian/10"), HIGH),
    ("Debian GNU/Linux 9.13", Some("debian/9"), HIGH),
    ("macOS Monterey", Some("macos/12"), HIGH),
    ("macOS High Sierra 10.13.6", Some("macos/10.13"), HIGH),
    ("Mac OS X 10.6.8", Some("macos/10.6"), HIGH),
    ("OS X El Capitan", Some("macos/10.11"), HIGH),
    ("iOS 16.7.2", Some("ios/16"), HIGH),
    ("iPadOS 17", Some("ipados/17"), HIGH),
    ("Android 9", Some("android/9"), HIGH),
    ("Android 8.1.0", Some("android/8.1"), HIGH),
    ("Android 8", Some("android/8.0"), HIGH),
    ("Android Pie", Some("android/9"), HIGH),
    ("Linux 4.19.0-17-amd64", Some("linux-kernel/4.19"), MEDIUM),
    (
        "Embedded Linux (kernel 5.10)",
        Some("linux-kernel/5.10"),
        MEDIUM,
    ),
    ("Embedded RTOS", None, NO_MATCH),
    ("Proprietary", None, NO_MATCH),
    ("VxWorks 6.9", None, NO_MATCH),
    ("QNX Neutrino 6.5", None, NO_MATCH),
    ("Windows", None, NO_MATCH),
    ("Linux", None, NO_MATCH),
    ("Windows 10 LTSB", None, NO_MATCH),
    ("Unknown", None, NO_MATCH),
    ("", None, NO_MATCH),
];

#[test]
fn real_world_spellings_match_the_expected_rows() {
    assert!(SPELLINGS.len() >= 30);
    let t = table();
    let mut failures = Vec::new();
    for (text, expected, least) in SPELLINGS {
        let m = t.match_os(text);
        let ok = m.release_id.as_deref() == *expected
            && m.confidence >= *least
            && (expected.is_some() || m.confidence == MatchConfidence::None)
            && !m.reason.is_empty();
        if !ok {
            failures.push(format!(
                "{text:?}: expected {expected:?} at least {least:?}, got {:?} {:?} — {}",
                m.release_id, m.confidence, m.reason
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn match_reasons_explain_the_choice_in_words() {
    let t = table();
    let m = t.match_os("Win 7 Embedded SP1");
    assert_eq!(m.confidence, MatchConfidence::Medium);
    assert!(
        m.reason
            .starts_with("Read \"Win 7 Embedded SP1\" as Windows 7 for Embedded Systems"),
        "{}",
        m.reason
    );
    assert!(
        m.reason.contains(
            "Not the same as Windows Embedded Standard 7 SP1 (security support: 2020-10-13)"
        ),
        "{}",
        m.reason
    );

    let m = t.match_os("Windows 10");
    assert!(
        m.reason
            .contains("without a version; assumed the newest general release, Windows 10 22H2"),
        "{}",
        m.reason
    );

    let m = t.match_os("Red Hat Enterprise Linux Server release 6.10 (Santiago)");
    assert!(
        m.reason
            .contains("These words were not used: \"santiago\"."),
        "{}",
        m.reason
    );

    let m = t.match_os("Windows Server 2003");
    assert_eq!(m.release_id.as_deref(), Some("windows-server/2003-sp2"));
    assert_eq!(m.confidence, MatchConfidence::Medium);
    assert_eq!(m.alternatives.len(), 2, "{:?}", m.alternatives);
    assert!(m.reason.contains("equally"), "{}", m.reason);

    let m = t.match_os("Windows 10 IoT Enterprise LTSC 2019");
    assert!(
        m.reason.contains("same dates as Enterprise LTSC 2019"),
        "{}",
        m.reason
    );

    let m = t.match_os("Linux");
    assert!(m.reason.contains("looks like Linux kernel"), "{}", m.reason);
    let m = t.match_os("Proprietary");
    assert!(
        m.reason.contains("not an operating system in the table"),
        "{}",
        m.reason
    );
}

#[test]
fn a_match_can_be_corrected_by_the_user() {
    let t = table();
    let m = t
        .confirm_match("Win 7 Embedded SP1", "windows-embedded/standard-7-sp1")
        .unwrap();
    assert_eq!(m.confidence, MatchConfidence::Confirmed);
    assert_eq!(
        m.release_label.as_deref(),
        Some("Windows Embedded Standard 7 SP1")
    );
    assert!(t.confirm_match("x", "windows/nope").is_none());
}

#[test]
fn normalising_unifies_common_spellings() {
    let n = |s: &str| normalize(s).join(" ");
    assert_eq!(n("Win7 SP1"), "windows 7 sp1");
    assert_eq!(n("WinCE6.0"), "windows ce 6.0");
    assert_eq!(n("XPe"), "xp embedded");
    assert_eq!(n("Windows Server 2008R2"), "windows server 2008 r2");
    assert_eq!(n("Windows XP Service Pack 3"), "windows xp sp3");
    assert_eq!(n("Win 10 LTSB"), "windows 10 ltsc");
    assert_eq!(n("Mac OS X 10.6.8"), "macos 10.6.8");
    assert_eq!(n("RHEL7.9"), "rhel 7.9");
    assert_eq!(n("  --  "), "");
}

// ---------------------------------------------------------------------------------------------
// Support status over time

fn os(id: &str) -> &'static OsRelease {
    table().release(id).unwrap()
}

#[test]
fn support_status_moves_from_supported_to_ending_soon_to_unsupported() {
    // Windows 10 IoT Enterprise LTSC 2019 (Enterprise LTSC 2019 row): security support to 2029-01-09.
    let ltsc = os("windows/10-1809-e-lts");
    assert_eq!(ltsc.security_support_end, SupportEnd::On(d("2029-01-09")));
    let at = |today: &str| support_status(Some(ltsc), None, d(today));

    let before = at("2027-06-30");
    assert_eq!(before.status, SupportStatus::Supported);
    assert_eq!(before.decided_by, SupportBasis::OperatingSystem);
    assert_eq!(before.end_date, Some(d("2029-01-09")));
    // Exactly 12 months before the end: ending soon; one day earlier: still supported.
    assert_eq!(at("2028-01-08").status, SupportStatus::Supported);
    assert_eq!(at("2028-01-09").status, SupportStatus::EndingSoon);
    let soon = at("2028-06-01");
    assert_eq!(soon.status, SupportStatus::EndingSoon);
    assert!(
        soon.reason.contains("ends on 2029-01-09, within 12 months"),
        "{}",
        soon.reason
    );
    // The end date itself is still supported; the day after is not.
    let last = at("2029-01-09");
    assert_eq!(last.status, SupportStatus::EndingSoon);
    assert_eq!(last.days_left, Some(0));
    let after = at("2029-01-10");
    assert_eq!(after.status, SupportStatus::Unsupported);
    assert_eq!(after.days_left, Some(-1));
    assert!(
        after.reason.contains("ended on 2029-01-09"),
        "{}",
        after.reason
    );
}

#[test]
fn the_vendors_earlier_date_wins_and_is_explained() {
    let ltsc = os("windows/10-1809-e-lts");
    let vendor = d("2026-03-31");
    let s = support_status(Some(ltsc), Some(vendor), d("2025-12-01"));
    assert_eq!(s.status, SupportStatus::EndingSoon);
    assert_eq!(s.decided_by, SupportBasis::Vendor);
    assert_eq!(s.end_date, Some(vendor));
    assert!(
        s.reason
            .contains("before the operating system's 2029-01-09: the vendor's date counts"),
        "{}",
        s.reason
    );
    let s = support_status(Some(ltsc), Some(vendor), d("2026-04-01"));
    assert_eq!(s.status, SupportStatus::Unsupported);

    // The operating system ends first.
    let xp = os("windows/5-sp3");
    let s = support_status(Some(xp), Some(d("2030-01-01")), d("2026-11-28"));
    assert_eq!(s.status, SupportStatus::Unsupported);
    assert_eq!(s.decided_by, SupportBasis::OperatingSystem);
    assert!(
        s.reason.contains("before the vendor's 2030-01-01"),
        "{}",
        s.reason
    );

    // Same day from both.
    let s = support_status(Some(ltsc), Some(d("2029-01-09")), d("2020-01-01"));
    assert_eq!(s.decided_by, SupportBasis::Both);
}

#[test]
fn support_status_without_dates() {
    let today = d("2026-11-28");
    let unknown = support_status(None, None, today);
    assert_eq!(unknown.status, SupportStatus::Unknown);
    assert_eq!(unknown.decided_by, SupportBasis::Neither);

    let vendor_only = support_status(None, Some(d("2027-02-01")), today);
    assert_eq!(vendor_only.status, SupportStatus::EndingSoon);
    assert_eq!(vendor_only.decided_by, SupportBasis::Vendor);

    // Android 16: no end announced.
    let android = os("android/16");
    assert_eq!(android.security_support_end, SupportEnd::NotAnnounced);
    assert_eq!(
        support_status(Some(android), None, today).status,
        SupportStatus::Supported
    );
    assert_eq!(
        support_status(Some(android), Some(d("2026-01-01")), today).status,
        SupportStatus::Unsupported
    );

    // Android 4.3: ended, day not published; a later vendor date does not revive it.
    let jelly = os("android/4.3");
    let s = support_status(Some(jelly), Some(d("2030-01-01")), today);
    assert_eq!(s.status, SupportStatus::Unsupported);
    assert!(s.reason.contains("day was not published"));
}

#[test]
fn paid_extended_updates_are_mentioned_while_they_last() {
    let w10 = os("windows/10-22h2");
    let s = support_status(Some(w10), None, d("2026-11-28"));
    assert_eq!(s.status, SupportStatus::Unsupported);
    assert_eq!(s.extended_support_end, Some(d("2028-10-10")));
    assert!(
        s.reason
            .contains("extended security updates are offered until 2028-10-10"),
        "{}",
        s.reason
    );
    let later = support_status(Some(w10), None, d("2028-10-11"));
    assert!(!later.reason.contains("extended"), "{}", later.reason);
}

// ---------------------------------------------------------------------------------------------
// Fiscal years

#[test]
fn fiscal_years_for_every_start_month() {
    let day = d("2026-11-28");
    for month in 1..=12u32 {
        let cal = FiscalCalendar::new(month).unwrap();
        let fy = cal.year_of(day);
        assert!(fy.start <= day && day <= fy.end, "month {month}: {fy:?}");
        assert_eq!(fy.label, format!("FY{}", fy.year));
        assert_eq!(chrono::Datelike::month(&fy.start), month);
        assert_eq!(chrono::Datelike::day(&fy.start), 1);
        // It ends in its labelled year, the day before the next one starts.
        assert_eq!(chrono::Datelike::year(&fy.end), fy.year);
        let next = cal.next_year_after(day);
        assert_eq!(next.year, fy.year + 1);
        assert_eq!(fy.end.succ_opt().unwrap(), next.start);
        let days = (fy.end - fy.start).num_days() + 1;
        assert!(days == 365 || days == 366, "month {month}: {days} days");
        // The first and last day belong to it; the day before it does not.
        assert_eq!(cal.year_of(fy.start), fy);
        assert_eq!(cal.year_of(fy.end), fy);
        assert_eq!(cal.year_of(fy.start.pred_opt().unwrap()).year, fy.year - 1);
    }
    // Expected labels on 2026-11-28: a January start is the calendar year; any later start
    // month up to November has begun FY2027; a December start has not.
    let labels: Vec<String> = (1..=12u32)
        .map(|m| FiscalCalendar::new(m).unwrap().year_of(day).label)
        .collect();
    let mut expected = vec!["FY2026".to_string()];
    expected.extend((2..=11).map(|_| "FY2027".to_string()));
    expected.push("FY2026".to_string());
    assert_eq!(labels, expected);
    assert!(FiscalCalendar::new(0).is_err());
    assert!(FiscalCalendar::new(13).is_err());
}

#[test]
fn fiscal_years_known_cases() {
    let oct = FiscalCalendar::new(10).unwrap();
    let fy = oct.year(2027);
    assert_eq!((fy.start, fy.end), (d("2026-10-01"), d("2027-09-30")));
    assert_eq!(oct.year_of(d("2026-09-30")).label, "FY2026");
    assert_eq!(oct.year_of(d("2026-10-01")).label, "FY2027");
    let jul = FiscalCalendar::new(7).unwrap();
    assert_eq!(jul.year(2027).start, d("2026-07-01"));
    assert_eq!(jul.year(2027).end, d("2027-06-30"));
    let jan = FiscalCalendar::default();
    assert_eq!(jan.year_of(d("2026-12-31")).end, d("2026-12-31"));
    assert_eq!(jan.year_of(d("2027-01-01")).label, "FY2027");
}

#[test]
fn fiscal_years_across_february_29() {
    // A March start ends on the last day of February: 29 in leap years.
    let mar = FiscalCalendar::new(3).unwrap();
    assert_eq!(mar.year(2028).end, d("2028-02-29"));
    assert_eq!(mar.year(2027).end, d("2027-02-28"));
    assert_eq!(mar.year(2100).end, d("2100-02-28")); // not a leap year
    assert_eq!(mar.year(2000).end, d("2000-02-29")); // a leap year
    assert_eq!(mar.year_of(d("2028-02-29")).label, "FY2028");
    assert_eq!(mar.year_of(d("2028-03-01")).label, "FY2029");
    assert_eq!(
        (mar.year(2028).end - mar.year(2028).start).num_days() + 1,
        366
    );
    // Feb 29 itself, for every start month.
    let leap_day = d("2028-02-29");
    for month in 1..=12u32 {
        let cal = FiscalCalendar::new(month).unwrap();
        let fy = cal.year_of(leap_day);
        assert!(fy.start <= leap_day && leap_day <= fy.end, "month {month}");
        // A February start begins FY2029 on 2028-02-01; every other start month is in FY2028.
        let expected = if month == 2 { 2029 } else { 2028 };
        assert_eq!(fy.year, expected, "month {month}");
        assert_eq!(
            (fy.end - fy.start).num_days() + 1,
            366,
            "month {month}: contains Feb 29"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Plan suggestions

fn plan_input(
    support: SupportStatus,
    residual: Option<RiskLevel>,
    patch: PatchStatus,
    replaceable: bool,
) -> PlanInput {
    PlanInput {
        device_status: DeviceStatus::Active,
        support,
        support_end: None,
        residual,
        patch,
        replaceable,
        today: d("2026-11-28"),
        fiscal: FiscalCalendar::new(10).unwrap(),
    }
}

#[test]
fn plan_suggestion_golden_cases() {
    use PlanAction::*;
    use SupportStatus::*;

    // Unsupported, High residual, replaceable → replace in the next fiscal year (FY2028).
    for level in [RiskLevel::High, RiskLevel::Critical] {
        let s = suggest_plan(&plan_input(
            Unsupported,
            Some(level),
            PatchStatus::Unpatchable,
            true,
        ));
        assert_eq!(s.action, Some(Replace));
        assert!(s.with_monitoring);
        let fy = s.fiscal_year.clone().unwrap();
        assert_eq!(fy.label, "FY2028");
        assert_eq!(s.target_date, Some(d("2027-10-01")));
        assert!(s.reason.contains(&format!("Unsupported with {level:?} residual risk: replace it in FY2028 (2027-10-01 to 2028-09-30)")), "{}", s.reason);
    }

    // Unsupported and not replaceable → isolate with monitoring within 30 days.
    let s = suggest_plan(&plan_input(
        Unsupported,
        Some(RiskLevel::Critical),
        PatchStatus::Unpatchable,
        false,
    ));
    assert_eq!(s.action, Some(Isolate));
    assert!(s.with_monitoring);
    assert_eq!(s.target_date, Some(d("2026-12-28")));
    assert_eq!(s.fiscal_year.unwrap().label, "FY2027");
    assert!(
        s.reason
            .contains("cannot be replaced: isolate it on its own network segment with monitoring"),
        "{}",
        s.reason
    );

    // Patchable and behind → patch within 30 days.
    let s = suggest_plan(&plan_input(
        Supported,
        Some(RiskLevel::Medium),
        PatchStatus::Behind,
        true,
    ));
    assert_eq!(s.action, Some(Patch));
    assert_eq!(s.target_date, Some(d("2026-12-28")));
    assert!(s.reason.contains("patch it within 30 days"), "{}", s.reason);

    // Supported and current → nothing.
    let s = suggest_plan(&plan_input(
        Supported,
        Some(RiskLevel::Low),
        PatchStatus::Current,
        true,
    ));
    assert_eq!(s.action, None);
    assert_eq!(s.reason, "Supported and patched: nothing to plan.");

    // Decommissioned → nothing, whatever else holds.
    let mut input = plan_input(
        Unsupported,
        Some(RiskLevel::Critical),
        PatchStatus::Behind,
        false,
    );
    input.device_status = DeviceStatus::Decommissioned;
    let s = suggest_plan(&input);
    assert_eq!(
        s,
        PlanSuggestion {
            action: None,
            target_date: None,
            fiscal_year: None,
            with_monitoring: false,
            reason: "Decommissioned: nothing to plan; the device stays in history.".to_string()
        }
    );
}

#[test]
fn plan_suggestion_other_cases() {
    use PlanAction::*;
    use SupportStatus::*;
    // Unsupported with Medium risk: replace the fiscal year after next.
    let s = suggest_plan(&plan_input(
        Unsupported,
        Some(RiskLevel::Medium),
        PatchStatus::Current,
        true,
    ));
    assert_eq!(
        (s.action, s.fiscal_year.unwrap().label),
        (Some(Replace), "FY2029".to_string())
    );
    // Unsupported, residual not assessed: treated as high.
    let s = suggest_plan(&plan_input(Unsupported, None, PatchStatus::Unknown, true));
    assert_eq!(s.fiscal_year.unwrap().label, "FY2028");
    assert!(s.reason.contains("not assessed yet"));
    // Ending within 12 months: replace by the end date, budgeted in its fiscal year.
    let mut input = plan_input(EndingSoon, Some(RiskLevel::Low), PatchStatus::Current, true);
    input.support_end = Some(d("2027-10-12"));
    let s = suggest_plan(&input);
    assert_eq!(
        (s.action, s.target_date),
        (Some(Replace), Some(d("2027-10-12")))
    );
    assert_eq!(s.fiscal_year.unwrap().label, "FY2028");
    input.replaceable = false;
    let s = suggest_plan(&input);
    assert_eq!((s.action, s.with_monitoring), (Some(Isolate), true));
    // Supported but cannot be patched: isolate.
    let s = suggest_plan(&plan_input(
        Supported,
        Some(RiskLevel::Low),
        PatchStatus::Unpatchable,
        true,
    ));
    assert_eq!(s.action, Some(Isolate));
    // Unknown support and patch status: nothing yet, but say what is missing.
    let s = suggest_plan(&plan_input(Unknown, None, PatchStatus::Unknown, true));
    assert_eq!(s.action, None);
    assert!(
        s.reason.contains("patch status is unknown")
            && s.reason.contains("vendor's end-of-support date"),
        "{}",
        s.reason
    );
    // In storage devices are planned like active ones.
    let mut input = plan_input(Supported, None, PatchStatus::Behind, true);
    input.device_status = DeviceStatus::InStorage;
    assert_eq!(suggest_plan(&input).action, Some(Patch));
}

// ---------------------------------------------------------------------------------------------
// Patch cadence

#[test]
fn patch_cadence_overdue_is_last_patch_plus_cadence_before_today() {
    let last = Some(d("2026-10-01"));
    let on_due_day = patch_cadence(last, Some(30), d("2026-10-31"));
    assert_eq!(on_due_day.status, PatchCadenceStatus::OnTime);
    assert_eq!(on_due_day.due_date, Some(d("2026-10-31")));
    let day_after = patch_cadence(last, Some(30), d("2026-11-01"));
    assert_eq!(day_after.status, PatchCadenceStatus::Overdue);
    assert_eq!(day_after.days_overdue, 1);
    let later = patch_cadence(last, Some(30), d("2026-11-28"));
    assert_eq!(later.days_overdue, 28);
    assert!(
        later
            .reason
            .contains("was due on 2026-10-31, 28 day(s) ago"),
        "{}",
        later.reason
    );
    assert_eq!(
        patch_cadence(last, None, d("2026-11-28")).status,
        PatchCadenceStatus::NotTracked
    );
    assert_eq!(
        patch_cadence(last, Some(0), d("2026-11-28")).status,
        PatchCadenceStatus::NotTracked
    );
    assert_eq!(
        patch_cadence(None, Some(90), d("2026-11-28")).status,
        PatchCadenceStatus::NoPatchRecorded
    );
}

// ---------------------------------------------------------------------------------------------
// Upcoming deadlines

fn item(kind: DeadlineKind, date: &str, title: &str) -> DatedItem {
    DatedItem {
        kind,
        date: d(date),
        title: title.to_string(),
        subject_id: None,
    }
}

#[test]
fn upcoming_deadlines_by_window() {
    let today = d("2026-11-28");
    let items = vec![
        item(
            DeadlineKind::EndOfSupport,
            "2027-10-12",
            "Windows 11 25H2 (W)",
        ), // 318 days
        item(
            DeadlineKind::PlannedAction,
            "2026-12-28",
            "Replace infusion pump",
        ), // 30 days
        item(DeadlineKind::PatchDue, "2026-10-31", "Patch CT console"), // overdue
        item(
            DeadlineKind::RiskAcceptanceExpiry,
            "2027-02-26",
            "Accepted risk: MRI",
        ), // 90 days
        item(DeadlineKind::Review, "2026-12-29", "Annual review"),      // 31 days
        item(DeadlineKind::Review, "2027-11-29", "Far away"),           // 366 days
        item(DeadlineKind::PlannedAction, "2026-11-28", "Today"),
    ];
    let titles = |w: DeadlineWindow| -> Vec<String> {
        upcoming_deadlines(&items, today, w)
            .into_iter()
            .map(|u| u.item.title)
            .collect()
    };
    assert_eq!(
        titles(DeadlineWindow::Days30),
        vec!["Patch CT console", "Today", "Replace infusion pump"]
    );
    assert_eq!(
        titles(DeadlineWindow::Days90),
        vec![
            "Patch CT console",
            "Today",
            "Replace infusion pump",
            "Annual review",
            "Accepted risk: MRI"
        ]
    );
    let year = upcoming_deadlines(&items, today, DeadlineWindow::Days365);
    assert_eq!(year.len(), 6);
    let urgency: Vec<(i32, Urgency)> = year.iter().map(|u| (u.days_left, u.urgency)).collect();
    assert_eq!(
        urgency,
        vec![
            (-28, Urgency::Overdue),
            (0, Urgency::Within30Days),
            (30, Urgency::Within30Days),
            (31, Urgency::Within90Days),
            (90, Urgency::Within90Days),
            (318, Urgency::Within365Days),
        ]
    );
    assert!(upcoming_deadlines(&[], today, DeadlineWindow::Days365).is_empty());
}

// ---------------------------------------------------------------------------------------------
// What the UI receives

#[test]
fn results_serialise_for_the_ui() {
    let m = table().match_os("XPe");
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["release_id"], "windows-embedded/xp-embedded");
    assert_eq!(json["confidence"], "high");
    let s = support_status(
        Some(os("windows-embedded/xp-embedded")),
        None,
        d("2026-11-28"),
    );
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["status"], "unsupported");
    assert_eq!(
        json["os_end"],
        serde_json::json!({"kind": "on", "date": "2016-01-12"})
    );
    assert_eq!(json["days_left"], -3973);
    let fy = serde_json::to_value(FiscalCalendar::new(10).unwrap().year(2027)).unwrap();
    assert_eq!(
        fy,
        serde_json::json!({"year": 2027, "label": "FY2027", "start": "2026-10-01", "end": "2027-09-30"})
    );
}
