-- mcpriv for Neovim: starts `mcpriv lsp` for MCP server sources and the
-- manifest, and adds commands around the server's own.
-- Works on Neovim 0.7 (vim.lsp.start_client) and later (vim.lsp.start).
local M = {}

local uv = vim.loop

local manifest_names = { 'mcp-capabilities.yaml', 'mcp-capabilities.yml' }

M.defaults = {
  -- Server command. nil: `mcpriv lsp`, with mcpriv found by `path`, on PATH,
  -- or in Go's install directory.
  cmd = nil,
  path = nil,
  filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'python', 'go' },
  -- The nearest directory holding one of these is the workspace root; a
  -- manifest wins over the others so a server inside a monorepo gets its own.
  root_markers = { 'package.json', 'pyproject.toml', 'setup.py', 'go.mod', '.git' },
  -- The server's "mcpriv" settings section (see :help mcpriv-settings).
  settings = {
    severity = vim.empty_dict(),
    excludes = {},
    showDeclared = true,
    ruleDirs = {},
    maxFileSize = 16 * 1024 * 1024,
  },
  autostart = true,
  -- Refresh code lenses (one per tool registration) on these events.
  codelens = true,
  on_attach = nil,
  capabilities = nil,
}

M.config = nil
-- 0.7 has no vim.lsp.start(): one client per root, kept here.
local clients_by_root = {}

local function has_start()
  return vim.lsp.start ~= nil
end

local function notify(msg, level)
  vim.notify('mcpriv: ' .. msg, level or vim.log.levels.INFO)
end

local function exists(p)
  return uv.fs_stat(p) ~= nil
end

local function dirname(p)
  return vim.fn.fnamemodify(p, ':h')
end

-- Walks up from dir; returns the first directory holding any of names.
local function find_up(dir, names)
  local cur = dir
  while cur and cur ~= '' do
    for _, n in ipairs(names) do
      if exists(cur .. '/' .. n) then
        return cur
      end
    end
    local parent = dirname(cur)
    if parent == cur then
      break
    end
    cur = parent
  end
  return nil
end

--- Returns the workspace root for a file path.
function M.root_dir(fname)
  local dir = dirname(vim.fn.fnamemodify(fname, ':p'))
  return find_up(dir, manifest_names) or find_up(dir, M.config.root_markers) or dir
end

--- Returns the path of the mcpriv binary, or nil and the places tried.
function M.find_binary()
  local cfg = M.config or M.defaults
  local tried = {}
  if cfg.path and cfg.path ~= '' then
    local p = vim.fn.expand(cfg.path)
    if vim.fn.executable(p) == 1 then
      return p
    end
    return nil, { p }
  end
  local p = vim.fn.exepath('mcpriv')
  if p ~= '' then
    return p
  end
  table.insert(tried, 'PATH')
  -- `go install` puts binaries here, and it is often not on PATH.
  local gobin = os.getenv('GOBIN')
  local gopath = os.getenv('GOPATH') or (os.getenv('HOME') or '') .. '/go'
  for _, dir in ipairs({ gobin, gopath and (vim.split(gopath, ':', { trimempty = true })[1] or '') .. '/bin' }) do
    if dir and dir ~= '' and dir ~= '/bin' then
      local cand = dir .. '/mcpriv'
      if vim.fn.executable(cand) == 1 then
        return cand
      end
      table.insert(tried, cand)
    end
  end
  return nil, tried
end

local function server_cmd()
  if M.config.cmd then
    return M.config.cmd
  end
  local bin, tried = M.find_binary()
  if not bin then
    return nil, 'mcpriv binary not found (tried ' .. table.concat(tried, ', ') .. '); set path= in setup()'
  end
  return { bin, 'lsp' }
end

local function is_manifest(bufnr)
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':t')
  return vim.tbl_contains(manifest_names, name)
end

local function make_config(root, cmd)
  local settings = { mcpriv = M.config.settings }
  local conf = {
    name = 'mcpriv',
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = settings,
    settings = settings, -- answers workspace/configuration
    capabilities = M.config.capabilities,
    on_attach = function(client, bufnr)
      if M.config.codelens and M.server_supports(client, 'codeLensProvider') then
        local group = vim.api.nvim_create_augroup('mcpriv_codelens_' .. bufnr, { clear = true })
        vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost', 'CursorHold' }, {
          group = group,
          buffer = bufnr,
          callback = function()
            pcall(vim.lsp.codelens.refresh)
          end,
        })
        pcall(vim.lsp.codelens.refresh)
      end
      if M.config.on_attach then
        M.config.on_attach(client, bufnr)
      end
    end,
  }
  return conf
end

--- Whether a client's server advertised a capability (0.7: resolved_capabilities
--- is derived; server_capabilities is the raw answer in every version).
function M.server_supports(client, cap)
  local sc = client.server_capabilities
  if sc == nil and client.resolved_capabilities then -- 0.7
    local legacy = { codeLensProvider = 'code_lens', executeCommandProvider = 'execute_command' }
    return client.resolved_capabilities[legacy[cap] or cap] and true or false
  end
  return sc ~= nil and sc[cap] ~= nil and sc[cap] ~= false
end

--- Starts (or reuses) the client for a buffer and attaches it.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' or vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local cmd, err = server_cmd()
  if not cmd then
    if not M._warned then
      M._warned = true
      notify(err, vim.log.levels.WARN)
    end
    return nil
  end
  local root = M.root_dir(fname)
  local conf = make_config(root, cmd)
  if has_start() then
    return vim.lsp.start(conf, { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  local c = id and vim.lsp.get_client_by_id(id)
  if not c or c.is_stopped() then
    id = vim.lsp.start_client(conf)
    if not id then
      notify('could not start ' .. table.concat(cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- The mcpriv clients (all, or those attached to bufnr).
function M.clients(bufnr)
  local out = {}
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ name = 'mcpriv', bufnr = bufnr })
    or vim.lsp.get_active_clients()
  for _, c in ipairs(list) do
    if c.name == 'mcpriv' and (not bufnr or vim.lsp.buf_is_attached(bufnr, c.id)) then
      table.insert(out, c)
    end
  end
  return out
end

local function client_for(bufnr)
  return M.clients(bufnr)[1] or M.clients()[1]
end

local function show_markdown(md, title)
  local lines = vim.split(md, '\n', { plain = true })
  if title then
    table.insert(lines, 1, '')
    table.insert(lines, 1, '# ' .. title)
  end
  vim.lsp.util.open_floating_preview(lines, 'markdown', { border = 'rounded', focus_id = 'mcpriv', max_width = 100 })
end

local function markdown_of(result)
  if type(result) == 'string' then
    return result
  end
  if type(result) == 'table' then
    return result.markdown or result.value or result.contents
  end
  return nil
end

--- Sends workspace/executeCommand to the mcpriv server; cb(err, result).
function M.execute(command, args, cb, bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client = client_for(bufnr)
  if not client then
    notify('no mcpriv server is running for this buffer', vim.log.levels.WARN)
    return
  end
  client.request('workspace/executeCommand', { command = command, arguments = args or {} }, function(err, result)
    if err then
      notify(command .. ': ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
    if cb then
      cb(err, result)
    end
  end, bufnr)
end

function M.scan_workspace()
  notify('scanning the workspace…')
  M.execute('mcpriv.scanWorkspace', {}, function(err, result)
    if not err then
      local md = markdown_of(result)
      notify(md and vim.split(md, '\n', { plain = true })[1] or 'workspace scanned; see vim.diagnostic / :lua vim.diagnostic.setqflist()')
    end
  end)
end

function M.generate_manifest()
  M.execute('mcpriv.generateManifest', {}, function(err, result)
    if err then
      return
    end
    local root = (client_for(0) or {}).config and client_for(0).config.root_dir
    local target = markdown_of(result)
    if not (target and target:match('mcp%-capabilities%.ya?ml$')) and root then
      target = root .. '/mcp-capabilities.yaml'
    end
    if target and exists(vim.uri_to_fname(target:match('^file:') and target or vim.uri_from_fname(target))) then
      vim.cmd('checktime')
      vim.cmd('edit ' .. vim.fn.fnameescape(target:match('^file:') and vim.uri_to_fname(target) or target))
    else
      notify(markdown_of(result) or 'manifest generated')
    end
  end)
end

function M.show_tool(name)
  if not name or name == '' then
    -- Default: the tool whose code lens is on or above the cursor's line.
    local lnum = vim.api.nvim_win_get_cursor(0)[1] - 1
    local best
    for _, lens in ipairs(vim.lsp.codelens.get(0) or {}) do
      local c = lens.command
      if c and c.command == 'mcpriv.showToolPrivileges' and c.arguments and lens.range.start.line <= lnum then
        if not best or lens.range.start.line > best.range.start.line then
          best = lens
        end
      end
    end
    name = best and best.command.arguments[1]
  end
  if not name or name == '' then
    vim.ui.input({ prompt = 'MCP tool name: ' }, function(input)
      if input and input ~= '' then
        M.show_tool(input)
      end
    end)
    return
  end
  M.execute('mcpriv.showToolPrivileges', { name }, function(err, result)
    if err then
      return
    end
    local md = markdown_of(result)
    if md and md ~= '' then
      show_markdown(md)
    else
      notify('no privileges known for tool ' .. name, vim.log.levels.WARN)
    end
  end)
end

--- Shows the privilege map of the workspace (`mcpriv report`): as Markdown
--- in a scratch buffer, or with opts.html as an HTML page written to a
--- temporary file and opened in the browser (opts.open = false: only
--- written). cb(err, result) gets the buffer number or the file path.
function M.report(opts, cb)
  opts = opts or {}
  local bin, tried = M.find_binary()
  if not bin then
    local msg = 'mcpriv binary not found (tried ' .. table.concat(tried, ', ') .. '); set path= in setup()'
    notify(msg, vim.log.levels.ERROR)
    if cb then
      cb(msg)
    end
    return
  end
  -- The current file's root; from a scratch buffer (a report, help), the
  -- running server's root; else the working directory.
  local name = vim.api.nvim_buf_get_name(0)
  local root = opts.root
  if not root and name ~= '' and vim.bo.buftype == '' and not name:find('://', 1, true) then
    root = M.root_dir(name)
  end
  if not root then
    local c = M.clients()[1]
    root = c and c.config.root_dir or vim.fn.getcwd()
  end
  local args = { bin, 'report', '--no-progress' }
  local file
  if opts.html then
    file = vim.fn.tempname() .. '-mcpriv-report.html'
    vim.list_extend(args, { '--html', file })
  end
  table.insert(args, root)
  local out, errs = {}, {}
  local job = vim.fn.jobstart(args, {
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data)
      out = data or {}
    end,
    on_stderr = function(_, data)
      errs = data or {}
    end,
    on_exit = function(_, code)
      vim.schedule(function()
        if code ~= 0 then
          local msg = 'mcpriv report failed: ' .. table.concat(errs, '\n')
          notify(msg, vim.log.levels.ERROR)
          if cb then
            cb(msg)
          end
          return
        end
        if file then
          local opener = (vim.ui and vim.ui.open) and 'vim.ui.open'
            or (vim.fn.executable('xdg-open') == 1 and 'xdg-open')
            or (vim.fn.executable('open') == 1 and 'open')
          if opts.open ~= false and opener == 'vim.ui.open' then
            vim.ui.open(file)
          elseif opts.open ~= false and opener then
            vim.fn.jobstart({ opener, file }, { detach = true })
          end
          notify('privilege map written to ' .. file)
          if cb then
            cb(nil, file)
          end
          return
        end
        if out[#out] == '' then
          table.remove(out)
        end
        vim.cmd('botright new')
        local buf = vim.api.nvim_get_current_buf()
        vim.api.nvim_buf_set_lines(buf, 0, -1, false, out)
        vim.bo[buf].buftype = 'nofile'
        vim.bo[buf].bufhidden = 'wipe'
        vim.bo[buf].swapfile = false
        vim.bo[buf].modifiable = false
        vim.bo[buf].filetype = 'markdown'
        pcall(vim.api.nvim_buf_set_name, buf, 'mcpriv://report/' .. root)
        if cb then
          cb(nil, buf)
        end
      end)
    end,
  })
  if job <= 0 then
    notify('could not start ' .. bin, vim.log.levels.ERROR)
    if cb then
      cb('could not start ' .. bin)
    end
  end
end

function M.restart()
  for _, c in ipairs(M.clients()) do
    c.stop()
  end
  clients_by_root = {}
  vim.defer_fn(function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and (vim.tbl_contains(M.config.filetypes, vim.bo[b].filetype) or is_manifest(b)) then
        M.attach(b)
      end
    end
  end, 500)
end

--- Pushes changed settings to running servers.
function M.update_settings(settings)
  M.config.settings = vim.tbl_deep_extend('force', M.config.settings, settings or {})
  for _, c in ipairs(M.clients()) do
    c.config.settings = { mcpriv = M.config.settings }
    c.notify('workspace/didChangeConfiguration', { settings = c.config.settings })
  end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  if vim.tbl_isempty(M.config.settings.severity or {}) then
    M.config.settings.severity = vim.empty_dict() -- must encode as {}, not []
  end

  -- Code lenses and `:lua vim.lsp.codelens.run()` run the server's command
  -- through here, so the markdown answer is shown instead of dropped.
  vim.lsp.commands['mcpriv.showToolPrivileges'] = function(command)
    M.show_tool(command.arguments and command.arguments[1])
  end

  local group = vim.api.nvim_create_augroup('mcpriv', { clear = true })
  if M.config.autostart then
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = M.config.filetypes,
      callback = function(args)
        M.attach(args.buf)
      end,
    })
    vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
      group = group,
      pattern = manifest_names,
      callback = function(args)
        M.attach(args.buf)
      end,
    })
    -- Buffers opened before setup() ran.
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and (vim.tbl_contains(M.config.filetypes, vim.bo[b].filetype) or is_manifest(b)) then
        M.attach(b)
      end
    end
  end

  local cmd = vim.api.nvim_create_user_command
  cmd('McprivScan', M.scan_workspace, { desc = 'mcpriv: scan the workspace' })
  cmd('McprivManifest', M.generate_manifest, { desc = 'mcpriv: generate the least-privilege manifest' })
  cmd('McprivTool', function(a)
    M.show_tool(a.args)
  end, { nargs = '?', desc = "mcpriv: show a tool's privileges" })
  cmd('McprivReport', function(a)
    M.report({ html = a.bang })
  end, { bang = true, desc = "mcpriv: the workspace's privilege map (! for the HTML page in a browser)" })
  cmd('McprivRestart', M.restart, { desc = 'mcpriv: restart the language server' })
  cmd('McprivStart', function()
    M.attach(0)
  end, { desc = 'mcpriv: start the language server for this buffer' })
  M._setup_done = true
end

return M
