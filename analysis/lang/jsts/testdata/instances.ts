import pg from "pg";
import { Pool, Client } from "pg";
import axios from "axios";
import { Octokit } from "@octokit/rest";
import Redis from "ioredis";

const c = new pg.Client({ host: "db.example.com", port: 5432 });
c.query("select 1");
const api = axios.create({ baseURL: "https://api.example.com" });
api.get("/users");
new Octokit().rest.issues.get({ owner: "o", repo: "r", issue_number: 1 });

async function conn() {
  const client = await new Pool().connect();
  await client.query("select 2");
}

class GitHub {
  private db: Pool;
  private cache = new Redis("redis://localhost:6379");
  constructor(private readonly pgc: Client) {
    this.client = new Octokit({ auth: "t" });
  }
  async repo(owner: string) {
    await this.client.rest.repos.get({ owner, repo: "x" });
    await this.db.query("select 3");
    await this.cache.get(owner);
    await this.pgc.query("select 4");
    return this.helper(owner);
  }
  helper(o: string) {
    return o;
  }
}

function withClient(client: Client, q: string) {
  return client.query(q);
}
