import axios from "axios";
import Redis from "ioredis";
import { Pool } from "pg";
import { spawn } from "node:child_process";

export const pool = new Pool({ host: "db.internal" });
export const api = axios.create({ baseURL: "https://api.weather.example" });

export function getRedis() {
  return new Redis("redis://cache.internal:6379");
}

export class Jobs {
  constructor() {
    this.child = spawn("worker", ["--serve"]);
  }
  handle() {
    return this.child;
  }
}

// A look-alike: a kill method on something that is not a process.
export class Timer {
  kill() {
    return 0;
  }
}

export const timer = new Timer();
export default new Pool({ host: "replica.internal" });
