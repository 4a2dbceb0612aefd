// Turning the bulk-edit bar's "Set <what> to <value>" into the api's BulkChange.
import type {
  BulkChange,
  ClinicalFunction,
  DeviceCategory,
  DeviceStatus,
  PatchStatus,
  RemoteAccess,
  TriState,
} from './bindings';
import { labelOf, zoneDisplayName, type Lookups } from './lookups';

export type BulkKind =
  | 'zone'
  | 'site'
  | 'status'
  | 'owner'
  | 'department'
  | 'category'
  | 'clinical_function'
  | 'patch_status'
  | 'default_credentials_changed'
  | 'monitoring_coverage'
  | 'remote_vendor_access'
  | 'vendor';

export const BULK_KINDS: { kind: BulkKind; label: string }[] = [
  { kind: 'zone', label: 'Network zone' },
  { kind: 'site', label: 'Site' },
  { kind: 'status', label: 'Status' },
  { kind: 'owner', label: 'Owner' },
  { kind: 'department', label: 'Department' },
  { kind: 'category', label: 'Category' },
  { kind: 'clinical_function', label: 'Clinical function' },
  { kind: 'patch_status', label: 'Patch status' },
  { kind: 'default_credentials_changed', label: 'Default passwords changed' },
  { kind: 'monitoring_coverage', label: 'Network monitoring' },
  { kind: 'remote_vendor_access', label: 'Remote vendor access' },
  { kind: 'vendor', label: 'Vendor record' },
];

/**
 * The change to send, or null while the choice is incomplete. An empty value means "unknown /
 * none" for the optional references and texts; the closed vocabularies need a pick.
 */
export function bulkChange(kind: BulkKind, value: string): BulkChange | null {
  const optional = value.trim() === '' ? null : value.trim();
  switch (kind) {
    case 'zone':
      return { field: 'zone', value: optional };
    case 'site':
      return { field: 'site', value: optional };
    case 'vendor':
      return { field: 'vendor', value: optional };
    case 'owner':
      return { field: 'owner', value: optional };
    case 'department':
      return { field: 'department', value: optional };
    case 'status':
      return optional ? { field: 'status', value: optional as DeviceStatus } : null;
    case 'category':
      return optional ? { field: 'category', value: optional as DeviceCategory } : null;
    case 'clinical_function':
      return optional ? { field: 'clinical_function', value: optional as ClinicalFunction } : null;
    case 'patch_status':
      return optional ? { field: 'patch_status', value: optional as PatchStatus } : null;
    case 'default_credentials_changed':
      return optional ? { field: 'default_credentials_changed', value: optional as TriState } : null;
    case 'monitoring_coverage':
      return optional ? { field: 'monitoring_coverage', value: optional as TriState } : null;
    case 'remote_vendor_access':
      return optional ? { field: 'remote_vendor_access', value: optional as RemoteAccess } : null;
  }
}

/** "network zone set to Medical VLAN 20" for the confirmation message. */
export function describeBulkChange(change: BulkChange, lookups: Lookups): string {
  const kindLabel = BULK_KINDS.find((option) => option.kind === change.field)?.label.toLowerCase() ?? change.field;
  return `${kindLabel} set to ${describeValue(change, lookups)}`;
}

function describeValue(change: BulkChange, lookups: Lookups): string {
  switch (change.field) {
    case 'zone': {
      const row = lookups.zones.find((candidate) => candidate.zone.id === change.value);
      return row ? zoneDisplayName(row) : 'unknown';
    }
    case 'site':
      return lookups.sites.find((site) => site.id === change.value)?.name ?? 'unknown';
    case 'vendor':
      return lookups.vendors.find((row) => row.vendor.id === change.value)?.vendor.fields.name ?? 'none';
    case 'owner':
    case 'department':
      return change.value ?? 'unknown';
    case 'status':
      return labelOf(lookups.vocab.device_status, change.value);
    case 'category':
      return labelOf(lookups.vocab.category, change.value);
    case 'clinical_function':
      return labelOf(lookups.vocab.clinical_function, change.value);
    case 'patch_status':
      return labelOf(lookups.vocab.patch_status, change.value);
    case 'default_credentials_changed':
    case 'monitoring_coverage':
      return labelOf(lookups.vocab.tri_state, change.value);
    case 'remote_vendor_access':
      return labelOf(lookups.vocab.remote_access, change.value);
  }
}
