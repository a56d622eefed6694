export async function getJSON(url: string) {
  const res = await fetch(url);
  return res.json();
}

export async function send(opts: { url: string; body: string }) {
  return fetch(opts.url, { method: "POST", body: opts.body });
}

export async function postTo(base: string) {
  // a composition of the parameter stays unknown
  return fetch(`${base}/events`, { method: "POST" });
}
