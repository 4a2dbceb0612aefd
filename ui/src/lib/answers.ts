// Pure helpers of the answering screen: what a key press means for a question, how an answer
// reads, and how subjects are named and keyed. Kept out of the components so they are tested.
import type { Answer, AnswerSubject, AnswerValue, Question, Severity } from './bindings';

/** What pressing `key` on a question means, or null when the key is not an answer key.
 * y/n/p: yes, no, partly; u: unknown; a: not applicable (asks for a reason);
 * 1-9: the n-th option of a choice question. */
export type KeyAction = { kind: 'value'; value: AnswerValue } | { kind: 'na' } | { kind: 'toggle'; option: string };

export function keyAction(question: Question, key: string): KeyAction | null {
  const k = key.toLowerCase();
  if (k === 'u') return { kind: 'value', value: { kind: 'unknown' } };
  if (k === 'a') return { kind: 'na' };
  const type = question.answer;
  if (type === 'yes_no' || type === 'yes_no_partial') {
    if (k === 'y') return { kind: 'value', value: { kind: 'yes' } };
    if (k === 'n') return { kind: 'value', value: { kind: 'no' } };
    if (k === 'p' && type === 'yes_no_partial') return { kind: 'value', value: { kind: 'partial' } };
  }
  if (/^[1-9]$/.test(k)) {
    const option = (question.options ?? [])[Number(k) - 1];
    if (!option) return null;
    if (type === 'single_choice') return { kind: 'value', value: { kind: 'choice', value: option.id } };
    if (type === 'multi_choice') return { kind: 'toggle', option: option.id };
  }
  return null;
}

/** The chosen options after toggling one (in the question's option order). */
export function toggleChoice(question: Question, current: AnswerValue | null | undefined, option: string): AnswerValue | null {
  const chosen = new Set(current?.kind === 'choices' ? current.value : []);
  if (chosen.has(option)) chosen.delete(option);
  else chosen.add(option);
  const ordered = (question.options ?? []).map((o) => o.id).filter((id) => chosen.has(id));
  return ordered.length === 0 ? null : { kind: 'choices', value: ordered };
}

/** An answer as a person reads it: "Yes", "Partly", the option's label, "12 days". */
export function answerText(question: Question | null, value: AnswerValue): string {
  const label = (id: string) => (question?.options ?? []).find((o) => o.id === id)?.label ?? id;
  switch (value.kind) {
    case 'yes':
      return 'Yes';
    case 'no':
      return 'No';
    case 'partial':
      return 'Partly';
    case 'unknown':
      return "Don't know";
    case 'not_applicable':
      return 'Not applicable';
    case 'choice':
      return label(value.value);
    case 'choices':
      return value.value.map(label).join(', ');
    case 'number':
      return question?.unit ? `${value.value} ${question.unit}` : String(value.value);
    case 'date':
    case 'text':
      return value.value;
  }
}

/** A new answer with `value`, keeping the note of the previous one. */
export function withValue(previous: Answer | null | undefined, value: AnswerValue, naReason: string | null = null): Answer {
  return {
    value,
    note: previous?.note ?? null,
    na_reason: value.kind === 'not_applicable' ? naReason : null,
    to_confirm: false,
  };
}

/** A stable string for a subject, for select values and keyed lists. */
export function subjectKey(subject: AnswerSubject): string {
  return subject.kind === 'clinic' ? 'clinic' : `${subject.kind}:${subject.id}`;
}

export function parseSubjectKey(key: string): AnswerSubject | null {
  if (key === 'clinic') return { kind: 'clinic' };
  const at = key.indexOf(':');
  if (at < 0) return null;
  const kind = key.slice(0, at);
  const id = key.slice(at + 1);
  if (!id) return null;
  switch (kind) {
    case 'device':
    case 'vendor':
    case 'purchase':
      return { kind, id } as AnswerSubject;
    case 'category':
      return { kind: 'category', id } as AnswerSubject;
    default:
      return null;
  }
}

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export function severityTone(severity: Severity): string {
  return severity === 'critical' || severity === 'high' ? 'danger' : severity === 'medium' ? 'warn' : 'info';
}

/** The id after `current` in `ids` (wrapping), for "next unanswered" and "next unknown". */
export function nextId(ids: readonly string[], order: readonly string[], current: string | null): string | null {
  if (ids.length === 0) return null;
  const position = current ? order.indexOf(current) : -1;
  const after = ids.find((id) => order.indexOf(id) > position);
  return after ?? ids[0];
}
