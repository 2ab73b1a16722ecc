import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createIssueTurns, isIssuing } from "@/scripts/issue-turns.mjs";

test("the issuing API routes take turns; everything else goes straight through", () => {
  const req = (method: string, url: string) => ({ method, url }) as Parameters<typeof isIssuing>[0];
  for (const url of [
    "/api/v1/hosts/3f2a/certificates",
    "/api/v1/clients/x/certificates?days=2",
    "/api/v1/certificates/x/reissue",
    "/api/v1/renew",
    "/api/v1/enroll",
  ]) {
    assert.equal(isIssuing(req("POST", url)), true, url);
  }
  for (const [method, url] of [
    ["GET", "/api/v1/hosts/3f2a/certificates"],
    ["POST", "/api/v1/hosts"],
    ["POST", "/api/v1/certificates/x/revoke"],
    ["POST", "/api/v1/renew/report"],
    ["GET", "/api/v1/certificates/x/bundle.zip"],
    ["POST", "/hosts/3f2a"],
  ]) {
    assert.equal(isIssuing(req(method, url)), false, `${method} ${url}`);
  }
});

test("at most `turns` requests are handled at once, the rest after them; one whose client left while waiting is never handled", async () => {
  let inside = 0;
  let most = 0;
  const handled: string[] = [];
  const gate = createIssueTurns(2, (req, res) => {
    handled.push(req.url as string);
    most = Math.max(most, ++inside);
    setTimeout(() => {
      inside--;
      res.end("issued");
    }, 60);
  });
  const server = createServer((req, res) => gate(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const post = (path: string, abortAfterMs?: number) =>
    new Promise<string>((resolve) => {
      const r = request({ host: "127.0.0.1", port, path, method: "POST", agent: false }, (res) => {
        let body = "";
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve(body));
      });
      r.on("error", () => resolve("left"));
      r.end();
      if (abortAfterMs !== undefined) setTimeout(() => r.destroy(), abortAfterMs);
    });
  try {
    const answers = await Promise.all([post("/1"), post("/2"), post("/3"), post("/gone", 20), post("/4"), post("/5")]);
    assert.deepEqual(answers, ["issued", "issued", "issued", "left", "issued", "issued"]);
    assert.equal(most, 2);
    // Connections may be accepted in another order than they were opened: compare as a set.
    assert.deepEqual(handled.sort(), ["/1", "/2", "/3", "/4", "/5"]);
  } finally {
    server.close();
  }
});
