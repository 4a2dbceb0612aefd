// Some platforms' save dialogs return the typed name without the filter's extension.
import type { ExportFormat } from './bindings';

export function withExtension(path: string, format: ExportFormat): string {
  return path.toLowerCase().endsWith(`.${format}`) ? path : `${path}.${format}`;
}
