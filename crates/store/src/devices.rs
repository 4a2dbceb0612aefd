//! Devices: the inventory. Decommissioned devices stay, with their history.

use devicerisk_core::*;
use rusqlite::types::Type;
use rusqlite::{params, OptionalExtension, Row, ToSql};

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

/// The stored text of every column, in `COLUMNS` order.
fn values(device: &Device) -> [Box<dyn ToSql + '_>; COLUMN_COUNT] {
    let f = &device.fields;
    [
        Box::new(device.id.to_string()),
        Box::new(f.asset_tag.as_deref()),
        Box::new(f.name.as_str()),
        Box::new(f.category.key()),
        Box::new(f.manufacturer.as_deref()),
        Box::new(f.model.as_deref()),
        Box::new(f.serial.as_deref()),
        Box::new(f.software_version.as_deref()),
        Box::new(f.os_name.as_deref()),
        Box::new(f.os_version.as_deref()),
        Box::new(connectivity_text(&f.connectivity)),
        Box::new(f.ip_address.as_deref()),
        Box::new(f.mac_address.as_deref()),
        Box::new(f.hostname.as_deref()),
        Box::new(f.site_id.map(|id| id.to_string())),
        Box::new(f.zone_id.map(|id| id.to_string())),
        Box::new(f.department.as_deref()),
        Box::new(f.vendor_id.map(|id| id.to_string())),
        Box::new(f.clinical_function.key()),
        Box::new(f.fda_class.key()),
        Box::new(f.handles_phi.key()),
        Box::new(f.patch_status.key()),
        Box::new(date(f.last_patch_date)),
        Box::new(f.default_credentials_changed.key()),
        Box::new(f.authentication.key()),
        Box::new(f.encryption_in_transit.key()),
        Box::new(f.encryption_at_rest.key()),
        Box::new(f.remote_vendor_access.key()),
        Box::new(f.monitoring_coverage.key()),
        Box::new(date(f.last_vulnerability_scan)),
        Box::new(date(f.purchase_date)),
        Box::new(f.vendor_support.key()),
        Box::new(date(f.vendor_end_of_support)),
        Box::new(f.owner.as_deref()),
        Box::new(f.status.key()),
        Box::new(f.notes.as_deref()),
        Box::new(ts(device.created_at)),
        Box::new(ts(device.updated_at)),
        Box::new(opt_ts(device.decommissioned_at)),
    ]
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

    pub fn insert_device(&self, device: &Device) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "INSERT INTO devices ({COLUMNS}) VALUES ({})",
            placeholders()
        ))?;
        let values = values(device);
        let refs: Vec<&dyn ToSql> = values.iter().map(|v| v.as_ref()).collect();
        stmt.execute(refs.as_slice()).map_err(classify)?;
        Ok(())
    }

    /// Writes every field and `updated_at`/`decommissioned_at`; `created_at` never changes.
    /// Returns false when no such device exists.
    pub fn update_device(&self, device: &Device) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "UPDATE devices SET {} WHERE id = ?1",
            assignments()
        ))?;
        let values = values(device);
        let refs: Vec<&dyn ToSql> = values.iter().map(|v| v.as_ref()).collect();
        let changed = stmt.execute(refs.as_slice()).map_err(classify)?;
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
