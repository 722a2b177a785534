// End-to-end, leaderless: a person sees quorum overlap decide stale reads
// (C19: the overlap condition stated beside the N/R/W sliders, a read with
// R = 1 marked stale, lowering R changes the statement), and a hinted write
// appear on the node that holds it and go home when the node returns (C20).
// Every element is found by its role and accessible name; the screenshots
// go to target/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, watch, SHOTS } from './serve.mjs';

let server;
let browser;

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  server = await serveDist();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the page on a leaderless preset, paused at 0. */
async function open(preset) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const seen = watch(page);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Node n1, leader' }).waitFor();
  await page.getByRole('combobox', { name: 'Scenario preset' }).selectOption(preset);
  await page.getByRole('button', { name: /^Node n1, replica/ }).waitFor();
  return { page, seen };
}

/** Plays until `locator` is visible, then pauses. */
async function playUntil(page, locator, timeout = 20000) {
  await page.getByRole('button', { name: 'Play' }).click();
  await locator.waitFor({ timeout });
  await page.getByRole('button', { name: 'Pause' }).click();
}

test('C19: R + W > N is stated by the sliders; c3 reading with R = 1 gets stale reads marked', async () => {
  const { page, seen } = await open('c19-quorum-overlap');
  const overlap = page.getByRole('status', { name: 'Quorum overlap' });
  assert.match(await overlap.textContent(), /^R \+ W = 4 > N = 3/);
  await page.getByRole('combobox', { name: 'Key to locate on the ring' }).waitFor();
  const ops = page.getByRole('list', { name: 'Recent operations' });
  await playUntil(page, ops.getByRole('listitem').filter({ hasText: /^stale#\d+ c3 → n3: read x/ }).first());
  await page.getByRole('combobox', { name: 'Key to locate on the ring' }).selectOption('x');
  await page.getByRole('button', { name: /^Node n3, replica/ }).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'c19-stale-read.png'), fullPage: true });
  await page.getByRole('slider', { name: 'W (write quorum)' }).fill('1');
  await page.getByRole('status', { name: 'Quorum overlap' }).filter({ hasText: /^R \+ W = 3 <= N = 3/ }).waitFor();
  assert.deepEqual(seen.errors, []);
  await page.close();
});

test('C20: a write made while n3 is down shows as a hint for n3 on n5, handed back when n3 returns', async () => {
  const { page, seen } = await open('c20-repair-and-handoff');
  await page.getByRole('slider', { name: 'Speed' }).fill('6');
  await playUntil(page, page.getByRole('button', { name: /^Node n5, replica, 1 hint for n3/ }));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'c20-hint.png'), fullPage: true });
  await playUntil(page, page.getByRole('button', { name: /^Node n3, replica/ }));
  await playUntil(page, page.getByRole('button', { name: /^Node n5, replica$/ }));
  assert.deepEqual(seen.errors, []);
  await page.close();
});
