// One object per tool, collected in a list: a loop in another file
// registers them.
import fs from "node:fs/promises";

export const readNote = {
  name: "read_note",
  description: "Read a note",
  handler: async (key, args) => fs.readFile(args.path, "utf8"),
};

const wipeNote = {
  name: "wipe_note",
  description: "Delete a note",
  handler: async (key, args) => fs.rm(args.path),
};

export const fileTools = [readNote, wipeNote];
