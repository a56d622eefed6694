// Note storage on the local disk. Tools pass paths through here; the
// notes directory comes from the environment at start-up.
import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";

export const NOTES_DIR = process.env.NOTES_DIR ?? path.join(process.cwd(), "notes");

export async function saveNote(notePath: string, content: string): Promise<number> {
  await mkdir(path.dirname(notePath), { recursive: true });
  await writeFile(notePath, content, "utf8");
  return Buffer.byteLength(content);
}

export async function loadNote(notePath: string): Promise<string> {
  return readFile(notePath, "utf8");
}

export async function listNotes(dir: string = NOTES_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".md")).map((e) => e.name);
}

export async function moveToArchive(notePath: string): Promise<string> {
  const target = path.join(NOTES_DIR, "archive", path.basename(notePath));
  await mkdir(path.dirname(target), { recursive: true });
  await rename(notePath, target);
  return target;
}
