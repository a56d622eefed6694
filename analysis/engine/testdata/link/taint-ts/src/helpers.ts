import { readFile } from "fs/promises";

export async function readIt(p: string) {
  return readFile(p, "utf8");
}
