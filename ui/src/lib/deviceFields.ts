// How the device form and detail present DeviceFields: labels, groups and help text.
// Typed as Record<keyof DeviceFields, …> so a field added in Rust fails the type check here
// until it has a label and a place on screen.
import type { DeviceFields } from './bindings';

export type FieldKey = keyof DeviceFields;

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'date'
  | 'choice'
  | 'connectivity'
  | 'site'
  | 'zone'
  | 'vendor';

export interface FieldSpec {
  label: string;
  kind: FieldKind;
  hint?: string;
  placeholder?: string;
}

export const FIELD_SPECS: Record<FieldKey, FieldSpec> = {
  name: { label: 'Name', kind: 'text', hint: 'What staff call it, e.g. "ICU pump 3". Required.' },
  asset_tag: { label: 'Asset tag', kind: 'text', placeholder: 'e.g. BIO-00123' },
  category: { label: 'Category', kind: 'choice' },
  manufacturer: { label: 'Manufacturer', kind: 'text' },
  model: { label: 'Model', kind: 'text' },
  serial: { label: 'Serial number', kind: 'text' },
  vendor_id: { label: 'Vendor record', kind: 'vendor', hint: 'The manufacturer or service company, if tracked under Vendors.' },
  fda_class: { label: 'FDA class', kind: 'choice' },
  software_version: { label: 'Software / firmware version', kind: 'text' },
  os_name: { label: 'Operating system', kind: 'text', placeholder: 'e.g. Windows 10 IoT' },
  os_version: { label: 'OS version', kind: 'text' },
  patch_status: { label: 'Patch status', kind: 'choice' },
  last_patch_date: { label: 'Last patched', kind: 'date' },
  connectivity: { label: 'Connectivity', kind: 'connectivity', hint: 'Tick every way it connects. None ticked means not known.' },
  ip_address: { label: 'IP address', kind: 'text', placeholder: 'e.g. 10.20.30.40' },
  mac_address: { label: 'MAC address', kind: 'text', placeholder: 'e.g. 00:1A:2B:3C:4D:5E' },
  hostname: { label: 'Host name', kind: 'text' },
  site_id: { label: 'Site', kind: 'site' },
  zone_id: { label: 'Network zone', kind: 'zone', hint: 'The VLAN or network segment it is plugged into.' },
  department: { label: 'Department', kind: 'text', placeholder: 'e.g. Radiology' },
  clinical_function: { label: 'Clinical function', kind: 'choice', hint: 'Drives the patient-safety impact of a compromise.' },
  handles_phi: { label: 'Stores or transmits PHI', kind: 'choice' },
  default_credentials_changed: { label: 'Default passwords changed', kind: 'choice' },
  authentication: { label: 'Authentication', kind: 'choice' },
  encryption_in_transit: { label: 'Encryption in transit', kind: 'choice' },
  encryption_at_rest: { label: 'Encryption at rest', kind: 'choice' },
  remote_vendor_access: { label: 'Remote vendor access', kind: 'choice' },
  monitoring_coverage: { label: 'Covered by network monitoring', kind: 'choice' },
  last_vulnerability_scan: { label: 'Last vulnerability scan', kind: 'date' },
  purchase_date: { label: 'Purchase date', kind: 'date' },
  vendor_support: { label: 'Vendor support', kind: 'choice' },
  vendor_end_of_support: { label: 'Vendor end of support', kind: 'date' },
  owner: { label: 'Owner', kind: 'text', hint: 'Who answers for this device (a person or a role).' },
  status: { label: 'Status', kind: 'choice' },
  notes: { label: 'Notes', kind: 'textarea' },
};

export interface FieldGroup {
  id: string;
  title: string;
  description: string;
  fields: FieldKey[];
}

export const FIELD_GROUPS: FieldGroup[] = [
  {
    id: 'identity',
    title: 'Identity',
    description: 'What the device is and how to recognise it.',
    fields: ['name', 'asset_tag', 'category', 'manufacturer', 'model', 'serial', 'vendor_id', 'fda_class'],
  },
  {
    id: 'software',
    title: 'Software',
    description: 'What runs on it and how current it is.',
    fields: ['software_version', 'os_name', 'os_version', 'patch_status', 'last_patch_date'],
  },
  {
    id: 'network',
    title: 'Network and location',
    description: 'Where it is and how it connects.',
    fields: ['connectivity', 'ip_address', 'mac_address', 'hostname', 'site_id', 'zone_id'],
  },
  {
    id: 'clinical',
    title: 'Clinical use',
    description: 'What it does for patients and which data it holds.',
    fields: ['department', 'clinical_function', 'handles_phi'],
  },
  {
    id: 'security',
    title: 'Security',
    description: 'How it is protected. "Unknown" is a fine answer; it is listed as a gap to find out.',
    fields: [
      'default_credentials_changed',
      'authentication',
      'encryption_in_transit',
      'encryption_at_rest',
      'remote_vendor_access',
      'monitoring_coverage',
      'last_vulnerability_scan',
    ],
  },
  {
    id: 'lifecycle',
    title: 'Lifecycle',
    description: 'Ownership, support and status.',
    fields: ['purchase_date', 'vendor_support', 'vendor_end_of_support', 'owner', 'status', 'notes'],
  },
];

/** Label of a field key, also used for gaps (which are field keys) and field issues. */
export function fieldLabel(key: string): string {
  if (key === 'ip_address_or_mac') return 'Network address';
  return key in FIELD_SPECS ? FIELD_SPECS[key as FieldKey].label : key.replace(/_/g, ' ');
}

/** Gap keys name the missing fact; "ip_address" stands for any network address. */
export function gapLabel(key: string): string {
  if (key === 'ip_address') return 'Network address (IP, MAC or host name)';
  return fieldLabel(key);
}

/** Whether the value currently in a field says "not known" (blank text, Unknown, nothing ticked). */
export function isUnknownValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '' || value === 'unknown';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** Every field key in form order; the form shows each exactly once. */
export const ALL_FIELD_KEYS: FieldKey[] = FIELD_GROUPS.flatMap((group) => group.fields);
