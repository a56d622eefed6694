// Drives code-server (VS Code in the browser) with the mcpriv extension
// installed, through headless Chromium, like a user would: open the fixture
// server, see the squiggle and the Problems entry on fs.writeFile, read the
// hover, see the code lens and the status-bar item, apply the quick-fix and
// find the manifest changed on disk.
//
// env: URL (workbench with ?folder=), FILE and MANIFEST (absolute paths), OUT (JSON
// report), SHOTS (screenshot directory), CHROMIUM (default /usr/bin/chromium),
// NODE_PATH must reach playwright-core.
// Exit status: 0 all steps passed, 1 otherwise.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const URL = process.env.URL;
const MANIFEST = process.env.MANIFEST;
const FILE = process.env.FILE; // the fixture source, to find the call's line
const SHOTS = process.env.SHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'mcpriv-vscode-shots-'));
const OUT = process.env.OUT || path.join(SHOTS, 'result.json');
// "Declare file.write [scope] for tool save_note in mcp-capabilities.yaml …"
const FIX = /^Declare file\.write.* for tool .*save_note/;
fs.mkdirSync(SHOTS, { recursive: true });

const t0 = Date.now();
const steps = [];
function step(name, ok, detail) {
  steps.push({ name, ok: !!ok, ms: Date.now() - t0, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} ${Date.now() - t0}ms ${JSON.stringify(detail).slice(0, 300)}`);
}

// Squiggles sit in .view-overlays rows, lines in .view-line rows; both are
// positioned by style.top (DOM order is not line order). Returns the
// squiggle classes on the line whose text contains `needle`.
async function squigglesOnLine(page, needle) {
  return page.evaluate((needle) => {
    const editor = document.querySelector('.editor-instance .monaco-editor');
    if (!editor) return null;
    const line = [...editor.querySelectorAll('.view-lines .view-line')].find((l) => l.textContent.includes(needle));
    if (!line) return null;
    const out = [];
    for (const row of editor.querySelectorAll('.view-overlays > div')) {
      if (row.style.top !== line.style.top) continue;
      for (const s of row.querySelectorAll('[class*="squiggly-"]')) {
        out.push([...s.classList].find((c) => c.startsWith('squiggly-')));
      }
    }
    return out;
  }, needle);
}

async function poll(fn, ms, every = 200) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, every));
  }
}

(async () => {
  const udd = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpriv-chromium-'));
  const browser = await chromium.launchPersistentContext(udd, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = browser.pages()[0] || (await browser.newPage());
  let code = 1;
  try {
    await page.goto(URL, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90000 });
    step('workbench', true, URL);

    // Quick Open lists files once the workbench's file search has indexed
    // the folder, which a busy machine can take long to do: ask again
    // rather than fail on the first slow answer.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+P');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type('src/index.ts');
      try {
        await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 20000 });
        break;
      } catch (e) {
        if (attempt >= 4) throw e;
        await page.keyboard.press('Escape');
      }
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('.editor-instance .monaco-editor .view-line', { timeout: 30000 });
    // Only visible lines are rendered: go to the call so it is on screen.
    const callLine = fs.readFileSync(FILE, 'utf8').split('\n').findIndex((l) => l.includes('fs.writeFile')) + 1;
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(String(callLine));
    await page.keyboard.press('Enter');

    // 1. the squiggle on the sensitive call
    const sq = await poll(async () => {
      const s = await squigglesOnLine(page, 'fs.writeFile');
      return s && s.some((c) => c === 'squiggly-warning' || c === 'squiggly-error') ? s : null;
    }, 60000);
    step('squiggle', sq, sq || (await squigglesOnLine(page, 'fs.writeFile')));

    // 2. code lens on the tool registrations (one above save_note's, on screen)
    const lens = page.locator('.editor-instance .codelens-decoration');
    const lenses = await poll(async () => {
      const l = await lens.allInnerTexts();
      return l.some((x) => x.trim() !== '') ? l : null;
    }, 30000);
    if (!lenses) await page.screenshot({ path: path.join(SHOTS, 'code-lens.png') });
    step('code_lens', lenses, lenses || (await lens.allInnerTexts()));

    // 3. the Problems entry, with source and capability code
    await page.keyboard.press('Control+Shift+M');
    const problems = await poll(async () => {
      const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
      return rows.some((r) => r.includes('file.write') && r.includes('mcpriv')) ? rows : null;
    }, 20000);
    step('problems', problems, problems || (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()));

    // 4. the status-bar item
    const sb = await poll(async () => {
      const items = await page.locator('.statusbar-item').allInnerTexts();
      return items.find((t) => t.includes('mcpriv'));
    }, 10000);
    step('status_bar', sb, sb || (await page.locator('.statusbar-item').allInnerTexts()));

    // 5. hover over the callee
    const callee = page.locator('.editor-instance .view-line span', { hasText: /^writeFile$/ }).first();
    await callee.scrollIntoViewIfNeeded();
    await callee.hover();
    // The diagnostic's message shows in the hover too: require the server's
    // own hover, a Markdown part that is not the marker (diagnostic) part.
    const hover = page.locator('.monaco-hover-content:visible .markdown-hover');
    let htext = '';
    // A mouse hover that lands while the workbench relayouts (the Problems
    // panel just opened) shows no widget at all; when none is visible after a
    // while, leave the word and come back, then ask by keyboard
    // (editor.action.showHover), which does not depend on the pointer.
    let tries = 0;
    let lastMove = Date.now();
    await poll(async () => {
      htext = (await hover.allInnerTexts().catch(() => [])).join('\n');
      if (htext.includes('file.write')) return true;
      const shown = await page.locator('.monaco-hover-content:visible').count().catch(() => 0);
      if (!shown && Date.now() - lastMove > 3000) {
        tries++;
        await page.mouse.move(5, 5);
        if (tries % 2 === 0) {
          await callee.click();
          await page.keyboard.press('Control+K');
          await page.keyboard.press('Control+I');
        } else {
          await callee.hover();
        }
        lastMove = Date.now();
      }
      return false;
    }, 30000);
    await page.screenshot({ path: path.join(SHOTS, 'hover.png') });
    const hoverParts = htext ? undefined : await page.evaluate(() =>
      [...document.querySelectorAll('.monaco-hover-content')].filter((e) => e.offsetParent !== null)
        .map((e) => [...e.querySelectorAll('*')].slice(0, 40).map((c) => c.className + ':' + (c.children.length ? '' : c.textContent.slice(0, 40)))));
    step('hover', htext.includes('file.write'), hoverParts ? { text: htext, parts: hoverParts } : htext);
    await page.keyboard.press('Escape');

    // 6. quick-fix at the call, pick the declaring fix by title
    const before = fs.readFileSync(MANIFEST, 'utf8');
    await callee.click();
    // The lightbulb on the call's line opens the quick-fix list. (With
    // code-server 4.100 and this server, Ctrl+. / "Quick Fix..." answered
    // "No code actions available" without sending a request while the
    // lightbulb, fed by the same provider, listed the fixes.)
    // The code-action request goes out after the cursor settles; a busy
    // server answers late: move the cursor off the call and back once.
    const bulb = page.locator('.editor-instance .lightBulbWidget');
    try {
      await bulb.first().waitFor({ state: 'visible', timeout: 20000 });
    } catch (e) {
      await page.keyboard.press('Home');
      await callee.click();
      await bulb.first().waitFor({ state: 'visible', timeout: 40000 });
    }
    await bulb.first().click();
    const row = page.locator('.action-widget .monaco-list-row.focused');
    await row.waitFor({ timeout: 20000 });
    const offered = [];
    let found = false;
    for (let i = 0; i < 30; i++) {
      const t = await row.innerText();
      if (FIX.test(t.trim())) { found = true; break; }
      if (offered.includes(t)) break; // wrapped around
      offered.push(t);
      // The list is covered by a pointer block: keyboard only.
      await page.keyboard.press('ArrowDown');
    }
    if (found) await page.keyboard.press('Enter');
    else await page.keyboard.press('Escape');
    // VS Code writes edits to unopened files to disk itself.
    const disk = await poll(() => {
      const s = fs.readFileSync(MANIFEST, 'utf8');
      return s !== before && s.includes('save_note:') ? s : null;
    }, 20000);
    const dirty = await page.locator('.tabs-container .tab.dirty').allInnerTexts();
    step('quick_fix', found && disk, { offered, manifest: disk || fs.readFileSync(MANIFEST, 'utf8'), dirtyTabs: dirty });

    // 7. with the grant on disk, the call is declared: no warning squiggle
    const after = await poll(async () => {
      const s = await squigglesOnLine(page, 'fs.writeFile');
      return s && !s.some((c) => c === 'squiggly-warning' || c === 'squiggly-error') ? s : null;
    }, 20000);
    await page.keyboard.press('Control+Shift+M');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'after-fix.png') });
    step('diagnostic_after_fix', after, after || (await squigglesOnLine(page, 'fs.writeFile')));

    // 8. the code lens runs mcpriv.showToolPrivileges; the extension opens its Markdown
    const toolLens = page.locator('.editor-instance .codelens-decoration a:visible', { hasText: /save_note|file\.write/ }).first();
    if (await toolLens.count()) {
      const tabsBefore = await page.locator('.tabs-container .tab').count();
      await toolLens.click();
      const tabs = await poll(async () => {
        const t = await page.locator('.tabs-container .tab').allInnerTexts();
        return t.length > tabsBefore ? t : null;
      }, 15000);
      // The Markdown preview is a webview: an iframe nested in an iframe.
      const rendered = await poll(async () => {
        for (const f of page.frames().filter((fr) => fr !== page.mainFrame())) {
          const text = await f.locator('body').innerText({ timeout: 1000 }).catch(() => '');
          if (text.includes('save_note') && text.includes('file.write')) return text;
        }
        return null;
      }, 20000);
      await page.screenshot({ path: path.join(SHOTS, 'tool-privileges.png') });
      step('code_lens_command', tabs && rendered, { tabs: tabs || (await page.locator('.tabs-container .tab').allInnerTexts()), rendered });
    } else {
      step('code_lens_command', false, { lenses: await lens.allInnerTexts() });
    }

    // 9. the command palette's "mcpriv: Open Privilege Map" runs `mcpriv
    // report` on the folder and shows the page in a webview (an iframe
    // nested in an iframe): the map's table with the workspace's tool.
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type('mcpriv: Open Privilege Map');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Privilege Map' }).first().waitFor({ timeout: 20000 });
    await page.keyboard.press('Enter');
    const map = await poll(async () => {
      for (const f of page.frames().filter((fr) => fr !== page.mainFrame())) {
        const text = await f.locator('body').innerText({ timeout: 1000 }).catch(() => '');
        if (text.includes('Privilege map') && text.includes('Tools × capabilities') && text.includes('save_note')) return text;
      }
      return null;
    }, 90000);
    const mapTab = await page.locator('.tabs-container .tab', { hasText: 'Privilege map' }).count();
    await page.screenshot({ path: path.join(SHOTS, 'privilege-map.png') });
    step('privilege_map', map && mapTab > 0, map ? { tab: mapTab } : { tabs: await page.locator('.tabs-container .tab').allInnerTexts() });
    code = steps.every((s) => s.ok) ? 0 : 1;
  } catch (e) {
    step('error', false, String((e && e.stack) || e));
    await page.screenshot({ path: path.join(SHOTS, 'error.png') }).catch(() => {});
  } finally {
    fs.writeFileSync(OUT, JSON.stringify({ ok: code === 0, steps, shots: SHOTS }, null, 1));
    await browser.close().catch(() => {});
    fs.rmSync(udd, { recursive: true, force: true });
    process.exit(code);
  }
})();
