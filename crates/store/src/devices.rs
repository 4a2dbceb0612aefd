//! Devices: the inventory. Decommissioned devices stay, with their history.

use std::sync::OnceLock;

use devicerisk_core::*;
use rusqlite::types::Type;
use rusqlite::{params, OptionalExtension, Row, Statement, ToSql};

use crate::sql::{date, opt_ts, ts, Reader};
use crate::{classify, Db, Result};

const COLUMNS: &str = "id, asset_tag, name, category, manufacturer, model, serial,
    software_version, os_name, os_version, connectivity, ip_address, mac_address, hostname,
    site_id, zone_id, department, vendor_id, clinical_function, fda_class, handles_phi,
    patch_status, last_patch_date, default_credentials_changed, authentication,
    encryption_in_transit, encryption_at_rest, remote_vendor_access, monitoring_coverage,
    last_vulnerability_scan, purchase_date, vendor_support, vendor_end_of_support, owner, status,
    notes, created_at, updated_at, decommissioned_at";

/// Number of entries in `COLUMNS`.
const COLUMN_COUNT: usize = 39;
/// From this many rows on, an insert inside a transaction rebuilds the secondary indexes once
/// instead of updating them per row (measured with `devicerisk bench import`).
const BULK_INSERT_ROWS: usize = 2_000;

fn connectivity_text(list: &[Connectivity]) -> String {
    list.iter().map(|c| c.key()).collect::<Vec<_>>().join(",")
}

fn read_connectivity(r: &mut Reader<'_, '_>) -> rusqlite::Result<Vec<Connectivity>> {
    let text = r.text()?;
    text.split(',')
        .filter(|k| !k.is_empty())
        .map(|k| {
            Connectivity::from_key(k).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    10,
                    Type::Text,
                    format!("unreadable connectivity: {text:?}").into(),
                )
            })
        })
        .collect()
}

fn read(row: &Row<'_>) -> rusqlite::Result<Device> {
    let mut r = Reader::new(row);
    let id = r.id()?;
    let fields = DeviceFields {
        asset_tag: r.opt_text()?,
        name: r.text()?,
        category: r.key(DeviceCategory::from_key)?,
        manufacturer: r.opt_text()?,
        model: r.opt_text()?,
        serial: r.opt_text()?,
        software_version: r.opt_text()?,
        os_name: r.opt_text()?,
        os_version: r.opt_text()?,
        connectivity: read_connectivity(&mut r)?,
        ip_address: r.opt_text()?,
        mac_address: r.opt_text()?,
        hostname: r.opt_text()?,
        site_id: r.opt_id()?,
        zone_id: r.opt_id()?,
        department: r.opt_text()?,
        vendor_id: r.opt_id()?,
        clinical_function: r.key(ClinicalFunction::from_key)?,
        fda_class: r.key(FdaClass::from_key)?,
        handles_phi: r.key(TriState::from_key)?,
        patch_status: r.key(PatchStatus::from_key)?,
        last_patch_date: r.opt_date()?,
        default_credentials_changed: r.key(TriState::from_key)?,
        authentication: r.key(Authentication::from_key)?,
        encryption_in_transit: r.key(TriState::from_key)?,
        encryption_at_rest: r.key(TriState::from_key)?,
        remote_vendor_access: r.key(RemoteAccess::from_key)?,
        monitoring_coverage: r.key(TriState::from_key)?,
        last_vulnerability_scan: r.opt_date()?,
        purchase_date: r.opt_date()?,
        vendor_support: r.key(VendorSupport::from_key)?,
        vendor_end_of_support: r.opt_date()?,
        owner: r.opt_text()?,
        status: r.key(DeviceStatus::from_key)?,
        notes: r.opt_text()?,
    };
    Ok(Device {
        id,
        fields,
        created_at: r.ts()?,
        updated_at: r.ts()?,
        decommissioned_at: r.opt_ts()?,
    })
}

/// Binds every column, in `COLUMNS` order, as parameters ?1..?39. Binding one by one
/// (instead of building a parameter list) keeps a 10,000-device import free of per-row
/// allocations beyond the few texts that must be formatted.
fn bind(stmt: &mut Statement<'_>, device: &Device) -> rusqlite::Result<()> {
    let f = &device.fields;
    let mut index = 0;
    let mut put = |value: &dyn ToSql| {
        index += 1;
        stmt.raw_bind_parameter(index, value)
    };
    put(&device.id.to_string())?;
    put(&f.asset_tag)?;
    put(&f.name)?;
    put(&f.category.key())?;
    put(&f.manufacturer)?;
    put(&f.model)?;
    put(&f.serial)?;
    put(&f.software_version)?;
    put(&f.os_name)?;
    put(&f.os_version)?;
    put(&connectivity_text(&f.connectivity))?;
    put(&f.ip_address)?;
    put(&f.mac_address)?;
    put(&f.hostname)?;
    put(&f.site_id.map(|id| id.to_string()))?;
    put(&f.zone_id.map(|id| id.to_string()))?;
    put(&f.department)?;
    put(&f.vendor_id.map(|id| id.to_string()))?;
    put(&f.clinical_function.key())?;
    put(&f.fda_class.key())?;
    put(&f.handles_phi.key())?;
    put(&f.patch_status.key())?;
    put(&date(f.last_patch_date))?;
    put(&f.default_credentials_changed.key())?;
    put(&f.authentication.key())?;
    put(&f.encryption_in_transit.key())?;
    put(&f.encryption_at_rest.key())?;
    put(&f.remote_vendor_access.key())?;
    put(&f.monitoring_coverage.key())?;
    put(&date(f.last_vulnerability_scan))?;
    put(&date(f.purchase_date))?;
    put(&f.vendor_support.key())?;
    put(&date(f.vendor_end_of_support))?;
    put(&f.owner)?;
    put(&f.status.key())?;
    put(&f.notes)?;
    put(&ts(device.created_at))?;
    put(&ts(device.updated_at))?;
    put(&opt_ts(device.decommissioned_at))?;
    debug_assert_eq!(index, COLUMN_COUNT);
    Ok(())
}

fn insert_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "INSERT INTO devices ({COLUMNS}) VALUES ({})",
            placeholders()
        )
    })
}

fn update_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| format!("UPDATE devices SET {} WHERE id = ?1", assignments()))
}

fn placeholders() -> String {
    (1..=COLUMN_COUNT)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `name = ?2, ...` for every column but the id (?1) and created_at.
fn assignments() -> String {
    COLUMNS
        .split(',')
        .map(str::trim)
        .enumerate()
        .filter(|(_, name)| *name != "id" && *name != "created_at")
        .map(|(i, name)| format!("{name} = ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Db<'_> {
    /// Every device record, decommissioned included, in insertion-independent name order.
    pub fn devices(&self) -> Result<Vec<Device>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM devices ORDER BY name COLLATE NOCASE, id"
        ))?;
        let devices = stmt.query_map([], read)?.collect::<rusqlite::Result<_>>()?;
        Ok(devices)
    }

    pub fn device(&self, id: DeviceId) -> Result<Option<Device>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM devices WHERE id = ?1"))?;
        Ok(stmt.query_row([id.to_string()], read).optional()?)
    }

    /// Number of device records, decommissioned included.
    pub fn device_count(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM devices", [], |row| row.get(0))?)
    }

    /// Dates every device record made after `at` as made at `at`, and returns how many: the
    /// demo history's inventory was recorded before last year's assessment.
    pub fn backdate_devices(&self, at: chrono::DateTime<chrono::Utc>) -> Result<u32> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE devices SET created_at = ?1, updated_at = ?1 WHERE created_at > ?1",
            )?
            .execute([ts(at)])
            .map_err(classify)?;
        Ok(changed as u32)
    }

    pub fn insert_device(&self, device: &Device) -> Result<()> {
        self.insert_devices([device])
    }

    /// Inserts many devices with one prepared statement (imports, demo data).
    ///
    /// A large batch inside a transaction drops the non-unique device indexes first and builds
    /// them again afterwards: one sorted build is cheaper than thousands of scattered index
    /// inserts. The index definitions are read back from the schema, so they stay those of the
    /// migrations, and a failure rolls the drop back with everything else.
    pub fn insert_devices<'d>(&self, devices: impl IntoIterator<Item = &'d Device>) -> Result<()> {
        let devices: Vec<&Device> = devices.into_iter().collect();
        let rebuilt = if devices.len() >= BULK_INSERT_ROWS && !self.conn.is_autocommit() {
            self.drop_secondary_device_indexes()?
        } else {
            Vec::new()
        };
        {
            let mut stmt = self.conn.prepare_cached(insert_sql())?;
            for device in devices {
                bind(&mut stmt, device)?;
                stmt.raw_execute().map_err(classify)?;
            }
        }
        for sql in rebuilt {
            self.conn.execute_batch(&sql)?;
        }
        Ok(())
    }

    /// Drops the device indexes that enforce nothing (unique ones stay, so a duplicate asset
    /// tag is still refused on its own row) and returns the SQL that recreates them.
    fn drop_secondary_device_indexes(&self) -> Result<Vec<String>> {
        let indexes: Vec<(String, String)> = {
            let mut stmt = self.conn.prepare(
                "SELECT name, sql FROM sqlite_master
                 WHERE type = 'index' AND tbl_name = 'devices' AND sql IS NOT NULL
                   AND sql NOT LIKE 'CREATE UNIQUE%'",
            )?;
            let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (name, _) in &indexes {
            self.conn
                .execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        }
        Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
    }

    /// Writes every field and `updated_at`/`decommissioned_at`; `created_at` never changes.
    /// Returns false when no such device exists.
    pub fn update_device(&self, device: &Device) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(update_sql())?;
        bind(&mut stmt, device)?;
        let changed = stmt.raw_execute().map_err(classify)?;
        Ok(changed > 0)
    }

    /// Whether another device already carries this asset tag (ignoring case).
    pub fn asset_tag_owner(&self, asset_tag: &str) -> Result<Option<DeviceId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM devices WHERE asset_tag = ?1 COLLATE NOCASE")?;
        let owner = stmt
            .query_row(params![asset_tag], |row| Reader::new(row).id())
            .optional()?;
        Ok(owner)
    }
}
