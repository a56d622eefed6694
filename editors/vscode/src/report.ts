// The privilege map command: runs `mcpriv report --html FILE FOLDER` and
// shows the page. Kept free of the vscode API so it can be unit tested
// under plain Node.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The command line of `mcpriv report` for a workspace folder. */
export function reportArgs(folder: string, htmlFile: string): string[] {
  return ['report', '--no-progress', '--html', htmlFile, '--', folder];
}

/** A fresh file for the page, outside the workspace. */
export function reportFile(tmp: string = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'mcpriv-report-'));
  return path.join(dir, 'privilege-map.html');
}

/**
 * Runs the binary and returns the page's HTML. Errors carry mcpriv's own
 * message (stderr) so the user sees why.
 */
export function runReport(bin: string, folder: string, timeoutMs = 120000): Promise<string> {
  const file = reportFile();
  return new Promise((resolve, reject) => {
    execFile(bin, reportArgs(folder, file), { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, _stdout, stderr) => {
      if (err) {
        reject(new Error(String(stderr || err.message).trim()));
        return;
      }
      try {
        resolve(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        reject(e);
      } finally {
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
    });
  });
}
