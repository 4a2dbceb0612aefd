// The starting point of the "Add a device" form: everything unknown except what a person
// adding a device obviously knows (it is in use). Mirrors DeviceFields::default in Rust;
// the Record type makes the compiler insist on every field.
import type { DeviceFields } from './bindings';
import { blankToNull } from './format';

export function emptyDeviceFields(): DeviceFields {
  return {
    asset_tag: null,
    name: '',
    category: 'unknown',
    manufacturer: null,
    model: null,
    serial: null,
    software_version: null,
    os_name: null,
    os_version: null,
    connectivity: [],
    ip_address: null,
    mac_address: null,
    hostname: null,
    site_id: null,
    zone_id: null,
    department: null,
    vendor_id: null,
    clinical_function: 'unknown',
    fda_class: 'unknown',
    handles_phi: 'unknown',
    patch_status: 'unknown',
    last_patch_date: null,
    default_credentials_changed: 'unknown',
    authentication: 'unknown',
    encryption_in_transit: 'unknown',
    encryption_at_rest: 'unknown',
    remote_vendor_access: 'unknown',
    monitoring_coverage: 'unknown',
    last_vulnerability_scan: null,
    purchase_date: null,
    vendor_support: 'unknown',
    vendor_end_of_support: null,
    owner: null,
    status: 'active',
    notes: null,
  };
}

const OPTIONAL_TEXT = [
  'asset_tag',
  'manufacturer',
  'model',
  'serial',
  'software_version',
  'os_name',
  'os_version',
  'ip_address',
  'mac_address',
  'hostname',
  'department',
  'owner',
  'notes',
] as const satisfies readonly (keyof DeviceFields)[];

/** A plain copy of the form's fields with blank texts as null ("not known"). */
export function fieldsForSave(fields: DeviceFields): DeviceFields {
  const copy: DeviceFields = { ...fields, connectivity: [...fields.connectivity] };
  for (const key of OPTIONAL_TEXT) copy[key] = blankToNull(copy[key]);
  return copy;
}
