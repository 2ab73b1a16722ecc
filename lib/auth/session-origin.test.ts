import assert from "node:assert/strict";
import { test } from "node:test";
import { sessionRequestRefusal } from "@/lib/auth/session-origin";

// What a request carrying the session cookie may do, by where the browser says it came from.
const request = (method: string, headers: Record<string, string>) =>
  new Request("https://pki.example.com/api/v1/certificates/c1/bundle.zip", {
    method,
    headers: { host: "pki.example.com", ...headers },
  });
const refused = (method: string, headers: Record<string, string>) =>
  sessionRequestRefusal(request(method, headers), { pagesOnly: true });

test("a download by session: from the dashboard's pages, a bookmark or a typed URL; never from another site", () => {
  assert.equal(refused("GET", { "sec-fetch-site": "same-origin" }), null, "a link on the dashboard's own pages");
  assert.equal(refused("GET", { "sec-fetch-site": "none" }), null, "a bookmark or a typed URL");
  assert.equal(refused("GET", {}), null, "curl or an older browser, as before");
  for (const site of ["cross-site", "same-site"]) {
    assert.match(
      String(refused("GET", { "sec-fetch-site": site })),
      /^A link from another site cannot download with your dashboard session: start the download on the dashboard's page\.$/,
      site,
    );
    assert.equal(refused("HEAD", { "sec-fetch-site": site }), null, "HEAD records nothing");
  }
  // routes that record nothing (ca.pem, crl.pem, a job's progress) take a link from anywhere
  const plain = new Request("https://pki.example.com/api/v1/ca.pem", {
    headers: { host: "pki.example.com", "sec-fetch-site": "cross-site" },
  });
  assert.equal(sessionRequestRefusal(plain), null);
});

test("a session request that makes something needs the dashboard's own Origin, whatever Sec-Fetch-Site says", () => {
  const origin = { origin: "https://pki.example.com" };
  assert.equal(refused("POST", { ...origin, "sec-fetch-site": "same-origin" }), null);
  assert.equal(refused("POST", origin), null);
  assert.match(String(refused("POST", {})), /must come from the dashboard's own pages/);
  assert.match(String(refused("POST", { origin: "https://evil.example" })), /must come from the dashboard's own pages/);
  assert.match(String(refused("POST", { origin: "null", "sec-fetch-site": "none" })), /dashboard's own pages/);
  assert.notEqual(refused("POST", { ...origin, "sec-fetch-site": "cross-site" }), null);
});
