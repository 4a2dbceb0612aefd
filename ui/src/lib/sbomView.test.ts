import { describe, expect, it } from 'vitest';
import type { ComponentVulnerability, DeviceComponent, DeviceRow, SbomImportReport } from './bindings';
import { attachBlocker, filterComponents, modelChoices, sbomReportText, vexReportText, vulnerabilityText } from './sbomView';
import type { VexImportReport } from './bindings';

function vulnerability(overrides: Partial<ComponentVulnerability>): ComponentVulnerability {
  return {
    id: 'CVE-2021-44228',
    cve: 'CVE-2021-44228',
    state: 'unknown',
    justification: null,
    detail: null,
    description: null,
    cvss: 10,
    severity: 'critical',
    source: 'SBOM pump.cdx.json',
    known_exploited: true,
    open: true,
    ...overrides,
  };
}

function component(overrides: Partial<DeviceComponent>): DeviceComponent {
  return {
    sbom_id: 's1',
    sbom_file: 'pump.cdx.json',
    from_model: true,
    is_subject: false,
    bom_ref: 'log4j-core',
    kind: 'library',
    name: 'log4j-core',
    group: 'org.apache.logging.log4j',
    version: '2.14.1',
    supplier: 'The Apache Software Foundation',
    purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
    cpe: null,
    licenses: ['Apache-2.0'],
    hashes: [],
    part_of: 'abc-service-gateway',
    vulnerabilities: [vulnerability({})],
    ...overrides,
  };
}

function row(manufacturer: string | null, model: string | null): DeviceRow {
  return { device: { fields: { manufacturer, model } }, site_name: null, zone_name: null, gaps: [] } as unknown as DeviceRow;
}

describe('SBOM view', () => {
  it('names a vulnerability with its CVE, state and justification', () => {
    expect(vulnerabilityText(vulnerability({}))).toBe('CVE-2021-44228: not analysed');
    expect(
      vulnerabilityText(vulnerability({ id: 'SNYK-1', cve: 'CVE-2018-7489', state: 'not_affected', justification: 'code_not_reachable' })),
    ).toBe('CVE-2018-7489 (SNYK-1): not affected — code not reachable');
  });

  it('searches every word in names, purls, licences and vulnerability ids', () => {
    const list = [
      component({}),
      component({ bom_ref: 'zlib', name: 'zlib', group: null, version: '1.2.11', purl: 'pkg:generic/zlib@1.2.11', licenses: ['Zlib'], vulnerabilities: [] }),
    ];
    expect(filterComponents(list, '', false)).toHaveLength(2);
    expect(filterComponents(list, 'apache 2.14', false).map((c) => c.name)).toEqual(['log4j-core']);
    expect(filterComponents(list, 'cve-2021-44228', false).map((c) => c.name)).toEqual(['log4j-core']);
    expect(filterComponents(list, 'ZLIB', false).map((c) => c.name)).toEqual(['zlib']);
    expect(filterComponents(list, 'nothing-like-this', false)).toHaveLength(0);
    expect(filterComponents(list, '', true).map((c) => c.name)).toEqual(['log4j-core']);
    const closed = [component({ vulnerabilities: [vulnerability({ state: 'not_affected', open: false })] })];
    expect(filterComponents(closed, '', true)).toHaveLength(0);
  });

  it('offers each manufacturer and model once, counting devices, without case', () => {
    const choices = modelChoices([row('BD', 'Alaris 8015'), row('bd ', 'alaris 8015'), row('GE', 'B850'), row(null, 'X'), row('Y', '')]);
    expect(choices).toEqual([
      { manufacturer: 'BD', model: 'Alaris 8015', devices: 2 },
      { manufacturer: 'GE', model: 'B850', devices: 1 },
    ]);
  });

  it('says what is missing before attaching', () => {
    expect(attachBlocker('', { kind: 'device', device_id: 'd' })).toMatch(/path/);
    expect(attachBlocker('/a.json', null)).toMatch(/device or the model/);
    expect(attachBlocker('/a.json', { kind: 'model', manufacturer: 'BD', model: ' ' })).toMatch(/manufacturer and the model/);
    expect(attachBlocker('/a.json', { kind: 'model', manufacturer: 'BD', model: 'Alaris' })).toBeNull();
  });

  it('reports an import in one sentence', () => {
    const report = {
      sbom: {
        file_name: 'pump.cdx.json',
        format_label: 'CycloneDX 1.5 JSON',
        title: 'ABC 4.2',
        attached_to: 'model Example Company ABC',
        components: 6,
        vulnerabilities: 3,
        open_vulnerabilities: 2,
        devices: 1,
      },
      replaced: null,
    } as unknown as SbomImportReport;
    expect(sbomReportText(report)).toBe(
      'Attached pump.cdx.json (CycloneDX 1.5 JSON, ABC 4.2) to model Example Company ABC: 6 components, 3 vulnerabilities listed, 2 open; applies to 1 device.',
    );
  });

  it('counts VEX statements in words, singular and plural', () => {
    const report = (statements: number, applied: number, unmatched: number) =>
      ({
        vex: { file_name: 'vex.json', document_id: 'ACME-1', statements, applied_components: applied },
        applied: [],
        unmatched: Array.from({ length: unmatched }, () => ({ place: 'p', vulnerability: 'CVE-1', target: 't' })),
        replaced: null,
      }) as unknown as VexImportReport;
    expect(vexReportText(report(1, 1, 0))).toBe('Imported VEX vex.json (ACME-1): 1 statement, applied to 1 component.');
    expect(vexReportText(report(3, 2, 1))).toBe(
      'Imported VEX vex.json (ACME-1): 3 statements, applied to 2 components. 1 statement names nothing attached (kept for later).',
    );
  });
});
