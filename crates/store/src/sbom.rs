//! SBOMs (attached to a device or to a manufacturer + model), their components and listed
//! vulnerabilities; VEX documents and their statements.
//!
//! A document is written whole by one call inside the caller's transaction, and replacing
//! one is delete + insert in that same transaction, so no reader ever sees half a document.
//! Licences, hashes and VEX targets are JSON written and read by the api.

use chrono::{DateTime, Utc};
use devicerisk_core::DeviceId;
use rusqlite::{params, OptionalExtension, Row};

use crate::sql::{ts, Reader};
use crate::{classify, Db, Result};

/// What an SBOM is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SbomAttachment {
    Device(DeviceId),
    /// Manufacturer and model as entered (trimmed); compared without case.
    Model {
        manufacturer: String,
        model: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SbomRow {
    pub id: String,
    pub attachment: SbomAttachment,
    pub file_name: String,
    pub sha256: String,
    pub format: String,
    pub spec_version: String,
    pub serial: Option<String>,
    pub bom_version: Option<i32>,
    pub document_name: Option<String>,
    pub subject_name: Option<String>,
    pub subject_version: Option<String>,
    pub component_count: u32,
    pub vulnerability_count: u32,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentRow {
    pub position: u32,
    pub bom_ref: String,
    pub is_subject: bool,
    pub kind: String,
    pub name: String,
    pub group: Option<String>,
    pub version: Option<String>,
    pub supplier: Option<String>,
    pub purl: Option<String>,
    pub cpe: Option<String>,
    pub licenses_json: String,
    pub hashes_json: String,
    pub parent_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SbomVulnerabilityRow {
    pub bom_ref: String,
    pub vulnerability: String,
    pub cve: Option<String>,
    pub source: Option<String>,
    pub description: Option<String>,
    pub cvss: Option<f64>,
    pub severity: Option<String>,
    pub state: String,
    pub justification: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VexRow {
    pub id: String,
    pub file_name: String,
    pub sha256: String,
    pub format: String,
    pub document_id: Option<String>,
    pub statement_count: u32,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatementRow {
    pub position: u32,
    pub place: String,
    pub vulnerability: String,
    pub cve: Option<String>,
    pub state: String,
    pub justification: Option<String>,
    pub detail: Option<String>,
    pub target_json: String,
}

const SBOM_COLUMNS: &str = "id, device_id, manufacturer, model, file_name, sha256, format,
    spec_version, serial, bom_version, document_name, subject_name, subject_version,
    component_count, vulnerability_count, imported_at, imported_by";

fn read_sbom(row: &Row<'_>) -> rusqlite::Result<SbomRow> {
    let mut r = Reader::new(row);
    let id = r.text()?;
    let device: Option<DeviceId> = r.opt_id()?;
    let manufacturer: Option<String> = r.opt_text()?;
    let model: Option<String> = r.opt_text()?;
    let attachment = match device {
        Some(d) => SbomAttachment::Device(d),
        None => SbomAttachment::Model {
            manufacturer: manufacturer.unwrap_or_default(),
            model: model.unwrap_or_default(),
        },
    };
    Ok(SbomRow {
        id,
        attachment,
        file_name: r.text()?,
        sha256: r.text()?,
        format: r.text()?,
        spec_version: r.text()?,
        serial: r.opt_text()?,
        bom_version: r.int()?,
        document_name: r.opt_text()?,
        subject_name: r.opt_text()?,
        subject_version: r.opt_text()?,
        component_count: r.int()?,
        vulnerability_count: r.int()?,
        imported_at: r.ts()?,
        imported_by: r.text()?,
    })
}

const COMPONENT_COLUMNS: &str = "position, bom_ref, is_subject, kind, name, grp, version, supplier,
    purl, cpe, licenses_json, hashes_json, parent_ref";

fn read_component(row: &Row<'_>) -> rusqlite::Result<ComponentRow> {
    let mut r = Reader::new(row);
    Ok(ComponentRow {
        position: r.int()?,
        bom_ref: r.text()?,
        is_subject: r.int::<i64>()? != 0,
        kind: r.text()?,
        name: r.text()?,
        group: r.opt_text()?,
        version: r.opt_text()?,
        supplier: r.opt_text()?,
        purl: r.opt_text()?,
        cpe: r.opt_text()?,
        licenses_json: r.text()?,
        hashes_json: r.text()?,
        parent_ref: r.opt_text()?,
    })
}

const VULNERABILITY_COLUMNS: &str =
    "bom_ref, vulnerability, cve, source, description, cvss, severity, state, justification, detail";

fn read_vulnerability(row: &Row<'_>) -> rusqlite::Result<SbomVulnerabilityRow> {
    let mut r = Reader::new(row);
    Ok(SbomVulnerabilityRow {
        bom_ref: r.text()?,
        vulnerability: r.text()?,
        cve: r.opt_text()?,
        source: r.opt_text()?,
        description: r.opt_text()?,
        cvss: r.int()?,
        severity: r.opt_text()?,
        state: r.text()?,
        justification: r.opt_text()?,
        detail: r.opt_text()?,
    })
}

const VEX_COLUMNS: &str =
    "id, file_name, sha256, format, document_id, statement_count, imported_at, imported_by";

fn read_vex(row: &Row<'_>) -> rusqlite::Result<VexRow> {
    let mut r = Reader::new(row);
    Ok(VexRow {
        id: r.text()?,
        file_name: r.text()?,
        sha256: r.text()?,
        format: r.text()?,
        document_id: r.opt_text()?,
        statement_count: r.int()?,
        imported_at: r.ts()?,
        imported_by: r.text()?,
    })
}

const STATEMENT_COLUMNS: &str =
    "position, place, vulnerability, cve, state, justification, detail, target_json";

fn read_statement(row: &Row<'_>) -> rusqlite::Result<VexStatementRow> {
    let mut r = Reader::new(row);
    Ok(VexStatementRow {
        position: r.int()?,
        place: r.text()?,
        vulnerability: r.text()?,
        cve: r.opt_text()?,
        state: r.text()?,
        justification: r.opt_text()?,
        detail: r.opt_text()?,
        target_json: r.text()?,
    })
}

impl Db<'_> {
    /// Stores a whole SBOM: the document, its components and its vulnerabilities.
    pub fn insert_sbom(
        &self,
        sbom: &SbomRow,
        components: &[ComponentRow],
        vulnerabilities: &[SbomVulnerabilityRow],
    ) -> Result<()> {
        let (device, manufacturer, model) = match &sbom.attachment {
            SbomAttachment::Device(d) => (Some(d.to_string()), None, None),
            SbomAttachment::Model {
                manufacturer,
                model,
            } => (None, Some(manufacturer.as_str()), Some(model.as_str())),
        };
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO sboms ({SBOM_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
            ))?
            .execute(params![
                sbom.id,
                device,
                manufacturer,
                model,
                sbom.file_name,
                sbom.sha256,
                sbom.format,
                sbom.spec_version,
                sbom.serial,
                sbom.bom_version,
                sbom.document_name,
                sbom.subject_name,
                sbom.subject_version,
                sbom.component_count,
                sbom.vulnerability_count,
                ts(sbom.imported_at),
                sbom.imported_by
            ])
            .map_err(classify)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "INSERT INTO sbom_components (sbom_id, {COMPONENT_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        ))?;
        for c in components {
            stmt.execute(params![
                sbom.id,
                c.position,
                c.bom_ref,
                c.is_subject as i64,
                c.kind,
                c.name,
                c.group,
                c.version,
                c.supplier,
                c.purl,
                c.cpe,
                c.licenses_json,
                c.hashes_json,
                c.parent_ref
            ])
            .map_err(classify)?;
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "INSERT OR REPLACE INTO sbom_vulnerabilities (sbom_id, {VULNERABILITY_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        ))?;
        for v in vulnerabilities {
            stmt.execute(params![
                sbom.id,
                v.bom_ref,
                v.vulnerability,
                v.cve,
                v.source,
                v.description,
                v.cvss,
                v.severity,
                v.state,
                v.justification,
                v.detail
            ])
            .map_err(classify)?;
        }
        Ok(())
    }

    /// The SBOM on the same device or model that is the same document: same serial
    /// number / namespace, or the same bytes.
    pub fn same_sbom(
        &self,
        attachment: &SbomAttachment,
        serial: Option<&str>,
        sha256: &str,
    ) -> Result<Option<SbomRow>> {
        let (sql, device, manufacturer, model) = match attachment {
            SbomAttachment::Device(d) => (
                "device_id = ?1",
                Some(d.to_string()),
                None::<&str>,
                None::<&str>,
            ),
            SbomAttachment::Model {
                manufacturer,
                model,
            } => (
                "device_id IS NULL AND manufacturer = ?2 AND model = ?3",
                None,
                Some(manufacturer.as_str()),
                Some(model.as_str()),
            ),
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SBOM_COLUMNS} FROM sboms
             WHERE ({sql})
               AND (sha256 = ?4 OR (?5 IS NOT NULL AND serial = ?5))
             ORDER BY imported_at LIMIT 1"
        ))?;
        Ok(stmt
            .query_row(
                params![device, manufacturer, model, sha256, serial],
                read_sbom,
            )
            .optional()?)
    }

    /// Removes an SBOM with its components and vulnerabilities; false when there was none.
    pub fn delete_sbom(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM sboms WHERE id = ?1", [id])
            .map_err(classify)?
            > 0)
    }

    pub fn sbom(&self, id: &str) -> Result<Option<SbomRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {SBOM_COLUMNS} FROM sboms WHERE id = ?1"))?;
        Ok(stmt.query_row([id], read_sbom).optional()?)
    }

    /// Every SBOM, newest first.
    pub fn sboms(&self) -> Result<Vec<SbomRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SBOM_COLUMNS} FROM sboms ORDER BY imported_at DESC, id"
        ))?;
        let rows = stmt
            .query_map([], read_sbom)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The SBOMs of one device: its own and those of its manufacturer + model.
    pub fn sboms_of_device(
        &self,
        device: DeviceId,
        manufacturer: &str,
        model: &str,
    ) -> Result<Vec<SbomRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SBOM_COLUMNS} FROM sboms
             WHERE device_id = ?1
                OR (device_id IS NULL AND ?2 <> '' AND ?3 <> '' AND manufacturer = ?2 AND model = ?3)
             ORDER BY device_id IS NULL, imported_at DESC, id"
        ))?;
        let rows = stmt
            .query_map(
                params![device.to_string(), manufacturer.trim(), model.trim()],
                read_sbom,
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn sbom_components(&self, sbom_id: &str) -> Result<Vec<ComponentRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPONENT_COLUMNS} FROM sbom_components WHERE sbom_id = ?1 ORDER BY position"
        ))?;
        let rows = stmt
            .query_map([sbom_id], read_component)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn sbom_vulnerabilities(&self, sbom_id: &str) -> Result<Vec<SbomVulnerabilityRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {VULNERABILITY_COLUMNS} FROM sbom_vulnerabilities WHERE sbom_id = ?1
             ORDER BY bom_ref, vulnerability"
        ))?;
        let rows = stmt
            .query_map([sbom_id], read_vulnerability)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The CVE ids of the imported KEV catalog, upper case (to flag component
    /// vulnerabilities that are known exploited).
    pub fn kev_cve_ids(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT upper(cve_id) FROM kev_entries")?;
        let rows = stmt
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Stores a whole VEX document with its statements.
    pub fn insert_vex(&self, vex: &VexRow, statements: &[VexStatementRow]) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO vex_documents ({VEX_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ))?
            .execute(params![
                vex.id,
                vex.file_name,
                vex.sha256,
                vex.format,
                vex.document_id,
                vex.statement_count,
                ts(vex.imported_at),
                vex.imported_by
            ])
            .map_err(classify)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "INSERT INTO vex_statements (vex_id, {STATEMENT_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ))?;
        for s in statements {
            stmt.execute(params![
                vex.id,
                s.position,
                s.place,
                s.vulnerability,
                s.cve,
                s.state,
                s.justification,
                s.detail,
                s.target_json
            ])
            .map_err(classify)?;
        }
        Ok(())
    }

    /// The stored VEX document that is the same one: same document id or same bytes.
    pub fn same_vex(&self, document_id: Option<&str>, sha256: &str) -> Result<Option<VexRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {VEX_COLUMNS} FROM vex_documents
             WHERE sha256 = ?1 OR (?2 IS NOT NULL AND document_id = ?2) LIMIT 1"
        ))?;
        Ok(stmt
            .query_row(params![sha256, document_id], read_vex)
            .optional()?)
    }

    pub fn delete_vex(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM vex_documents WHERE id = ?1", [id])
            .map_err(classify)?
            > 0)
    }

    /// Every VEX document, oldest first (later statements override earlier ones).
    pub fn vex_documents(&self) -> Result<Vec<VexRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {VEX_COLUMNS} FROM vex_documents ORDER BY imported_at, id"
        ))?;
        let rows = stmt
            .query_map([], read_vex)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn vex_statements(&self, vex_id: &str) -> Result<Vec<VexStatementRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {STATEMENT_COLUMNS} FROM vex_statements WHERE vex_id = ?1 ORDER BY position"
        ))?;
        let rows = stmt
            .query_map([vex_id], read_statement)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use devicerisk_core::{Device, DeviceFields};

    fn device(store: &Store) -> DeviceId {
        let at = Utc::now();
        let device = Device {
            id: DeviceId::new(),
            fields: DeviceFields {
                name: "Pump".into(),
                manufacturer: Some("BD".into()),
                model: Some("Alaris 8015".into()),
                ..DeviceFields::default()
            },
            created_at: at,
            updated_at: at,
            decommissioned_at: None,
        };
        store.transaction(|db| db.insert_device(&device)).unwrap();
        device.id
    }

    fn sbom(id: &str, attachment: SbomAttachment, serial: Option<&str>) -> SbomRow {
        SbomRow {
            id: id.into(),
            attachment,
            file_name: "a.json".into(),
            sha256: format!("sha-{id}"),
            format: "cyclonedx_json".into(),
            spec_version: "1.6".into(),
            serial: serial.map(str::to_string),
            bom_version: Some(1),
            document_name: None,
            subject_name: Some("ABC".into()),
            subject_version: None,
            component_count: 2,
            vulnerability_count: 1,
            imported_at: Utc::now(),
            imported_by: "me".into(),
        }
    }

    fn component(position: u32, bom_ref: &str) -> ComponentRow {
        ComponentRow {
            position,
            bom_ref: bom_ref.into(),
            is_subject: position == 0,
            kind: "library".into(),
            name: bom_ref.into(),
            group: None,
            version: Some("1".into()),
            supplier: None,
            purl: None,
            cpe: None,
            licenses_json: "[]".into(),
            hashes_json: "[]".into(),
            parent_ref: None,
        }
    }

    fn vulnerability(bom_ref: &str) -> SbomVulnerabilityRow {
        SbomVulnerabilityRow {
            bom_ref: bom_ref.into(),
            vulnerability: "CVE-2021-44228".into(),
            cve: Some("CVE-2021-44228".into()),
            source: None,
            description: None,
            cvss: Some(10.0),
            severity: None,
            state: "unknown".into(),
            justification: None,
            detail: None,
        }
    }

    #[test]
    fn device_sees_its_own_and_its_models_sboms_and_deletion_cascades() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
        let id = device(&store);
        let model = SbomAttachment::Model {
            manufacturer: "bd".into(),
            model: "ALARIS 8015".into(),
        };
        store
            .transaction(|db| {
                db.insert_sbom(
                    &sbom("own", SbomAttachment::Device(id), Some("urn:uuid:1")),
                    &[component(0, "a"), component(1, "b")],
                    &[vulnerability("b")],
                )?;
                db.insert_sbom(
                    &sbom("model", model.clone(), None),
                    &[component(0, "x")],
                    &[],
                )?;
                db.insert_sbom(
                    &sbom(
                        "other",
                        SbomAttachment::Model {
                            manufacturer: "GE".into(),
                            model: "B850".into(),
                        },
                        None,
                    ),
                    &[],
                    &[],
                )
            })
            .unwrap();
        let db = store.db();
        let mine: Vec<String> = db
            .sboms_of_device(id, "BD", " Alaris 8015 ")
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(mine, vec!["own", "model"]);
        assert_eq!(db.sbom_components("own").unwrap().len(), 2);
        assert_eq!(db.sbom_vulnerabilities("own").unwrap()[0].bom_ref, "b");
        assert_eq!(
            db.same_sbom(
                &SbomAttachment::Device(id),
                Some("urn:uuid:1"),
                "other-bytes"
            )
            .unwrap()
            .map(|s| s.id),
            Some("own".to_string())
        );
        assert_eq!(
            db.same_sbom(&model, None, "sha-model")
                .unwrap()
                .map(|s| s.id),
            Some("model".to_string())
        );
        assert!(db
            .same_sbom(&SbomAttachment::Device(id), None, "sha-model")
            .unwrap()
            .is_none());
        assert!(store.transaction(|db| db.delete_sbom("own")).unwrap());
        assert!(store.db().sbom_components("own").unwrap().is_empty());
        assert!(store.db().sbom_vulnerabilities("own").unwrap().is_empty());
    }

    #[test]
    fn a_vulnerability_must_name_a_component_of_its_sbom() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
        let id = device(&store);
        let result = store.transaction(|db| {
            db.insert_sbom(
                &sbom("s", SbomAttachment::Device(id), None),
                &[component(0, "a")],
                &[vulnerability("missing")],
            )
        });
        assert!(result.is_err());
        // Nothing of the failed document stays.
        assert!(store.db().sboms().unwrap().is_empty());
    }

    #[test]
    fn vex_documents_keep_their_statements() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
        let vex = VexRow {
            id: "v".into(),
            file_name: "vex.json".into(),
            sha256: "abc".into(),
            format: "csaf".into(),
            document_id: Some("ACME-1".into()),
            statement_count: 1,
            imported_at: Utc::now(),
            imported_by: "me".into(),
        };
        let statement = VexStatementRow {
            position: 0,
            place: "vulnerabilities[0]".into(),
            vulnerability: "CVE-2020-28498".into(),
            cve: Some("CVE-2020-28498".into()),
            state: "not_affected".into(),
            justification: Some("component_not_present".into()),
            detail: None,
            target_json: "{}".into(),
        };
        store
            .transaction(|db| db.insert_vex(&vex, std::slice::from_ref(&statement)))
            .unwrap();
        let db = store.db();
        assert_eq!(
            db.same_vex(Some("ACME-1"), "other").unwrap().map(|v| v.id),
            Some("v".into())
        );
        assert_eq!(db.vex_statements("v").unwrap(), vec![statement]);
        assert!(store.transaction(|db| db.delete_vex("v")).unwrap());
        assert!(store.db().vex_documents().unwrap().is_empty());
    }
}
