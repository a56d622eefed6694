import { exec } from "node:child_process";
export function runCommand(command) {
    return new Promise((resolve, reject) => {
        exec(command, { timeout: 30000 }, (error, stdout, stderr) => {
            if (error) {
                reject(new Error(`${error.message}\n${stderr}`));
                return;
            }
            resolve(stdout);
        });
    });
}
//# sourceMappingURL=shell.js.map
