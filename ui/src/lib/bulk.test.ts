import { describe, expect, it } from 'vitest';
import type { Vocabularies } from './bindings';
import { bulkChange, describeBulkChange } from './bulk';
import type { Lookups } from './lookups';

const lookups: Lookups = {
  sites: [{ id: 's1', name: 'Main clinic', address: null, notes: null }],
  zones: [
    {
      zone: { id: 'z1', site_id: 's1', name: 'Medical devices', vlan_id: 20, purpose: 'medical_devices', notes: null },
      site_name: 'Main clinic',
      device_count: 3,
    },
  ],
  vendors: [],
  vocab: {
    device_status: [
      { value: 'active', label: 'Active' },
      { value: 'in_storage', label: 'In storage' },
    ],
  } as unknown as Vocabularies,
};

describe('bulk changes', () => {
  it('sends an empty reference as "unknown"', () => {
    expect(bulkChange('zone', '')).toEqual({ field: 'zone', value: null });
    expect(bulkChange('owner', '  ')).toEqual({ field: 'owner', value: null });
  });
  it('needs a pick for closed vocabularies', () => {
    expect(bulkChange('status', '')).toBeNull();
    expect(bulkChange('status', 'in_storage')).toEqual({ field: 'status', value: 'in_storage' });
  });
  it('describes the change in words', () => {
    expect(describeBulkChange({ field: 'zone', value: 'z1' }, lookups)).toBe('network zone set to Medical devices · VLAN 20 (Main clinic)');
    expect(describeBulkChange({ field: 'status', value: 'in_storage' }, lookups)).toBe('status set to In storage');
  });
});
