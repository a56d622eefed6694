import { readFile } from "node:fs/promises";
export async function readNotes() {
    return readFile("/var/lib/shell-runner/notes.md", "utf8");
}
//# sourceMappingURL=notes.js.map
