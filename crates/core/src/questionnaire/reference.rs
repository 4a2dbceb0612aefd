//! The reference identifiers a question may cite, so a typo in content ("PR.AC-01", a CSF 1.1
//! id, or "164.312(a)(2)(v)", which does not exist) fails the content test instead of reaching an
//! auditor's packet.

/// Every subcategory of NIST CSF 2.0 (CSWP 29, February 2024): 106 outcomes. Ids withdrawn between
/// 1.1 and 2.0 (ID.AM-06, PR.DS-03 ...) are deliberately absent.
// One line per category, so a reader can check the list against the framework.
#[rustfmt::skip]
pub const CSF_SUBCATEGORIES: &[&str] = &[
    "GV.OC-01", "GV.OC-02", "GV.OC-03", "GV.OC-04", "GV.OC-05",
    "GV.RM-01", "GV.RM-02", "GV.RM-03", "GV.RM-04", "GV.RM-05", "GV.RM-06", "GV.RM-07",
    "GV.RR-01", "GV.RR-02", "GV.RR-03", "GV.RR-04",
    "GV.PO-01", "GV.PO-02",
    "GV.OV-01", "GV.OV-02", "GV.OV-03",
    "GV.SC-01", "GV.SC-02", "GV.SC-03", "GV.SC-04", "GV.SC-05", "GV.SC-06", "GV.SC-07",
    "GV.SC-08", "GV.SC-09", "GV.SC-10",
    "ID.AM-01", "ID.AM-02", "ID.AM-03", "ID.AM-04", "ID.AM-05", "ID.AM-07", "ID.AM-08",
    "ID.RA-01", "ID.RA-02", "ID.RA-03", "ID.RA-04", "ID.RA-05", "ID.RA-06", "ID.RA-07",
    "ID.RA-08", "ID.RA-09", "ID.RA-10",
    "ID.IM-01", "ID.IM-02", "ID.IM-03", "ID.IM-04",
    "PR.AA-01", "PR.AA-02", "PR.AA-03", "PR.AA-04", "PR.AA-05", "PR.AA-06",
    "PR.AT-01", "PR.AT-02",
    "PR.DS-01", "PR.DS-02", "PR.DS-10", "PR.DS-11",
    "PR.PS-01", "PR.PS-02", "PR.PS-03", "PR.PS-04", "PR.PS-05", "PR.PS-06",
    "PR.IR-01", "PR.IR-02", "PR.IR-03", "PR.IR-04",
    "DE.CM-01", "DE.CM-02", "DE.CM-03", "DE.CM-06", "DE.CM-09",
    "DE.AE-02", "DE.AE-03", "DE.AE-04", "DE.AE-06", "DE.AE-07", "DE.AE-08",
    "RS.MA-01", "RS.MA-02", "RS.MA-03", "RS.MA-04", "RS.MA-05",
    "RS.AN-03", "RS.AN-06", "RS.AN-07", "RS.AN-08",
    "RS.CO-02", "RS.CO-03",
    "RS.MI-01", "RS.MI-02",
    "RC.RP-01", "RC.RP-02", "RC.RP-03", "RC.RP-04", "RC.RP-05", "RC.RP-06",
    "RC.CO-03", "RC.CO-04",
];

/// Standards and implementation specifications of the HIPAA Security Rule (45 CFR Part 164
/// Subpart C) as currently in force, written without the "45 CFR" prefix.
#[rustfmt::skip]
pub const HIPAA_CITATIONS: &[&str] = &[
    "164.306(a)", "164.306(e)",
    "164.308(a)(1)(i)", "164.308(a)(1)(ii)(A)", "164.308(a)(1)(ii)(B)", "164.308(a)(1)(ii)(C)",
    "164.308(a)(1)(ii)(D)",
    "164.308(a)(2)",
    "164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(3)(ii)(B)", "164.308(a)(3)(ii)(C)",
    "164.308(a)(4)(i)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)",
    "164.308(a)(5)(i)", "164.308(a)(5)(ii)(A)", "164.308(a)(5)(ii)(B)", "164.308(a)(5)(ii)(C)",
    "164.308(a)(5)(ii)(D)",
    "164.308(a)(6)(i)", "164.308(a)(6)(ii)",
    "164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)", "164.308(a)(7)(ii)(C)",
    "164.308(a)(7)(ii)(D)", "164.308(a)(7)(ii)(E)",
    "164.308(a)(8)",
    "164.308(b)(1)",
    "164.310(a)(1)", "164.310(a)(2)(ii)", "164.310(a)(2)(iii)", "164.310(a)(2)(iv)",
    "164.310(b)", "164.310(c)",
    "164.310(d)(1)", "164.310(d)(2)(i)", "164.310(d)(2)(ii)", "164.310(d)(2)(iii)",
    "164.310(d)(2)(iv)",
    "164.312(a)(1)", "164.312(a)(2)(i)", "164.312(a)(2)(ii)", "164.312(a)(2)(iii)",
    "164.312(a)(2)(iv)",
    "164.312(b)",
    "164.312(c)(1)", "164.312(c)(2)",
    "164.312(d)",
    "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)",
    "164.314(a)(1)",
    "164.316(a)", "164.316(b)(1)", "164.316(b)(2)(i)", "164.316(b)(2)(iii)",
];

/// Number of practices in HHS 405(d) HICP (2023 edition); practice 9 is medical devices.
pub const HICP_PRACTICES: u8 = 10;

pub fn is_csf_subcategory(id: &str) -> bool {
    CSF_SUBCATEGORIES.contains(&id)
}

/// Accepts a citation with or without the "45 CFR " prefix.
pub fn is_hipaa_citation(citation: &str) -> bool {
    let bare = citation.strip_prefix("45 CFR ").unwrap_or(citation);
    HIPAA_CITATIONS.contains(&bare)
}

/// A HICP reference is a practice ("9") or a sub-practice in the technical volumes' form
/// practice.size.letter ("9.M.A": S small, M medium, L large organisations).
pub fn is_hicp_reference(reference: &str) -> bool {
    let mut parts = reference.split('.');
    let practice_ok = parts
        .next()
        .and_then(|p| p.parse::<u8>().ok())
        .is_some_and(|p| (1..=HICP_PRACTICES).contains(&p));
    if !practice_ok {
        return false;
    }
    match (parts.next(), parts.next(), parts.next()) {
        (None, None, None) => true,
        (Some(size), Some(letter), None) => {
            matches!(size, "S" | "M" | "L")
                && letter.len() == 1
                && letter.chars().all(|c| c.is_ascii_uppercase())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csf_has_the_106_subcategories_of_version_2() {
        assert_eq!(CSF_SUBCATEGORIES.len(), 106);
        let mut unique = CSF_SUBCATEGORIES.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 106);
        assert!(is_csf_subcategory("ID.AM-08"));
        assert!(!is_csf_subcategory("ID.AM-06"), "withdrawn in 2.0");
        assert!(!is_csf_subcategory("PR.AC-01"), "a CSF 1.1 id");
    }

    #[test]
    fn hipaa_citations_accept_prefix() {
        assert!(is_hipaa_citation("45 CFR 164.308(a)(1)(ii)(A)"));
        assert!(is_hipaa_citation("164.312(a)(2)(iv)"));
        assert!(!is_hipaa_citation("164.312(a)(2)(v)"));
        assert!(
            !is_hipaa_citation("164.530(c)"),
            "Privacy Rule, not Security Rule"
        );
    }

    #[test]
    fn hicp_forms() {
        for good in ["9", "9.M.A", "10.S.A", "5.L.B"] {
            assert!(is_hicp_reference(good), "{good}");
        }
        for bad in ["0", "11", "9.X.A", "9.M", "9.M.AB", "HICP 9", ""] {
            assert!(!is_hicp_reference(bad), "{bad}");
        }
    }
}
