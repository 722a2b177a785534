import { serveDist, launch } from './serve.mjs';
const server = await serveDist();
const browser = await launch();
const page = await browser.newPage();
await page.goto(`${server.url}#preset=${process.argv[2] ?? 'sixty-four-nodes'}`);
await page.getByRole('button', { name: /^Node n1,/ }).waitFor();
for (const idx of ['6', '8']) {
  await page.getByRole('slider', { name: 'Speed' }).fill(idx);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(4000);
  console.log(idx, await page.getAttribute('body', 'data-frame-ms'), await page.getByLabel('Virtual time').textContent());
  await page.getByRole('button', { name: 'Pause' }).click();
}
await page.screenshot({ path: '/work/wt-page/target/e2e/_perf.png' });
await browser.close(); await server.close();
