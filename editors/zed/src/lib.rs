//! Zed extension that runs `mcpriv lsp`. Zed starts language servers only
//! from extensions; this one finds the binary and passes the user's
//! `lsp.mcpriv` settings through.
use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

struct Mcpriv;

impl zed::Extension for Mcpriv {
    fn new() -> Self {
        Mcpriv
    }

    fn language_server_command(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary);
        // `lsp.mcpriv.binary.path` wins; else mcpriv on the worktree's PATH
        // (which includes what the user's shell adds, e.g. ~/go/bin).
        let command = match binary.as_ref().and_then(|b| b.path.clone()) {
            Some(path) => path,
            None => worktree.which("mcpriv").ok_or_else(|| {
                "mcpriv not found on PATH: go install github.com/mcpriv/mcpriv/cmd/mcpriv@latest, \
                 or set lsp.mcpriv.binary.path"
                    .to_string()
            })?,
        };
        let args = binary
            .as_ref()
            .and_then(|b| b.arguments.clone())
            .unwrap_or_else(|| vec!["lsp".to_string()]);
        let mut env = worktree.shell_env();
        if let Some(extra) = binary.and_then(|b| b.env) {
            env.extend(extra);
        }
        Ok(zed::Command { command, args, env })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        // The server reads its "mcpriv" section from here as well.
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.initialization_options.or(s.settings)))
    }

    fn language_server_workspace_configuration(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.settings))
    }
}

zed::register_extension!(Mcpriv);
