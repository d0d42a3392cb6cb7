import { downloadBlob } from './download.ts';

/** Copies text; true when it worked (the async Clipboard API, else the legacy copy command). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

/** Saves text as a file through the browser's download flow. */
export function downloadText(filename: string, text: string): void {
  downloadBlob(filename, 'text/plain;charset=utf-8', text);
}
