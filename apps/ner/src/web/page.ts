/**
 * GET / : one self-contained HTML page (inline CSS and JS, no external assets). The inline <style> and <script>
 * carry a per-request CSP nonce, so helmet's strict Content-Security-Policy stays on.
 */
import { readFileSync } from 'node:fs';

// Read from src/ whether this runs from src/web or dist/web (tsc does not copy the page into dist).
const TEMPLATE = readFileSync(new URL('../../src/web/page.html', import.meta.url), 'utf8');

export function renderPage(nonce: string): string {
  return TEMPLATE.replaceAll('{{nonce}}', nonce);
}
