import { describe, expect, it } from 'vitest';
import type { Question } from './bindings';
import { answerText, keyAction, nextId, parseSubjectKey, subjectKey, toggleChoice, withValue } from './answers';

function question(answer: Question['answer'], options: string[] = []): Question {
  return {
    id: 'device.x.01',
    text: 'Q?',
    help: 'Why',
    answer,
    options: options.map((id) => ({ id, label: id.toUpperCase() })),
    unit: answer === 'number' ? 'days' : null,
    gaps: {},
    gap_above: null,
    gap_below: null,
    gap_before: null,
    unknown_severity: null,
    action: 'Do it',
    practice: 1,
    topic: null,
    hicp: '1.S.A',
    csf: [],
    hipaa: [],
    show_if: null,
    device_field: null,
  };
}

describe('keyboard answers', () => {
  it('maps y n p u a on yes/no/partly questions', () => {
    const q = question('yes_no_partial');
    expect(keyAction(q, 'y')).toEqual({ kind: 'value', value: { kind: 'yes' } });
    expect(keyAction(q, 'N')).toEqual({ kind: 'value', value: { kind: 'no' } });
    expect(keyAction(q, 'p')).toEqual({ kind: 'value', value: { kind: 'partial' } });
    expect(keyAction(q, 'u')).toEqual({ kind: 'value', value: { kind: 'unknown' } });
    expect(keyAction(q, 'a')).toEqual({ kind: 'na' });
    expect(keyAction(q, 'x')).toBeNull();
  });
  it('has no "partly" on a yes/no question', () => {
    expect(keyAction(question('yes_no'), 'p')).toBeNull();
  });
  it('picks options by number', () => {
    expect(keyAction(question('single_choice', ['a', 'b']), '2')).toEqual({ kind: 'value', value: { kind: 'choice', value: 'b' } });
    expect(keyAction(question('single_choice', ['a', 'b']), '3')).toBeNull();
    expect(keyAction(question('multi_choice', ['a', 'b']), '1')).toEqual({ kind: 'toggle', option: 'a' });
  });
});

describe('multi choice', () => {
  it('toggles options in question order and clears to nothing', () => {
    const q = question('multi_choice', ['a', 'b', 'c']);
    const one = toggleChoice(q, null, 'c');
    expect(one).toEqual({ kind: 'choices', value: ['c'] });
    expect(toggleChoice(q, one, 'a')).toEqual({ kind: 'choices', value: ['a', 'c'] });
    expect(toggleChoice(q, one, 'c')).toBeNull();
  });
});

describe('answer text', () => {
  it('reads answers in words', () => {
    expect(answerText(question('number'), { kind: 'number', value: 30 })).toBe('30 days');
    expect(answerText(question('single_choice', ['a']), { kind: 'choice', value: 'a' })).toBe('A');
    expect(answerText(null, { kind: 'unknown' })).toBe("Don't know");
  });
  it('keeps the note and drops a stale N/A reason', () => {
    const previous = { value: { kind: 'not_applicable' as const }, note: 'n', na_reason: 'r', to_confirm: true };
    expect(withValue(previous, { kind: 'yes' })).toEqual({ value: { kind: 'yes' }, note: 'n', na_reason: null, to_confirm: false });
    expect(withValue(null, { kind: 'not_applicable' }, 'no network').na_reason).toBe('no network');
  });
});

describe('subjects and jumps', () => {
  it('round-trips subject keys', () => {
    for (const s of [{ kind: 'clinic' }, { kind: 'device', id: 'd1' }, { kind: 'category', id: 'infusion_pump' }, { kind: 'purchase', id: 'MRI: 2027' }] as const) {
      expect(parseSubjectKey(subjectKey(s))).toEqual(s);
    }
    expect(parseSubjectKey('nonsense')).toBeNull();
  });
  it('jumps to the next id after the current one, wrapping', () => {
    const order = ['a', 'b', 'c', 'd'];
    expect(nextId(['b', 'd'], order, 'b')).toBe('d');
    expect(nextId(['b', 'd'], order, 'd')).toBe('b');
    expect(nextId(['b', 'd'], order, null)).toBe('b');
    expect(nextId([], order, 'a')).toBeNull();
  });
});
