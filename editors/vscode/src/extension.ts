// VS Code client for `mcpriv lsp`. The server does the analysis; this file
// finds and starts it, forwards settings, gives its commands a UI and keeps a
// status-bar item.
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction,
  DocumentSelector,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { runReport } from './report';
import { ensureBundledExecutable, findServer, ServerLocation, ServerNotFoundError } from './serverPath';
import { markdownOf, restartKeys, serverSettings } from './settings';

const section = 'mcpriv';
const manifestGlob = '**/mcp-capabilities.{yaml,yml}';

// The server's commands (executeCommandProvider). vscode-languageclient
// registers them as VS Code commands when the server advertises them; the
// middleware below adds the UI around them.
const cmdScan = 'mcpriv.scanWorkspace';
const cmdGenerate = 'mcpriv.generateManifest';
const cmdShowTool = 'mcpriv.showToolPrivileges';
// Ours, not the server's: it runs `mcpriv report` (docs/cli.md).
const cmdReport = 'mcpriv.openPrivilegeMap';

export const selector: DocumentSelector = [
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'javascriptreact' },
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'typescriptreact' },
  { scheme: 'file', language: 'python' },
  { scheme: 'file', language: 'go' },
  { scheme: 'file', pattern: manifestGlob },
];

// Markdown answers of mcpriv.showToolPrivileges, served read-only.
const toolScheme = 'mcpriv-tool';
const toolDocs = new Map<string, string>();
const toolDocsChanged = new vscode.EventEmitter<vscode.Uri>();

let client: LanguageClient | undefined;
let server: ServerLocation | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let ctx: vscode.ExtensionContext;

function settings(scope?: vscode.Uri) {
  const cfg = vscode.workspace.getConfiguration(section, scope);
  return serverSettings((key, fallback) => cfg.get(key, fallback));
}

function log(msg: string) {
  output.appendLine(`[${new Date().toISOString()}] ${msg}`);
}

export async function activate(context: vscode.ExtensionContext) {
  ctx = context;
  output = vscode.window.createOutputChannel('mcpriv');
  status = vscode.window.createStatusBarItem('mcpriv.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'mcpriv';
  status.command = 'mcpriv.menu';
  context.subscriptions.push(output, status, toolDocsChanged);
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(toolScheme, {
      onDidChange: toolDocsChanged.event,
      provideTextDocumentContent: (uri) => toolDocs.get(uri.toString()) ?? '',
    }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand('mcpriv.restartServer', restart),
    vscode.commands.registerCommand('mcpriv.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('mcpriv.menu', menu),
    vscode.commands.registerCommand(cmdReport, openReport),
    vscode.workspace.onDidChangeConfiguration(onConfigChange),
    vscode.window.onDidChangeActiveTextEditor(updateStatus),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active && e.uris.some((u) => u.toString() === active)) {
        updateStatus();
      }
    }),
  );
  await start();
}

export async function deactivate() {
  await stop();
}

async function start() {
  ensureBundledExecutable(ctx.extensionPath);
  try {
    server = findServer({
      configured: vscode.workspace.getConfiguration(section).get<string>('path', ''),
      extensionPath: ctx.extensionPath,
    });
  } catch (e) {
    server = undefined;
    const msg = e instanceof ServerNotFoundError ? e.message : String(e);
    log(msg);
    setStatus('error', msg);
    const choice = await vscode.window.showErrorMessage(msg, 'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'mcpriv.path');
    }
    return;
  }
  log(`starting ${server.path} lsp (found via ${server.source})`);

  // No `transport`: it is stdio anyway, and TransportKind.stdio would append
  // --stdio, which older servers may reject.
  const serverOptions: ServerOptions = {
    command: server.path,
    args: ['lsp'],
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: selector,
    outputChannel: output,
    initializationOptions: { [section]: settings() },
    synchronize: {
      // Manifest edits made outside the editor (git checkout, `mcpriv
      // manifest`) change every diagnostic: tell the server.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher(manifestGlob),
        vscode.workspace.createFileSystemWatcher('**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,py,go}'),
      ],
    },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        setStatus('error', 'The mcpriv server stopped. Run "mcpriv: Restart Language Server".');
        return { action: CloseAction.DoNotRestart, message: 'The mcpriv language server stopped; see the mcpriv output.' };
      },
    },
    middleware: {
      workspace: {
        // Answer workspace/configuration for our section with the server's
        // shape, not the raw settings tree.
        configuration: async (params, token, next) => {
          const res = await next(params, token);
          if (!Array.isArray(res)) {
            return res;
          }
          return params.items.map((item, i) =>
            item.section === section ? settings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : res[i],
          );
        },
      },
      executeCommand: async (command, args, next) => {
        switch (command) {
          case cmdScan:
            return scanWorkspace(args, next);
          case cmdGenerate:
            return generateManifest(args, next);
          case cmdShowTool:
            return showToolPrivileges(args, next);
        }
        return next(command, args);
      },
    },
  };

  client = new LanguageClient(section, 'mcpriv', serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    switch (e.newState) {
      case State.Starting:
        setStatus('starting');
        break;
      case State.Running:
        setStatus('running');
        break;
      case State.Stopped:
        setStatus('stopped');
        break;
    }
  });
  setStatus('starting');
  try {
    await client.start();
    void vscode.commands.executeCommand('setContext', 'mcpriv.serverRunning', true);
    log(`server running: ${client.initializeResult?.serverInfo?.name ?? 'mcpriv'} ${client.initializeResult?.serverInfo?.version ?? ''}`);
  } catch (e) {
    log(`server failed to start: ${e}`);
    setStatus('error', `mcpriv failed to start: ${e}`);
    void vscode.window.showErrorMessage(`mcpriv: the language server failed to start (${server.path}). See the mcpriv output.`, 'Show Output')
      .then((c) => c && output.show(true));
  }
}

async function stop() {
  void vscode.commands.executeCommand('setContext', 'mcpriv.serverRunning', false);
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(5000);
    } catch (e) {
      log(`stopping the server: ${e}`);
    }
  }
}

async function restart() {
  log('restarting');
  await stop();
  await start();
}

async function onConfigChange(e: vscode.ConfigurationChangeEvent) {
  if (!e.affectsConfiguration(section)) {
    return;
  }
  if (restartKeys.some((k) => e.affectsConfiguration(k))) {
    await restart();
    return;
  }
  if (client?.state === State.Running) {
    await client.sendNotification('workspace/didChangeConfiguration', { settings: { [section]: settings() } });
  }
}

type Next = (command: string, args: unknown[]) => vscode.ProviderResult<unknown>;

async function scanWorkspace(args: unknown[], next: Next) {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'mcpriv: scanning the workspace…' },
    () => Promise.resolve(next(cmdScan, args)),
  );
  const text = markdownOf(result);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  void vscode.window.showInformationMessage(text ? `mcpriv: ${firstLine(text)}` : 'mcpriv: workspace scanned; findings are in the Problems panel.');
  return result;
}

async function generateManifest(args: unknown[], next: Next) {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'mcpriv: generating mcp-capabilities.yaml…' },
    () => Promise.resolve(next(cmdGenerate, args)),
  );
  // The server writes the file (directly or by workspace/applyEdit); open it
  // so the user sees and can trim what was generated.
  let target: vscode.Uri | undefined;
  const text = markdownOf(result);
  if (text && /mcp-capabilities\.ya?ml$/.test(text.trim())) {
    const t = text.trim();
    target = t.startsWith('file:') ? vscode.Uri.parse(t) : vscode.Uri.file(t);
  } else {
    const found = await vscode.workspace.findFiles(manifestGlob, '**/node_modules/**', 10);
    target = found.sort((a, b) => a.fsPath.length - b.fsPath.length)[0];
  }
  if (target) {
    await vscode.window.showTextDocument(target, { preview: false });
  } else if (text) {
    void vscode.window.showInformationMessage(`mcpriv: ${firstLine(text)}`);
  }
  return result;
}

async function showToolPrivileges(args: unknown[], next: Next) {
  let tool = typeof args[0] === 'string' ? args[0] : undefined;
  if (!tool) {
    tool = await pickTool();
    if (!tool) {
      return undefined;
    }
  }
  const result = await next(cmdShowTool, [tool]);
  const md = markdownOf(result);
  if (!md) {
    void vscode.window.showWarningMessage(`mcpriv: no privileges known for tool "${tool}".`);
    return result;
  }
  // A read-only virtual document (no "save changes?" on close), shown as a
  // rendered Markdown preview where the Markdown extension is present.
  const uri = vscode.Uri.from({ scheme: toolScheme, path: `/${tool}.md` });
  toolDocs.set(uri.toString(), md);
  toolDocsChanged.fire(uri);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
  return result;
}

// Tool names come from the server's code lenses (one per tool registration)
// in the open documents; the user can also type a name.
async function pickTool(): Promise<string | undefined> {
  const names = new Set<string>();
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.scheme !== 'file' || !vscode.languages.match(selector as vscode.DocumentSelector, doc)) {
      continue;
    }
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
    for (const l of lenses ?? []) {
      const a = l.command?.command === cmdShowTool ? l.command.arguments?.[0] : undefined;
      if (typeof a === 'string') {
        names.add(a);
      }
    }
  }
  const qp = vscode.window.createQuickPick();
  qp.title = 'mcpriv: show the privileges of a tool';
  qp.placeholder = names.size ? 'Pick a tool, or type its name' : 'Type the name of an MCP tool';
  const base = [...names].sort().map((label) => ({ label }));
  qp.items = base;
  qp.onDidChangeValue((v) => {
    qp.items = v && !names.has(v) ? [{ label: v, description: 'tool name' }, ...base] : base;
  });
  return new Promise((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]?.label ?? (qp.value || undefined));
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

// openReport shows the workspace's privilege map (`mcpriv report --html`)
// in a web view; the page has no script, so none is enabled.
async function openReport() {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    await vscode.window.showErrorMessage('mcpriv: open a folder to see its privilege map.');
    return;
  }
  if (!server) {
    await vscode.window.showErrorMessage('mcpriv: the mcpriv binary was not found (see the mcpriv.path setting).');
    return;
  }
  const bin = server.path;
  try {
    const html = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'mcpriv: building the privilege map…' },
      () => runReport(bin, folder),
    );
    const panel = vscode.window.createWebviewPanel('mcprivReport', `Privilege map: ${path.basename(folder)}`, vscode.ViewColumn.Active, {
      enableScripts: false,
      enableFindWidget: true,
    });
    panel.webview.html = html;
    log(`privilege map of ${folder} shown`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log(`mcpriv report failed: ${msg}`);
    await vscode.window.showErrorMessage(`mcpriv report failed: ${msg}`);
  }
}

async function menu() {
  const running = client?.state === State.Running;
  const items: (vscode.QuickPickItem & { cmd: string })[] = [
    ...(running
      ? [
          { label: '$(search) Scan Workspace', cmd: cmdScan },
          { label: '$(file-add) Generate Least-Privilege Manifest', cmd: cmdGenerate },
          { label: '$(shield) Show a Tool\'s Privileges', cmd: cmdShowTool },
        ]
      : []),
    { label: '$(table) Open Privilege Map', cmd: cmdReport },
    { label: '$(debug-restart) Restart Language Server', cmd: 'mcpriv.restartServer' },
    { label: '$(output) Show Output', cmd: 'mcpriv.showOutput' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'mcpriv' });
  if (pick) {
    await vscode.commands.executeCommand(pick.cmd);
  }
}

type StatusState = 'starting' | 'running' | 'stopped' | 'error';
let statusState: StatusState = 'stopped';
let statusDetail = '';

function setStatus(state: StatusState, detail = '') {
  statusState = state;
  statusDetail = detail;
  updateStatus();
}

// The status bar says whether the server runs and, for the active file, how
// many privileged calls mcpriv reports in it, by class.
function updateStatus() {
  const where = server ? `${server.path} (${server.source})` : 'not found';
  switch (statusState) {
    case 'starting':
      status.text = '$(sync~spin) mcpriv';
      status.tooltip = `mcpriv: starting ${where}`;
      status.backgroundColor = undefined;
      break;
    case 'stopped':
      status.text = '$(circle-slash) mcpriv';
      status.tooltip = 'mcpriv: the language server is not running';
      status.backgroundColor = undefined;
      break;
    case 'error':
      status.text = '$(error) mcpriv';
      status.tooltip = statusDetail || 'mcpriv: error';
      status.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      break;
    case 'running': {
      status.backgroundColor = undefined;
      const doc = vscode.window.activeTextEditor?.document;
      const diags = doc ? vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'mcpriv') : [];
      const byClass = new Map<string, number>();
      for (const d of diags) {
        const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
        const cls = code.includes('.') ? code.split('.')[0] : code || 'other';
        byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
      }
      const problems = diags.filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning).length;
      status.text = problems > 0 ? `$(shield) mcpriv ${problems}` : '$(shield) mcpriv';
      const lines = [...byClass].sort().map(([k, n]) => `${k}: ${n}`);
      status.tooltip = new vscode.MarkdownString(
        [`**mcpriv** — server ${where}`, '',
          doc ? `${path.basename(doc.uri.fsPath)}: ${diags.length} privileged use(s), ${problems} needing attention` : '',
          ...lines.map((l) => `- ${l}`)].join('\n'),
      );
      break;
    }
  }
  status.show();
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/^#+\s*/, '').slice(0, 200);
}

// Exported for tests and for other extensions that want to drive the server.
export function executeServerCommand(command: string, args: unknown[] = []) {
  if (!client) {
    return Promise.reject(new Error('mcpriv is not running'));
  }
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}
