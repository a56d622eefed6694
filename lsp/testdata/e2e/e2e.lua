-- Headless Neovim 0.7 check of `mcpriv lsp` (run by lsp/e2e_test.go):
-- diagnostics, hover, a quick fix that edits the unopened manifest (saved
-- with :wall), code lens. Writes a JSON report to $OUT; exit status 0 when
-- every step passed, 1 when one failed, 2 when the script itself failed.
local t0 = vim.loop.hrtime()
local report = { steps = {}, ok = true }
local function step(name, ok, detail)
  table.insert(report.steps, { name = name, ok = ok and true or false, ms = math.floor((vim.loop.hrtime() - t0) / 1e6), detail = detail })
  if not ok then report.ok = false end
end
local function finish(code)
  local f = assert(io.open(os.getenv('OUT'), 'w'))
  f:write(vim.fn.json_encode(report))
  f:close()
  for _, c in pairs(vim.lsp.get_active_clients()) do c.stop(true) end
  vim.cmd('cquit ' .. code)
end

local ok, err = xpcall(function()
  local root, file = os.getenv('ROOT'), os.getenv('FILE')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = 'mcpriv', cmd = { os.getenv('MCPRIV_BIN'), 'lsp', '--stdio' }, root_dir = root })
  assert(id, 'start_client failed')
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  step('initialize', vim.wait(20000, function() return client.initialized end, 20))

  local diags = {}
  local got = vim.wait(20000, function() diags = vim.diagnostic.get(buf); return #diags > 0 end, 20)
  local dl = {}
  for _, d in ipairs(diags) do
    table.insert(dl, { lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, message = d.message, source = d.source })
  end
  step('diagnostics', got, dl)

  local line, col = tonumber(os.getenv('CALL_LINE')), tonumber(os.getenv('CALL_COL'))
  local h = client.request_sync('textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }, 10000, buf)
  local text = h and h.result and h.result.contents and h.result.contents.value
  step('hover', text ~= nil and text ~= '', { text = text })

  -- The quick fix through Neovim's own code-action path (vim.ui.select stubbed).
  local offered, picked = {}, nil
  vim.ui.select = function(items, _, choose)
    for _, it in ipairs(items) do
      table.insert(offered, it[2].title)
      if not picked and it[2].title:find(os.getenv('ACTION_MATCH'), 1, true) then picked = it end
    end
    choose(picked)
  end
  local manifest = os.getenv('MANIFEST')
  local function manifest_text()
    local b = vim.fn.bufnr(manifest)
    if b < 0 or not vim.api.nvim_buf_is_loaded(b) then return table.concat(vim.fn.readfile(manifest), '\n') end
    return table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
  end
  local before = manifest_text()
  vim.api.nvim_win_set_cursor(0, { line + 1, col })
  vim.lsp.buf.code_action()
  local changed = vim.wait(10000, function() return manifest_text() ~= before end, 20)
  vim.cmd('silent! wall')
  step('code_action', picked ~= nil and changed, { offered = offered, picked = picked and picked[2].title })

  vim.lsp.codelens.refresh()
  local lenses = {}
  local gotl = vim.wait(10000, function() lenses = vim.lsp.codelens.get(buf); return #lenses > 0 end, 20)
  local titles = {}
  for _, l in ipairs(lenses) do table.insert(titles, l.command and l.command.title or '?') end
  step('code_lens', gotl, titles)
  finish(report.ok and 0 or 1)
end, debug.traceback)
if not ok then report.error = err; report.ok = false; finish(2) end
