// The client arrives as a parameter: its methods are the cluster's API.
export async function search(esClient, index, q) {
  const mapping = await esClient.indices.getMapping({ index });
  const res = await esClient.search({ index, query: { match: { text: q } } });
  return { mapping, res };
}
