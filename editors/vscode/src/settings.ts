// The "mcpriv" settings section as the language server reads it (in
// initializationOptions, workspace/configuration and
// workspace/didChangeConfiguration). Client-only settings (path, trace) are
// left out so the server sees exactly its own schema.

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface ServerSettings {
  severity: Record<string, Severity>;
  excludes: string[];
  showDeclared: boolean;
  ruleDirs: string[];
  maxFileSize: number;
}

/** Reads one setting; the shape of vscode.WorkspaceConfiguration.get. */
export type Getter = <T>(key: string, fallback: T) => T;

const severities = new Set(['error', 'warning', 'info', 'hint']);

export const defaultMaxFileSize = 16 << 20;

/** Builds the server's settings from the user's, dropping malformed values
 * (settings.json is hand-edited) instead of passing them on. */
export function serverSettings(get: Getter): ServerSettings {
  const severity: Record<string, Severity> = {};
  const rawSev = get<unknown>('severity', {});
  if (rawSev && typeof rawSev === 'object' && !Array.isArray(rawSev)) {
    for (const [k, v] of Object.entries(rawSev as Record<string, unknown>)) {
      if (typeof v === 'string' && severities.has(v.toLowerCase())) {
        severity[k] = v.toLowerCase() as Severity;
      }
    }
  }
  const strings = (key: string): string[] => {
    const v = get<unknown>(key, []);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  };
  const max = get<unknown>('maxFileSize', defaultMaxFileSize);
  const showDeclared = get<unknown>('showDeclared', true);
  return {
    severity,
    excludes: strings('excludes'),
    showDeclared: typeof showDeclared === 'boolean' ? showDeclared : true,
    ruleDirs: strings('ruleDirs'),
    maxFileSize: typeof max === 'number' && Number.isFinite(max) && max > 0 ? Math.floor(max) : defaultMaxFileSize,
  };
}

/** Settings whose change needs a new server process rather than a
 * didChangeConfiguration notification. */
export const restartKeys = ['mcpriv.path'];

/** Extracts the markdown text of a command result: a string, a MarkupContent
 * ({kind, value}) or an object with a `markdown` field. */
export function markdownOf(result: unknown): string | undefined {
  if (typeof result === 'string') {
    return result;
  }
  if (result && typeof result === 'object') {
    const r = result as Record<string, unknown>;
    for (const k of ['markdown', 'value', 'contents']) {
      if (typeof r[k] === 'string') {
        return r[k] as string;
      }
    }
  }
  return undefined;
}
