// Configuration values other files read (File.Constants): members of
// constant objects at any depth, the object an exported getter returns,
// and look-alikes that must not become constants.
import fs from "fs";

export const API_BASE = "https://api.example.com";

export const CONFIG = {
  api: { baseUrl: "https://cfg.example.com", version: "v2" },
  fromEnv: process.env.ACME_URL || "https://acme.example.com",
  noDefault: process.env.ACME_TOKEN,
  retries: 3,
} as const;

// Written below: not a constant.
export const SETTINGS = { url: "https://settings.example.com", other: "https://o.example.com" };
export function configure(u: string) {
  SETTINGS.url = u;
}

// Merged into: none of its members is a constant.
export const OPTIONS = { url: "https://options.example.com" };
export function init(o: object) {
  Object.assign(OPTIONS, o);
}

export function getConfig() {
  return { baseUrl: process.env.SVC_URL ?? "https://svc.example.com", token: process.env.SVC_TOKEN };
}

// Two returns that disagree: no constant.
export function pick(prod: boolean) {
  if (prod) return { url: "https://prod.example.com", same: "https://same.example.com" };
  return { url: "https://dev.example.com", same: "https://same.example.com" };
}

// A spread of what a file holds: no constant.
export function loadConfig() {
  return { url: "https://load.example.com", ...JSON.parse(fs.readFileSync("c.json", "utf8")) };
}

export async function ping() {
  const { baseUrl } = getConfig();
  return fetch(`${baseUrl}/ping`);
}

// A client whose base is its constructor's parameter: the value starts
// with it (Arg.Lead), the link follows the callers' literals.
export class Client {
  private baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }
  list(p: string) {
    return fetch(`${this.baseUrl}/v1/items/${p}`);
  }
  one(id: string) {
    return fetch(this.baseUrl + "/v1/one/" + id);
  }
}

// Static properties: a literal one is a constant (Api.BASE), one written
// elsewhere is not.
export class Api {
  static readonly BASE = "https://static.example.com";
  static MOVABLE = "https://movable.example.com";
  static point(u: string) {
    Api.MOVABLE = u;
  }
  list() {
    return fetch(`${Api.BASE}/list`);
  }
}
