// End-to-end: issue 12 as a person meets it (guarantees, the space-time
// diagram and its exports, Compare mode, narration), everything found by role
// and accessible name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, SHOTS } from './serve.mjs';

let server;
let browser;
let page;

const shot = (name, p = page) => p.screenshot({ path: join(SHOTS, `${name}.png`) });
const clock = () => page.getByLabel('Virtual time').textContent();

async function open(fragment) {
  await page.goto('about:blank');
  await page.goto(`${server.url}#${fragment}`);
  await page.getByRole('button', { name: /^Node n1,/ }).first().waitFor();
}

/** Seeks to `ms` through the timeline slider and waits until the page is there. */
async function seek(ms) {
  await page.getByRole('slider', { name: 'Timeline position in milliseconds' }).fill(String(ms));
  const want = `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')} s`;
  for (let i = 0; i < 300 && (await clock()) !== want; i++) await page.waitForTimeout(100);
  assert.equal(await clock(), want);
  await page.waitForTimeout(200);
}

const guarantees = () => page.getByRole('region', { name: 'Guarantees' });
const verdicts = async (client) => {
  const row = guarantees().getByRole('row', { name: new RegExp(`^${client}\\b`) });
  return (await row.getByRole('cell').allTextContents()).map((t) => t.replace(/ ×\d+$/, '').trim());
};

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  server = await serveDist();
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('C23: each client sees its guarantee verdict', async () => {
  await open('preset=c23-consistency-models');
  assert.deepEqual(await verdicts('asha'), ['not judged yet', 'not judged yet', 'not judged yet', 'not judged yet']);
  await seek(6000);
  assert.deepEqual(await verdicts('asha'), ['holds', 'holds', 'holds', 'holds']);
  assert.deepEqual(await verdicts('ben'), ['violated', 'holds', 'violated', 'holds']);
  assert.deepEqual(await verdicts('dev'), ['holds', 'holds', 'holds', 'holds']);
  assert.deepEqual(await verdicts('carla'), ['violated', 'holds', 'holds', 'violated']);
  assert.deepEqual(await verdicts('eve'), ['holds', 'holds', 'holds', 'holds']);
  const eventual = guarantees().getByRole('row', { name: /^all replicas/ }).getByRole('cell');
  assert.equal((await eventual.allTextContents()).join(' ').trim(), 'holds');
  // Each column's meaning is reachable from the keyboard.
  const strong = guarantees().getByRole('link', { name: 'strong' });
  assert.match(await strong.getAttribute('title'), /latest acknowledged write/);
  await shot('why-c23-guarantees');
});

test('C23: a violation seeks to it and highlights its operations in the diagram', async () => {
  await open('preset=c23-consistency-models');
  await seek(6000);
  await guarantees().getByRole('button', { name: /^carla: consistent prefix violated once/ }).click();
  const diagram = page.getByRole('region', { name: 'Space-time diagram' });
  await diagram.getByRole('button', { pressed: true }).first().waitFor();
  const pressed = await diagram.getByRole('button', { pressed: true }).count();
  assert.ok(pressed >= 1, `highlighted bars: ${pressed}`);
  assert.notEqual(await clock(), '6.000 s');
  // A bar picked in the diagram is highlighted too.
  const other = diagram.getByRole('group', { name: /^Space-time diagram from/ }).locator('[role=button][aria-pressed=false]').first();
  const name = await other.getAttribute('aria-label');
  await other.click();
  assert.equal(await diagram.getByRole('button', { name, exact: true }).getAttribute('aria-pressed'), 'true');
  // The arrow keys pick a message in the drawing.
  await diagram.getByRole('group', { name: /^Space-time diagram from/ }).focus();
  await page.keyboard.press('ArrowRight');
  assert.match(await diagram.getByRole('status').textContent(), /^Selected: \w+ message n\d → n\d, sent at/);
  await shot('why-c23-violation-in-diagram');
});

test('C23: the exported SVG parses; the run downloads as JSON', async () => {
  await open('preset=c23-consistency-models');
  await seek(2500);
  const diagram = page.getByRole('region', { name: 'Space-time diagram' });
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), diagram.getByRole('button', { name: 'Download SVG' }).click()]);
  const svgPath = await svgDownload.path();
  const { readFile } = await import('node:fs/promises');
  const svg = await readFile(svgPath, 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.getElementsByTagName('parsererror').length, root: doc.documentElement.nodeName, lines: doc.getElementsByTagName('line').length };
  }, svg);
  assert.equal(parsed.error, 0);
  assert.equal(parsed.root, 'svg');
  assert.ok(parsed.lines > 3, JSON.stringify(parsed));
  const [runDownload] = await Promise.all([page.waitForEvent('download'), diagram.getByRole('button', { name: 'Download run' }).click()]);
  const run = JSON.parse(await readFile(await runDownload.path(), 'utf8'));
  assert.equal(run.name.length > 0, true);
  assert.ok(Array.isArray(run.script));
});

test('C7 in Compare mode: split brain on one side only', async () => {
  await open('preset=c07-split-brain-fencing');
  await page.getByRole('button', { name: 'Compare: fencing on' }).click();
  assert.equal(await page.getByRole('button', { name: 'Compare: fencing on' }).getAttribute('aria-pressed'), 'true');
  await seek(6000);
  const left = await page.getByLabel('Anomalies as set').textContent();
  const right = await page.getByLabel('Anomalies with fencing on').textContent();
  assert.match(left, /split brain/);
  assert.doesNotMatch(right, /split brain/);
  const difference = page.getByRole('region', { name: 'Timeline' }).getByRole('button', { name: /first differ/ });
  assert.ok((await difference.count()) >= 1);
  await shot('why-c7-compare');
  // A preset link with &compare opens in Compare mode with one click.
  await open('preset=c07-split-brain-fencing&compare');
  assert.equal(await page.getByRole('button', { name: 'Compare: fencing on' }).getAttribute('aria-pressed'), 'true');
  await seek(6000);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot('why-c7-compare-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('C6: narration tells the crash and the election', async () => {
  await open('preset=c06-failover-timeout');
  const narration = page.getByRole('region', { name: 'Narration' });
  await seek(2100);
  assert.match((await narration.getByRole('list').allTextContents()).join('\n'), /n1 crashed/);
  await page.getByRole('combobox', { name: 'Narration kind' }).selectOption('elections');
  let text = '';
  for (let ms = 2200; ms <= 4000 && !/election|leader/.test(text); ms += 200) {
    await seek(ms);
    text = (await narration.getByRole('list').count()) ? (await narration.getByRole('list').allTextContents()).join('\n') : '';
  }
  assert.match(text, /election|leader/);
  assert.match(await narration.getByRole('status').textContent(), /\S/);
  await shot('why-c6-narration');
});
