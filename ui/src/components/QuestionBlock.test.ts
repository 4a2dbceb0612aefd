import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import type { Answer, PageQuestion, Question } from '../lib/bindings';
import QuestionBlock from './QuestionBlock.svelte';

function question(answer: Question['answer'], options: string[] = []): Question {
  return {
    id: 'clinic.inv.01',
    text: 'Does the clinic keep an inventory?',
    help: 'Why it matters.',
    answer,
    options: options.map((id) => ({ id, label: `Option ${id}` })),
    unit: null,
    gaps: {},
    gap_above: null,
    gap_below: null,
    gap_before: null,
    unknown_severity: null,
    action: 'Keep one.',
    practice: 1,
    topic: null,
    hicp: '5.S.A',
    csf: ['ID.AM-01'],
    hipaa: ['164.308(a)(1)(ii)(A)'],
    show_if: null,
    device_field: null,
  };
}

let component: ReturnType<typeof mount> | null = null;

function render(item: PageQuestion, readOnly = false) {
  const saved: (Answer | null)[] = [];
  component = mount(QuestionBlock, {
    target: document.body,
    props: { item, readOnly, onsave: (answer: Answer | null) => saved.push(answer), onattach: vi.fn() },
  });
  flushSync();
  return saved;
}

const get = (testid: string) => document.querySelector<HTMLElement>(`[data-testid="${testid}"]`)!;

function press(key: string) {
  get('question').dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  flushSync();
}

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
});

describe('QuestionBlock', () => {
  it('saves a click at once, keeping the note', () => {
    const saved = render({
      question: question('yes_no_partial'),
      answer: { value: { kind: 'no' }, note: 'asked biomed', na_reason: null, to_confirm: true },
      source: 'own',
      evidence: [],
    });
    get('answer-yes').click();
    expect(saved).toEqual([{ value: { kind: 'yes' }, note: 'asked biomed', na_reason: null, to_confirm: false }]);
  });

  it('answers from the keyboard alone', () => {
    const saved = render({ question: question('yes_no_partial'), answer: null, source: null, evidence: [] });
    press('p');
    press('u');
    press('x');
    expect(saved.map((a) => a?.value.kind)).toEqual(['partial', 'unknown']);
  });

  it('picks and toggles options by number', () => {
    const saved = render({ question: question('single_choice', ['a', 'b']), answer: null, source: null, evidence: [] });
    press('2');
    expect(saved[0]?.value).toEqual({ kind: 'choice', value: 'b' });
  });

  it('asks for a reason before saving "not applicable"', () => {
    const saved = render({ question: question('yes_no'), answer: null, source: null, evidence: [] });
    get('answer-na').click();
    flushSync();
    expect(saved).toEqual([]);
    const save = get('na-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    const reason = get('na-reason') as HTMLInputElement;
    reason.value = 'No guest network';
    reason.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    save.click();
    flushSync();
    expect(saved).toEqual([{ value: { kind: 'not_applicable' }, note: null, na_reason: 'No guest network', to_confirm: false }]);
  });

  it('changes nothing when read-only', () => {
    const saved = render(
      { question: question('yes_no'), answer: { value: { kind: 'yes' }, note: null, na_reason: null, to_confirm: false }, source: 'own', evidence: [] },
      true,
    );
    expect((get('answer-no') as HTMLButtonElement).disabled).toBe(true);
    press('n');
    expect(saved).toEqual([]);
    expect(document.querySelector('[data-testid="answer-clear"]')).toBeNull();
    expect(document.querySelector('[data-testid="evidence-attach"]')).toBeNull();
  });
});
