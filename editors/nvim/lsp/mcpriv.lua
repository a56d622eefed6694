-- Neovim 0.11+ `vim.lsp.config` definition: with this plugin on the
-- runtimepath, `vim.lsp.enable('mcpriv')` is enough (no setup() needed).
return {
  cmd = { 'mcpriv', 'lsp' },
  filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'python', 'go', 'yaml' },
  root_markers = { 'mcp-capabilities.yaml', 'package.json', 'pyproject.toml', 'go.mod', '.git' },
  settings = { mcpriv = { showDeclared = true } },
}
