import { promises as fs } from "node:fs";
import * as path from "node:path";

const ROOT = "/var/lib/notes";

export async function saveNote(name: string, text: string): Promise<void> {
  const file = path.join(ROOT, name);
  await fs.mkdir(ROOT, { recursive: true });
  await fs.writeFile(file, text, "utf8");
}

export async function listNotes(): Promise<string[]> {
  return fs.readdir(ROOT);
}

export function wipe(): void {
  // mcpriv-ignore: file.delete -- maintenance helper, never exposed as a tool
  fs.rm(ROOT, { recursive: true });
}

export function unexplained(): void {
  fs.unlink("/tmp/x"); // mcpriv-ignore: file.delete
}
