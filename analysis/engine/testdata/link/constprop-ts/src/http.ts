export async function getJSON(url: string) {
  const res = await fetch(url);
  return res.json();
}

export async function send(opts: { url: string; body: string }) {
  return fetch(opts.url, { method: "POST", body: opts.body });
}

export async function postTo(base: string) {
  // the parameter leads the URL: each caller's literal with the text
  // after it; the env read without a default keeps it open
  return fetch(`${base}/events`, { method: "POST" });
}
