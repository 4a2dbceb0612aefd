// Reference lists the forms and filters need (sites, zones, vendors, vocabulary labels),
// fetched together. Screens reload them when they open, so edits elsewhere show up.
import { commands, type Site, type Vocabularies, type VendorRow, type ZoneRow } from './bindings';
import { call } from './call';

export interface Lookups {
  sites: Site[];
  zones: ZoneRow[];
  vendors: VendorRow[];
  vocab: Vocabularies;
}

export async function loadLookups(): Promise<Lookups> {
  const [sites, zones, vendors, vocab] = await Promise.all([
    call(commands.listSites()),
    call(commands.listZones()),
    call(commands.listVendors()),
    commands.vocabularies(),
  ]);
  return { sites, zones, vendors, vocab };
}

/** The label of a vocabulary value, or the value itself when the list does not know it. */
export function labelOf<T extends string>(choices: readonly { value: T; label: string }[], value: T): string {
  return choices.find((choice) => choice.value === value)?.label ?? value;
}

/** Zones that fit a site: the site's own and the clinic-wide ones (no site). */
export function zonesForSite(zones: readonly ZoneRow[], siteId: string | null): ZoneRow[] {
  if (!siteId) return [...zones];
  return zones.filter((row) => row.zone.site_id === null || row.zone.site_id === siteId);
}

/** "Medical VLAN 20 (Main clinic)" */
export function zoneDisplayName(row: ZoneRow): string {
  const vlan = row.zone.vlan_id !== null ? ` · VLAN ${row.zone.vlan_id}` : '';
  const site = row.site_name ? ` (${row.site_name})` : '';
  return `${row.zone.name}${vlan}${site}`;
}
