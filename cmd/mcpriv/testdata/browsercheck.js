// Opens self-contained HTML reports in headless Chromium with JavaScript
// disabled (they must read without it) and checks each: no console error,
// no page error, no request leaving the file, every expected element
// present and visible; saves a full-page screenshot.
//
// Usage: node browsercheck.js CHROMIUM OUTDIR SPEC.json
// SPEC: [{"file": "/abs/report.html", "ids": ["chart-classes", ...]}]
// Prints one JSON object per page; exit 0 when all passed, 1 otherwise.
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

(async () => {
  const [exe, outDir, specFile] = process.argv.slice(2);
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu'] });
  let ok = true;
  try {
    for (const item of spec) {
      const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
      const page = await ctx.newPage();
      const result = { file: item.file, errors: [], missing: [], requests: [] };
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') result.errors.push(m.type() + ': ' + m.text()); });
      page.on('pageerror', (e) => result.errors.push('pageerror: ' + e.message));
      page.on('request', (r) => { const u = r.url(); if (!u.startsWith('file:') && !u.startsWith('data:')) result.requests.push(u); });
      await page.goto('file://' + item.file, { waitUntil: 'load' });
      for (const id of item.ids) {
        const el = await page.$('#' + id);
        const box = el && await el.boundingBox();
        if (!box || box.width <= 0 || box.height <= 0) result.missing.push(id);
      }
      result.charts = (await page.$$('svg.chart')).length;
      result.tables = (await page.$$('table')).length;
      result.screenshot = path.join(outDir, path.basename(item.file, '.html') + '.png');
      await page.screenshot({ path: result.screenshot, fullPage: true });
      result.ok = result.errors.length === 0 && result.missing.length === 0 && result.requests.length === 0;
      ok = ok && result.ok;
      console.log(JSON.stringify(result));
      await ctx.close();
    }
  } finally {
    await browser.close();
  }
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(2); });
