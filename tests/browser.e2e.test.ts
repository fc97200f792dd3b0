import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { postJson } from './support/http-client.js';
import { ARTIFACTS } from './support/paths.js';
import { startInProcess } from './support/service.js';

const fx = inject('fixtures');
let service: Awaited<ReturnType<typeof startInProcess>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  service = await startInProcess(fx);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await service?.shutdown();
});

it('a person types a sentence, clicks Tag, and sees the entities highlighted by type', async () => {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // CSP violations and failed fetches surface as console errors.
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));

  await page.goto(`${service.url}/`);
  await page.locator('#legend li').first().waitFor();
  const sentence = 'Barack Obama met Angela Merkel in Berlin before flying to London.';
  await page.fill('#input', sentence);
  await page.click('#tag');
  await page.locator('#status', { hasText: /entit/ }).waitFor();

  const shown = await page.$$eval('#output mark.entity', (marks) =>
    marks.map((m) => ({ text: m.querySelector('.text')?.textContent, label: m.getAttribute('data-label') })),
  );
  const api = (await postJson(service.url, '/v1/entities', { text: sentence })).json as { entities: { text: string; label: string }[] };
  // The page shows exactly what the API returns, as marked spans inside the original text.
  expect(shown).toEqual(api.entities.map((e) => ({ text: e.text, label: e.label })));
  expect(shown.length).toBeGreaterThanOrEqual(2);
  expect(shown.map((s) => s.label)).toContain('PER');
  // The marks sit inside the original text: without the label tags, the output reads as the sentence.
  const plain = await page.$eval('#output', (el) => {
    const clone = el.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('.tag').forEach((t) => t.remove());
    return clone.textContent;
  });
  expect(plain).toBe(sentence);

  const legend = await page.$$eval('#legend li', (items) => items.map((li) => li.getAttribute('data-type')));
  expect(legend).toEqual(['LOC', 'ORG', 'PER']);
  expect(await page.getAttribute('#model-version', 'title')).toBe(fx.modelVersion);
  // Entity colours come from the legend: same type, same colour.
  const colours = await page.$$eval('#output mark.entity', (marks) => marks.map((m) => [m.getAttribute('data-label'), getComputedStyle(m).backgroundColor]));
  const byType = new Map<string, Set<string>>();
  for (const [label, colour] of colours as [string, string][]) byType.set(label, (byType.get(label) ?? new Set()).add(colour));
  for (const set of byType.values()) expect(set.size).toBe(1);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'page-tagged.png'), fullPage: true });
  expect(problems).toEqual([]);
});
