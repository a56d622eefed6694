-- :checkhealth mcpriv
local M = {}

-- 0.7/0.8 have require('health').report_*; 0.9+ vim.health.*; 0.11 drops report_*.
local h = vim.health or require('health')
local start = h.start or h.report_start
local ok = h.ok or h.report_ok
local warn = h.warn or h.report_warn
local err = h.error or h.report_error
local info = h.info or h.report_info

function M.check()
  start('mcpriv: Neovim')
  local v = vim.version()
  local vs = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.7') == 1 then
    ok('Neovim ' .. vs .. (vim.lsp.start and ' (vim.lsp.start)' or ' (vim.lsp.start_client, 0.7 mode)'))
  else
    err('Neovim ' .. vs .. ' is too old: mcpriv needs 0.7 or later')
  end

  start('mcpriv: setup')
  local mcpriv = require('mcpriv')
  if not mcpriv._setup_done then
    warn('require("mcpriv").setup{} has not been called', { 'Add require("mcpriv").setup{} to your init.lua' })
    mcpriv.config = mcpriv.config or vim.deepcopy(mcpriv.defaults)
  else
    ok('setup() called; filetypes: ' .. table.concat(mcpriv.config.filetypes, ', '))
  end

  start('mcpriv: server binary')
  local cmd = mcpriv.config.cmd
  local bin, tried
  if cmd then
    bin = vim.fn.exepath(cmd[1])
    if bin == '' then
      bin, tried = nil, { cmd[1] }
    end
  else
    bin, tried = mcpriv.find_binary()
  end
  if not bin then
    err('mcpriv not found (tried ' .. table.concat(tried or {}, ', ') .. ')', {
      'go install github.com/mcpriv/mcpriv/cmd/mcpriv@latest',
      'or set path = "/path/to/mcpriv" in setup()',
    })
  else
    local out = vim.fn.system({ bin, '--version' })
    if vim.v.shell_error == 0 then
      ok(bin .. ': ' .. vim.trim(out))
    else
      warn(bin .. ' --version failed: ' .. vim.trim(out))
    end
  end

  start('mcpriv: clients')
  local clients = mcpriv.config and mcpriv.clients() or {}
  if #clients == 0 then
    info('no mcpriv client running (open a JS/TS, Python or Go file of an MCP server)')
  end
  for _, c in ipairs(clients) do
    local n = 0
    for _ in pairs(c.attached_buffers or {}) do
      n = n + 1
    end
    ok(string.format('client %d, root %s, %d buffer(s)%s', c.id, c.config.root_dir or '?', n,
      c.is_stopped() and ' (stopped)' or ''))
  end
end

return M
