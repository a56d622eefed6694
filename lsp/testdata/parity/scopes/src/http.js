// A helper whose URL parameter is passed on unchanged: constant
// propagation gives the call the scopes of its callers' literals.
export async function get(url) {
  return fetch(url);
}

// The API base comes from the environment, with a literal default.
const API = process.env.WEATHER_API_URL ?? "https://api.weather.example";

export async function forecast(city) {
  return fetch(API + "/forecast?city=" + encodeURIComponent(city));
}
