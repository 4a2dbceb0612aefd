// Plain-language formatting shared by the screens.

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "Showing 12 of 30 · 4 with unknown facts" */
export function deviceCountText(shown: number, total: number, withGaps: number): string {
  const head = shown === total ? `Showing all ${plural(total, 'device')}` : `Showing ${shown} of ${total}`;
  if (total === 0) return 'No devices yet';
  return withGaps > 0 ? `${head} · ${withGaps} with unknown facts` : `${head} · no unknown facts`;
}

/** "3 unknown facts" / "complete" for one device's gaps. */
export function gapSummary(gaps: readonly string[]): string {
  return gaps.length === 0 ? 'Complete' : plural(gaps.length, 'unknown fact');
}

/** The short form for a table cell: "3 unknown" / "Complete". */
export function gapCount(gaps: readonly string[]): string {
  return gaps.length === 0 ? 'Complete' : `${gaps.length} unknown`;
}

/** Date and time of an audit entry in the user's locale, without seconds. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Last path segment, for showing chosen files. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Today's date as YYYY-MM-DD in local time, for default export file names. */
export function todayStamp(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Empty input text means "not known", which the api stores as null. */
export function blankToNull(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return text.trim() === '' ? null : text;
}
