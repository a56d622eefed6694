// The instance is passed on to a helper, which calls it.
export async function listItems(http, q) {
  return get(http, "/items?q=" + encodeURIComponent(q));
}

async function get(client, path) {
  const { data } = await client.get(path);
  return data;
}
