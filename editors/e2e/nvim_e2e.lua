-- Headless Neovim end-to-end test of the mcpriv plugin against `mcpriv lsp`.
--   MCPRIV=/path/to/mcpriv PLUGIN=/abs/editors/nvim FILE=/abs/ws/src/index.ts \
--   MANIFEST=/abs/ws/mcp-capabilities.yaml OUT=/abs/result.json \
--   nvim --headless -u NONE -i NONE -n -c 'luafile nvim_e2e.lua'
-- Exit status: 0 all steps passed, 1 a step failed, 2 the script failed.
-- Runs on Neovim 0.7 (Debian 12) and later.
local t0 = vim.loop.hrtime()
local function ms()
  return math.floor((vim.loop.hrtime() - t0) / 1e6)
end
local results = { steps = {}, ok = true, nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch }
local function step(name, ok, detail)
  table.insert(results.steps, { name = name, ok = ok and true or false, ms = ms(), detail = detail })
  if not ok then
    results.ok = false
  end
end
local function finish(code)
  local f = io.open(os.getenv('OUT') or 'nvim-result.json', 'w')
  f:write(vim.fn.json_encode(results))
  f:close()
  for _, c in pairs(vim.lsp.get_active_clients()) do
    c.stop(true)
  end
  vim.cmd('cquit ' .. code) -- 0.7 takes the count as the exit status
end
local function env(name)
  return assert(os.getenv(name), name .. ' unset')
end
local function text_of(f)
  -- Edits to files that are not open land in hidden buffers until written.
  local b = vim.fn.bufnr(f)
  if b > 0 and vim.api.nvim_buf_is_loaded(b) then
    return table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
  end
  return table.concat(vim.fn.readfile(f), '\n')
end
local function lsp_code(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local ok, err = xpcall(function()
  local file, manifest = env('FILE'), env('MANIFEST')
  vim.opt.runtimepath:prepend(env('PLUGIN'))
  vim.cmd('filetype on') -- -u NONE leaves detection off; the plugin starts on FileType
  require('mcpriv').setup({ path = env('MCPRIV') })

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local mcpriv = require('mcpriv')
  local client
  local attached = vim.wait(20000, function()
    client = mcpriv.clients(bufnr)[1]
    return client ~= nil and client.initialized
  end, 50)
  step('attach', attached, { filetype = vim.bo.filetype, root = client and client.config.root_dir })
  if not attached then
    return finish(1)
  end

  -- The sensitive call: fs.writeFile in save_note.
  local pos = vim.fn.searchpos('fs\\.writeFile', 'w')
  local wline, wcol = pos[1] - 1, pos[2] - 1
  local function write_diag()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.source == 'mcpriv' and lsp_code(d) == 'file.write' and d.lnum == wline then
        return d
      end
    end
  end
  local d
  local got = vim.wait(30000, function()
    d = write_diag()
    return d ~= nil
  end, 50)
  local all = {}
  for _, x in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(all, { lnum = x.lnum, col = x.col, severity = x.severity, code = lsp_code(x), source = x.source, message = x.message })
  end
  step('diagnostics', got and d.severity <= vim.diagnostic.severity.WARN, all)
  local severity_before = d and d.severity

  local hres = client.request_sync('textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = wline, character = wcol + 4 },
  }, 10000, bufnr)
  local htext = hres and hres.result and hres.result.contents
  if type(htext) == 'table' then
    htext = htext.value or vim.inspect(htext)
  end
  step('hover', type(htext) == 'string' and htext:find('file.write', 1, true) ~= nil, { text = htext, err = hres and hres.err })

  -- Code lens on the tool registrations, then the command behind it.
  vim.lsp.codelens.refresh()
  local lenses
  local gotl = vim.wait(10000, function()
    lenses = vim.lsp.codelens.get(bufnr)
    return #lenses > 0
  end, 50)
  local titles, tool_lens = {}, nil
  for _, l in ipairs(lenses or {}) do
    table.insert(titles, l.command and l.command.title or '?')
    if l.command and l.command.command == 'mcpriv.showToolPrivileges' and l.command.arguments
      and l.command.arguments[1] == 'save_note' then
      tool_lens = l
    end
  end
  step('code_lens', gotl and tool_lens ~= nil, titles)

  local md
  mcpriv.execute('mcpriv.showToolPrivileges', { 'save_note' }, function(e, r)
    md = e and ('ERROR ' .. vim.inspect(e)) or (type(r) == 'string' and r or vim.inspect(r))
  end, bufnr)
  vim.wait(10000, function() return md ~= nil end, 50)
  step('show_tool_privileges', md ~= nil and md:find('file.write', 1, true) ~= nil, md)

  -- Quick fix through Neovim's own code-action path, picking by title.
  -- "Declare file.write [scope] for tool save_note in mcp-capabilities.yaml …"
  local function wanted(title)
    return title:match('^Declare file%.write') and title:find('for tool', 1, true) and title:find('save_note', 1, true)
  end
  local offered, picked = {}, nil
  vim.ui.select = function(items, _, on_choice)
    for _, it in ipairs(items) do
      local action = it[2] or it.action
      table.insert(offered, action.title)
      if not picked and wanted(action.title) then
        picked = it
      end
    end
    on_choice(picked)
  end
  vim.api.nvim_win_set_cursor(0, { wline + 1, wcol + 4 })
  local before = text_of(manifest)
  vim.lsp.buf.code_action()
  local changed = vim.wait(15000, function()
    local now = text_of(manifest)
    return now ~= before and now:find('save_note', 1, true) ~= nil
  end, 50)
  vim.cmd('silent! wall')
  local disk = table.concat(vim.fn.readfile(manifest), '\n')
  step('quick_fix', picked ~= nil and changed and disk:find('save_note:', 1, true) ~= nil and disk:find('file.write', 1, true) ~= nil,
    { offered = offered, manifest = disk })

  -- With the grant on disk the call is declared: no longer a warning.
  local after
  local lowered = vim.wait(15000, function()
    after = write_diag()
    return after == nil or after.severity > vim.diagnostic.severity.WARN
  end, 50)
  step('diagnostic_after_fix', lowered, { before = severity_before, after = after and after.severity })

  -- :McprivReport: the workspace's privilege map as Markdown in a buffer,
  -- and as an HTML page (not opened: there is no browser here).
  local rbuf, rerr
  mcpriv.report({}, function(e, b) rerr, rbuf = e, b end)
  vim.wait(30000, function() return rbuf ~= nil or rerr ~= nil end, 50)
  local rtext = rbuf and table.concat(vim.api.nvim_buf_get_lines(rbuf, 0, -1, false), '\n') or ''
  local page, perr
  mcpriv.report({ html = true, open = false }, function(e, f) perr, page = e, f end)
  vim.wait(30000, function() return page ~= nil or perr ~= nil end, 50)
  local html = page and table.concat(vim.fn.readfile(page), '\n') or ''
  step('report', rerr == nil and rtext:find('# Privilege map', 1, true) ~= nil and rtext:find('save_note', 1, true) ~= nil
    and perr == nil and html:find('id="table-map"', 1, true) ~= nil and vim.fn.exists(':McprivReport') == 2,
    { err = rerr or perr, markdown = rtext:sub(1, 400), page = page })
  if rbuf and vim.api.nvim_buf_is_valid(rbuf) then
    vim.api.nvim_buf_delete(rbuf, { force = true })
  end

  -- :checkhealth mcpriv reports the binary and the running client.
  vim.cmd('checkhealth mcpriv')
  local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  step('checkhealth', health:find(env('MCPRIV'), 1, true) ~= nil and health:find('client %d+, root') ~= nil
    and not health:find('ERROR', 1, true), health)

  finish(results.ok and 0 or 1)
end, debug.traceback)
if not ok then
  results.error = err
  results.ok = false
  finish(2)
end
