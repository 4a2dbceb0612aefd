//! Vulnerability intelligence: the KEV catalog, CSAF advisories, matches and decisions.
//!
//! Documents are stored whole as JSON written and read by the api (this crate does not know
//! their shape) beside the columns lists need. Matches are replaced as a whole by each run of
//! the engine; decisions are keyed by (device, source kind, source id) and never touched by
//! an import or a run, so they survive both.

use chrono::{DateTime, NaiveDate, Utc};
use devicerisk_core::DeviceId;
use rusqlite::{params, OptionalExtension, Row};

use crate::sql::{date, ts, Reader};
use crate::{classify, Db, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct KevCatalogRow {
    pub file_name: String,
    pub catalog_version: Option<String>,
    pub date_released: Option<DateTime<Utc>>,
    pub entry_count: u32,
    pub imported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KevEntryRow {
    pub cve_id: String,
    pub vendor_project: String,
    pub product: String,
    pub vulnerability_name: String,
    pub date_added: NaiveDate,
    pub due_date: NaiveDate,
    pub entry_json: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryRow {
    pub tracking_id: String,
    pub revision: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub current_release_date: Option<DateTime<Utc>>,
    pub file_name: String,
    pub cves: Vec<String>,
    pub max_cvss: Option<f64>,
    pub document_json: String,
    pub imported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryProductRow {
    pub product_id: String,
    pub name: String,
    pub vendor: Option<String>,
    pub version_text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchRow {
    pub device_id: DeviceId,
    /// "advisory" or "kev".
    pub source_kind: String,
    pub source_id: String,
    /// "low", "medium", "high".
    pub confidence: String,
    pub version_verdict: String,
    pub reasons: Vec<String>,
    pub products: Vec<String>,
    pub cves: Vec<String>,
    pub known_exploited: Vec<String>,
    pub max_cvss: Option<f64>,
    pub matched_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub device_id: DeviceId,
    pub source_kind: String,
    pub source_id: String,
    /// "affected", "not_affected", "mitigated".
    pub status: String,
    pub justification: Option<String>,
    pub control: Option<String>,
    pub note: Option<String>,
    pub decided_at: DateTime<Utc>,
    pub decided_by: String,
}

fn list(value: &[String]) -> String {
    serde_json::to_string(value).expect("a list of strings serialises")
}

fn unlist(index: usize, text: &str) -> rusqlite::Result<Vec<String>> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, e.into())
    })
}

const ADVISORY_COLUMNS: &str = "tracking_id, revision, title, publisher, current_release_date,
    file_name, cves, max_cvss, document_json, imported_at";

fn read_advisory(row: &Row<'_>) -> rusqlite::Result<AdvisoryRow> {
    let mut r = Reader::new(row);
    Ok(AdvisoryRow {
        tracking_id: r.text()?,
        revision: r.opt_text()?,
        title: r.text()?,
        publisher: r.opt_text()?,
        current_release_date: r.opt_ts()?,
        file_name: r.text()?,
        cves: r.text()?.split_whitespace().map(str::to_string).collect(),
        max_cvss: r.int()?,
        document_json: r.text()?,
        imported_at: r.ts()?,
    })
}

const KEV_COLUMNS: &str =
    "cve_id, vendor_project, product, vulnerability_name, date_added, due_date, entry_json";

fn read_kev(row: &Row<'_>) -> rusqlite::Result<KevEntryRow> {
    let mut r = Reader::new(row);
    Ok(KevEntryRow {
        cve_id: r.text()?,
        vendor_project: r.text()?,
        product: r.text()?,
        vulnerability_name: r.text()?,
        date_added: r.opt_date()?.unwrap_or_default(),
        due_date: r.opt_date()?.unwrap_or_default(),
        entry_json: r.text()?,
    })
}

const MATCH_COLUMNS: &str = "device_id, source_kind, source_id, confidence, version_verdict,
    reasons_json, products_json, cves_json, known_exploited_json, max_cvss, matched_at";

fn read_match(row: &Row<'_>) -> rusqlite::Result<MatchRow> {
    let mut r = Reader::new(row);
    Ok(MatchRow {
        device_id: r.id()?,
        source_kind: r.text()?,
        source_id: r.text()?,
        confidence: r.text()?,
        version_verdict: r.text()?,
        reasons: unlist(5, &r.text()?)?,
        products: unlist(6, &r.text()?)?,
        cves: unlist(7, &r.text()?)?,
        known_exploited: unlist(8, &r.text()?)?,
        max_cvss: r.int()?,
        matched_at: r.ts()?,
    })
}

const DECISION_COLUMNS: &str = "device_id, source_kind, source_id, status, justification, control,
    note, decided_at, decided_by";

fn read_decision(row: &Row<'_>) -> rusqlite::Result<DecisionRow> {
    let mut r = Reader::new(row);
    Ok(DecisionRow {
        device_id: r.id()?,
        source_kind: r.text()?,
        source_id: r.text()?,
        status: r.text()?,
        justification: r.opt_text()?,
        control: r.opt_text()?,
        note: r.opt_text()?,
        decided_at: r.ts()?,
        decided_by: r.text()?,
    })
}

impl Db<'_> {
    pub fn kev_catalog(&self) -> Result<Option<KevCatalogRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT file_name, catalog_version, date_released, entry_count, imported_at
             FROM kev_catalog WHERE id = 1",
        )?;
        Ok(stmt
            .query_row([], |row| {
                let mut r = Reader::new(row);
                Ok(KevCatalogRow {
                    file_name: r.text()?,
                    catalog_version: r.opt_text()?,
                    date_released: r.opt_ts()?,
                    entry_count: r.int()?,
                    imported_at: r.ts()?,
                })
            })
            .optional()?)
    }

    /// Replaces the catalog and all its entries.
    pub fn replace_kev(&self, catalog: &KevCatalogRow, entries: &[KevEntryRow]) -> Result<()> {
        self.conn.execute("DELETE FROM kev_entries", [])?;
        self.conn.execute(
            "INSERT INTO kev_catalog (id, file_name, catalog_version, date_released, entry_count, imported_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET file_name = ?1, catalog_version = ?2,
                date_released = ?3, entry_count = ?4, imported_at = ?5",
            params![
                catalog.file_name,
                catalog.catalog_version,
                catalog.date_released.map(ts),
                catalog.entry_count,
                ts(catalog.imported_at)
            ],
        )?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "INSERT INTO kev_entries ({KEV_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        ))?;
        for e in entries {
            stmt.execute(params![
                e.cve_id,
                e.vendor_project,
                e.product,
                e.vulnerability_name,
                date(Some(e.date_added)),
                date(Some(e.due_date)),
                e.entry_json
            ])
            .map_err(classify)?;
        }
        Ok(())
    }

    /// KEV entries, newest first.
    pub fn kev_entries(&self) -> Result<Vec<KevEntryRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KEV_COLUMNS} FROM kev_entries ORDER BY date_added DESC, cve_id"
        ))?;
        let rows = stmt
            .query_map([], read_kev)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Inserts or replaces an advisory (same tracking id: a newer revision) and its products.
    pub fn upsert_advisory(
        &self,
        advisory: &AdvisoryRow,
        products: &[AdvisoryProductRow],
    ) -> Result<()> {
        // Deleting first cascades to the old revision's products.
        self.conn.execute(
            "DELETE FROM advisories WHERE tracking_id = ?1",
            [&advisory.tracking_id],
        )?;
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO advisories ({ADVISORY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ))?
            .execute(params![
                advisory.tracking_id,
                advisory.revision,
                advisory.title,
                advisory.publisher,
                advisory.current_release_date.map(ts),
                advisory.file_name,
                advisory.cves.join(" "),
                advisory.max_cvss,
                advisory.document_json,
                ts(advisory.imported_at)
            ])
            .map_err(classify)?;
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO advisory_products (tracking_id, product_id, name, vendor, version_text)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for p in products {
            stmt.execute(params![
                advisory.tracking_id,
                p.product_id,
                p.name,
                p.vendor,
                p.version_text
            ])
            .map_err(classify)?;
        }
        Ok(())
    }

    /// All advisories, by tracking id.
    pub fn advisories(&self) -> Result<Vec<AdvisoryRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ADVISORY_COLUMNS} FROM advisories ORDER BY tracking_id"
        ))?;
        let rows = stmt
            .query_map([], read_advisory)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn advisory(&self, tracking_id: &str) -> Result<Option<AdvisoryRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ADVISORY_COLUMNS} FROM advisories WHERE tracking_id = ?1"
        ))?;
        Ok(stmt.query_row([tracking_id], read_advisory).optional()?)
    }

    pub fn advisory_products(&self, tracking_id: &str) -> Result<Vec<AdvisoryProductRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT product_id, name, vendor, version_text FROM advisory_products
             WHERE tracking_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt
            .query_map([tracking_id], |row| {
                let mut r = Reader::new(row);
                Ok(AdvisoryProductRow {
                    product_id: r.text()?,
                    name: r.text()?,
                    vendor: r.opt_text()?,
                    version_text: r.text()?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Replaces every match with the result of a new run.
    pub fn replace_matches(&self, matches: &[MatchRow]) -> Result<()> {
        self.conn.execute("DELETE FROM intel_matches", [])?;
        self.insert_matches(matches)
    }

    /// Replaces the matches of the given devices only (after they were added or edited).
    pub fn replace_matches_of_devices(
        &self,
        devices: &[DeviceId],
        matches: &[MatchRow],
    ) -> Result<()> {
        let mut delete = self
            .conn
            .prepare_cached("DELETE FROM intel_matches WHERE device_id = ?1")?;
        for id in devices {
            delete.execute([id.to_string()])?;
        }
        self.insert_matches(matches)
    }

    fn insert_matches(&self, matches: &[MatchRow]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "INSERT INTO intel_matches ({MATCH_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        ))?;
        for m in matches {
            stmt.execute(params![
                m.device_id.to_string(),
                m.source_kind,
                m.source_id,
                m.confidence,
                m.version_verdict,
                list(&m.reasons),
                list(&m.products),
                list(&m.cves),
                list(&m.known_exploited),
                m.max_cvss,
                ts(m.matched_at)
            ])
            .map_err(classify)?;
        }
        Ok(())
    }

    /// Whether any advisory or KEV entry is stored (nothing to match against otherwise).
    pub fn has_intel_catalogs(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM advisories) OR EXISTS (SELECT 1 FROM kev_entries)",
            [],
            |row| row.get(0),
        )?)
    }

    /// Every match, by device then source.
    pub fn matches(&self) -> Result<Vec<MatchRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MATCH_COLUMNS} FROM intel_matches ORDER BY device_id, source_kind, source_id"
        ))?;
        let rows = stmt
            .query_map([], read_match)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn matches_of_device(&self, device: DeviceId) -> Result<Vec<MatchRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MATCH_COLUMNS} FROM intel_matches WHERE device_id = ?1
             ORDER BY source_kind, source_id"
        ))?;
        let rows = stmt
            .query_map([device.to_string()], read_match)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn match_of(
        &self,
        device: DeviceId,
        source_kind: &str,
        source_id: &str,
    ) -> Result<Option<MatchRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MATCH_COLUMNS} FROM intel_matches
             WHERE device_id = ?1 AND source_kind = ?2 AND source_id = ?3"
        ))?;
        Ok(stmt
            .query_row(
                params![device.to_string(), source_kind, source_id],
                read_match,
            )
            .optional()?)
    }

    /// Records or replaces the decision on one device and source.
    pub fn upsert_decision(&self, decision: &DecisionRow) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO intel_decisions ({DECISION_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?
            .execute(params![
                decision.device_id.to_string(),
                decision.source_kind,
                decision.source_id,
                decision.status,
                decision.justification,
                decision.control,
                decision.note,
                ts(decision.decided_at),
                decision.decided_by
            ])
            .map_err(classify)?;
        Ok(())
    }

    /// Removes a decision; true when there was one.
    pub fn delete_decision(
        &self,
        device: DeviceId,
        source_kind: &str,
        source_id: &str,
    ) -> Result<bool> {
        let n = self.conn.execute(
            "DELETE FROM intel_decisions WHERE device_id = ?1 AND source_kind = ?2 AND source_id = ?3",
            params![device.to_string(), source_kind, source_id],
        )?;
        Ok(n > 0)
    }

    pub fn decisions(&self) -> Result<Vec<DecisionRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM intel_decisions ORDER BY device_id, source_kind, source_id"
        ))?;
        let rows = stmt
            .query_map([], read_decision)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use chrono::SubsecRound;
    use devicerisk_core::{Device, DeviceFields};

    fn device(store: &Store) -> DeviceId {
        let at = Utc::now();
        let device = Device {
            id: DeviceId::new(),
            fields: DeviceFields {
                name: "Pump".into(),
                ..DeviceFields::default()
            },
            created_at: at,
            updated_at: at,
            decommissioned_at: None,
        };
        store.transaction(|db| db.insert_device(&device)).unwrap();
        device.id
    }

    fn advisory(revision: &str, products: usize) -> (AdvisoryRow, Vec<AdvisoryProductRow>) {
        (
            AdvisoryRow {
                tracking_id: "ICSMA-1".into(),
                revision: Some(revision.into()),
                title: "T".into(),
                publisher: None,
                current_release_date: None,
                file_name: "a.json".into(),
                cves: vec!["CVE-1".into(), "CVE-2".into()],
                max_cvss: Some(7.5),
                document_json: "{}".into(),
                imported_at: Utc::now(),
            },
            (0..products)
                .map(|i| AdvisoryProductRow {
                    product_id: format!("P{i}"),
                    name: format!("Product {i}"),
                    vendor: Some("V".into()),
                    version_text: "<= 1".into(),
                })
                .collect(),
        )
    }

    fn decision(device_id: DeviceId, status: &str) -> DecisionRow {
        DecisionRow {
            device_id,
            source_kind: "advisory".into(),
            source_id: "ICSMA-1".into(),
            status: status.into(),
            justification: (status == "not_affected").then(|| "component_not_present".into()),
            control: (status == "mitigated").then(|| "segmentation".into()),
            note: None,
            decided_at: Utc::now(),
            decided_by: "me".into(),
        }
    }

    #[test]
    fn a_new_revision_replaces_products_and_decisions_survive_rematching() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
        let id = device(&store);
        let (a, p) = advisory("1", 3);
        store.transaction(|db| db.upsert_advisory(&a, &p)).unwrap();
        let m = MatchRow {
            device_id: id,
            source_kind: "advisory".into(),
            source_id: "ICSMA-1".into(),
            confidence: "high".into(),
            version_verdict: "Within".into(),
            reasons: vec!["Because.".into()],
            products: vec!["Product 0".into()],
            cves: vec!["CVE-1".into()],
            known_exploited: vec![],
            max_cvss: Some(7.5),
            // Stored to the microsecond.
            matched_at: Utc::now().trunc_subsecs(6),
        };
        store
            .transaction(|db| {
                db.replace_matches(std::slice::from_ref(&m))?;
                db.upsert_decision(&decision(id, "mitigated"))
            })
            .unwrap();
        let (a2, p2) = advisory("2", 1);
        store
            .transaction(|db| {
                db.upsert_advisory(&a2, &p2)?;
                db.replace_matches(&[])
            })
            .unwrap();
        let db = store.db();
        assert_eq!(db.advisories().unwrap()[0].revision.as_deref(), Some("2"));
        assert_eq!(db.advisory_products("ICSMA-1").unwrap().len(), 1);
        assert_eq!(db.advisories().unwrap()[0].cves, vec!["CVE-1", "CVE-2"]);
        assert!(db.matches().unwrap().is_empty());
        let decisions = db.decisions().unwrap();
        assert_eq!(decisions.len(), 1);
        assert_eq!(decisions[0].control.as_deref(), Some("segmentation"));
        store
            .transaction(|db| db.replace_matches(std::slice::from_ref(&m)))
            .unwrap();
        assert_eq!(
            store.db().match_of(id, "advisory", "ICSMA-1").unwrap(),
            Some(m)
        );
    }

    #[test]
    fn a_decision_needs_its_justification_or_control() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
        let id = device(&store);
        let mut bad = decision(id, "not_affected");
        bad.justification = None;
        assert!(store.transaction(|db| db.upsert_decision(&bad)).is_err());
        let mut bad = decision(id, "affected");
        bad.control = Some("x".into());
        assert!(store.transaction(|db| db.upsert_decision(&bad)).is_err());
        store
            .transaction(|db| db.upsert_decision(&decision(id, "affected")))
            .unwrap();
        store
            .transaction(|db| db.upsert_decision(&decision(id, "not_affected")))
            .unwrap();
        assert_eq!(store.db().decisions().unwrap()[0].status, "not_affected");
        assert!(store
            .transaction(|db| db.delete_decision(id, "advisory", "ICSMA-1"))
            .unwrap());
        assert!(store.db().decisions().unwrap().is_empty());
    }

    #[test]
    fn kev_import_replaces_the_catalog() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
        let entry = |cve: &str| KevEntryRow {
            cve_id: cve.into(),
            vendor_project: "V".into(),
            product: "P".into(),
            vulnerability_name: "N".into(),
            date_added: NaiveDate::from_ymd_opt(2025, 1, 2).unwrap(),
            due_date: NaiveDate::from_ymd_opt(2025, 1, 23).unwrap(),
            entry_json: "{}".into(),
        };
        let catalog = |n: u32| KevCatalogRow {
            file_name: "kev.json".into(),
            catalog_version: Some(format!("v{n}")),
            date_released: None,
            entry_count: n,
            imported_at: Utc::now(),
        };
        store
            .transaction(|db| db.replace_kev(&catalog(2), &[entry("CVE-1"), entry("CVE-2")]))
            .unwrap();
        store
            .transaction(|db| db.replace_kev(&catalog(1), &[entry("CVE-3")]))
            .unwrap();
        let db = store.db();
        assert_eq!(
            db.kev_catalog()
                .unwrap()
                .unwrap()
                .catalog_version
                .as_deref(),
            Some("v1")
        );
        let entries = db.kev_entries().unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[0].date_added,
            NaiveDate::from_ymd_opt(2025, 1, 2).unwrap()
        );
    }
}
