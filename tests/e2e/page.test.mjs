// End-to-end: the built page in real Chromium, found by accessible names as a
// screen reader would, with no request leaving 127.0.0.1.
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

test('the page shows three nodes by accessible name and asks no other host', async () => {
  const page = await browser.newPage();
  const seen = watch(page);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Node n1, leader' }).waitFor();
  assert.equal(await page.title(), 'Replication Playground');
  for (const name of ['Node n1, leader', 'Node n2, follower, lag 0 entries', 'Node n3, follower, lag 0 entries']) {
    assert.equal(await page.getByRole('button', { name }).count(), 1, name);
  }
  await page.getByRole('button', { name: 'Node n2, follower, lag 0 entries' }).click();
  assert.equal(await page.getByRole('menu', { name: 'Actions for n2' }).getByRole('menuitem').count(), 8);
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'page.png') });
  const origin = new URL(server.url).origin;
  assert.deepEqual(seen.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:')), []);
  assert.deepEqual(seen.bad, []);
  assert.deepEqual(seen.errors, []);
  await page.close();
});

test('keyboard only: Enter opens a node\'s actions, arrows move, Escape returns to the node; ? and Escape for help', async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  const n2 = page.getByRole('button', { name: /^Node n2,/ });
  await n2.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: 'Actions for n2' });
  await assertFocused(menu.getByRole('menuitem', { name: 'Crash' }));
  await page.keyboard.press('ArrowDown');
  await assertFocused(menu.getByRole('menuitem', { name: 'Pause' }));
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await assertFocused(menu.getByRole('menuitem', { name: 'Close' }));
  await page.keyboard.press('Escape');
  assert.equal(await menu.count(), 0);
  await assertFocused(n2);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await assertFocused(help.getByRole('button', { name: 'Close' }));
  await page.keyboard.press('Escape');
  assert.equal(await help.count(), 0);
  // Focus returns where it was when `?` opened the help (issue 9: not to the
  // `?` button, where Space would reopen the help instead of playing).
  await assertFocused(n2);
  await page.close();
});

async function assertFocused(locator) {
  await locator.waitFor();
  assert.ok(await locator.evaluate((el) => el === document.activeElement), 'focused');
}
