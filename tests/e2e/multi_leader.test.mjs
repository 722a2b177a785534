// End-to-end, multi leader: a person writes the same key in two regions
// (C14), then skews a clock and sees last-write-wins drop the later write by
// name (C15). Every element is found by its role and accessible name; the
// screenshots go to target/e2e/.
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

/** Opens the page on a preset, paused at 0. */
async function open(preset) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const seen = watch(page);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Node n1, leader' }).waitFor();
  await page.getByRole('combobox', { name: 'Scenario preset' }).selectOption(preset);
  await page.getByRole('button', { name: /^Node n1, leader, region eu/ }).waitFor();
  return { page, seen };
}

/** Writes `value` to key "name" as `client`, from the Clients panel. */
async function write(page, client, value) {
  const clients = page.getByRole('region', { name: 'Clients' });
  await clients.getByRole('combobox', { name: 'Client' }).selectOption(client);
  await clients.getByRole('textbox', { name: 'Key' }).fill('name');
  await clients.getByRole('textbox', { name: 'Value' }).fill(value);
  await clients.getByRole('button', { name: 'Write' }).click();
}

/** Plays until `locator` is visible, then pauses. */
async function playUntil(page, locator, timeout = 20000) {
  await page.getByRole('button', { name: 'Play' }).click();
  await locator.waitFor({ timeout });
  await page.getByRole('button', { name: 'Pause' }).click();
}

test('C14: the same key written in two regions shows a conflict with both versions side by side', async () => {
  const { page, seen } = await open('c14-same-key-two-leaders');
  assert.equal(await page.getByRole('group', { name: 'Region eu: n1, n2' }).count(), 1);
  assert.equal(await page.getByRole('group', { name: 'Region us: n3, n4' }).count(), 1);
  await write(page, 'c1', 'Asha');
  await page.getByRole('button', { name: 'Step forward one event' }).click();
  await write(page, 'c2', 'Asha K.');
  const conflicts = page.getByRole('region', { name: 'Conflicts' });
  const first = conflicts.getByRole('group', { name: /^Conflict on name at/ }).first();
  await playUntil(page, first);
  const rows = first.getByRole('row', { name: /^"Asha/ });
  assert.equal(await rows.count(), 2);
  await first.getByRole('row', { name: /^"Asha K\." from n3, .*: winner$/ }).waitFor();
  await first.getByRole('row', { name: /^"Asha" from n1, .*: loser$/ }).waitFor();
  await first.getByRole('button', { name: /^Show the operations of the conflict on name/ }).click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'c14-conflict.png'), fullPage: true });
  assert.deepEqual(seen.errors, []);
  await page.close();
});

test('C15: with n1 skewed +200 ms, last-write-wins drops the write that happened later', async () => {
  const { page, seen } = await open('c14-same-key-two-leaders');
  await page.getByRole('button', { name: /^Node n1, leader/ }).click();
  await page.getByRole('menu', { name: 'Actions for n1' }).getByRole('menuitem', { name: 'Skew clock +200 ms' }).click();
  await page.getByRole('button', { name: /^Node n1, leader, region eu, clock \+200 ms/ }).waitFor();
  await write(page, 'c1', 'Asha');
  await page.getByRole('button', { name: 'Step forward one event' }).click();
  await write(page, 'c2', 'Asha K.');
  const conflicts = page.getByRole('region', { name: 'Conflicts' });
  const first = conflicts.getByRole('group', { name: /^Conflict on name at/ }).first();
  await playUntil(page, first);
  await first.getByRole('row', { name: /^"Asha" from n1, .*: winner$/ }).waitFor();
  await first.getByRole('row', { name: /^"Asha K\." from n3, .*: loser$/ }).waitFor();
  assert.equal(await first.getByRole('note').textContent(), 'Dropped: "Asha K."');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'c15-lww-dropped.png'), fullPage: true });
  assert.deepEqual(seen.errors, []);
  await page.close();
});

test('C17: without loop prevention the page names the replication storm', async () => {
  const { page, seen } = await open('c17-replication-loop').catch(async () => ({}));
  assert.ok(page);
  await page.getByRole('slider', { name: 'Speed' }).fill('7');
  await playUntil(page, page.getByRole('status').filter({ hasText: /^replication storm: .* limit 4000 reached/ }));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'c17-storm.png'), fullPage: true });
  assert.deepEqual(seen.errors, []);
  await page.close();
});
