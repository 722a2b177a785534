import { serveDist, launch } from './serve.mjs';
const server = await serveDist();
const browser = await launch();
for (const [w, h] of [[1280, 800], [390, 844]]) {
  const page = await browser.newPage();
  await page.setViewportSize({ width: w, height: h });
  for (const p of ['default', 'c02-stale-follower-read', 'sixty-four-nodes']) {
    await page.goto('about:blank');
    await page.goto(`${server.url}#preset=${p}`);
    await page.getByRole('button', { name: /^Node n1,/ }).waitFor();
    await page.getByRole('slider', { name: 'Speed' }).fill('6');
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Step forward one event' }).click();
    await page.screenshot({ path: `target/e2e/_shot-${p}-${w}.png` });
  }
  await page.getByRole('button', { name: /^Node n5,/ }).click();
  await page.screenshot({ path: `target/e2e/_shot-menu-${w}.png` });
  await page.close();
}
await browser.close(); await server.close();
