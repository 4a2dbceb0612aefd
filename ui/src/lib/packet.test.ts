import { describe, expect, it } from 'vitest';
import type { AssessmentSummary, ReportResult } from './bindings';
import { assessmentLabel, defaultPacketName, newestFirst, resultText, withPacketExtension } from './packet';

function summary(title: string, started: string, revision = 1, status: 'draft' | 'final' = 'draft'): AssessmentSummary {
  return {
    assessment: {
      id: title,
      title,
      started_on: started,
      assessor: null,
      status,
      sign_off: null,
      revision,
      revises: null,
      carried_from: null,
      content_versions: [],
    },
    created_at: `${started}T00:00:00Z`,
    finalized_at: null,
    answers: 0,
    to_confirm: 0,
    evidence_files: 0,
  } as AssessmentSummary;
}

describe('packet screen words', () => {
  it('puts the newest assessment first, then the highest revision', () => {
    const list = [summary('2025', '2025-05-01'), summary('2026 r1', '2026-06-01'), summary('2026 r2', '2026-06-01', 2)];
    expect(newestFirst(list).map((s) => s.assessment.title)).toEqual(['2026 r2', '2026 r1', '2025']);
  });

  it('labels an assessment with status, start and revision', () => {
    expect(assessmentLabel(summary('2026 annual', '2026-06-01', 2, 'final'))).toBe(
      '2026 annual (revision 2) · final · started 2026-06-01',
    );
  });

  it('names the file after the assessment, without accents or spaces', () => {
    expect(defaultPacketName('pdf', '2026-11-29', 'São Paulo 2026 annual')).toBe('audit-packet-sao-paulo-2026-annual-2026-11-29.pdf');
    expect(defaultPacketName('xlsx', '2026-11-29')).toBe('audit-packet-2026-11-29.xlsx');
    expect(withPacketExtension('/tmp/packet', 'pdf')).toBe('/tmp/packet.pdf');
    expect(withPacketExtension('/tmp/packet.PDF', 'pdf')).toBe('/tmp/packet.PDF');
  });

  it('says what was saved', () => {
    const r: ReportResult = {
      path: '/tmp/p.pdf',
      format: 'pdf',
      pages: 24,
      size_bytes: 1_800_000,
      devices: 30,
      assessment_title: '2026 annual',
    };
    expect(resultText(r)).toBe('Saved the PDF (24 pages, 1.8 MB) for 2026 annual: 30 devices in use.');
    expect(resultText({ ...r, format: 'xlsx', pages: null, size_bytes: 40_000, assessment_title: null, devices: 1 })).toBe(
      'Saved the workbook (39 KB) for the inventory (no assessment yet): 1 device in use.',
    );
  });
});
