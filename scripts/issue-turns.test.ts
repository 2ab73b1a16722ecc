import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createIssueTurns, isIssuing, YIELD_MS } from "@/scripts/issue-turns.mjs";

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

/** A server whose every request goes through a gate of `turns`; the handler reads the body and answers after `ms`. */
async function gated(turns: number, ms: number) {
  const seen = {
    inside: 0,
    most: 0,
    handled: [] as string[],
    bodies: new Map<string, number>(),
    refused: [] as string[],
  };
  const gate = createIssueTurns(
    turns,
    (req, res) => {
      seen.handled.push(req.url as string);
      seen.most = Math.max(seen.most, ++seen.inside);
      let length = 0;
      req.on("data", (c: Buffer) => {
        length += c.length;
      });
      req.on("end", () => {
        seen.bodies.set(req.url as string, length);
        setTimeout(() => {
          seen.inside--;
          res.end("issued");
        }, ms);
      });
    },
    (req, res, status, message) => {
      seen.refused.push(`${req.url} ${status} ${message}`);
      res.writeHead(status, { Connection: "close" });
      res.end(message);
    },
  );
  const server = createServer({ highWaterMark: 128 * 1024 }, (req, res) => gate(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  /** POSTs `body` (or only its first `sendOnly` bytes, the rest never); answers "<status> <text>", or "left". */
  const post = (path: string, opts: { body?: Buffer; sendOnly?: number; abortAfterMs?: number } = {}) =>
    new Promise<string>((resolve) => {
      const body = opts.body ?? Buffer.from('{"days":30}');
      const r = request(
        { host: "127.0.0.1", port, path, method: "POST", agent: false, headers: { "content-length": body.length } },
        (res) => {
          let text = "";
          res.on("data", (c) => {
            text += c;
          });
          res.on("end", () => resolve(`${res.statusCode} ${text}`));
        },
      );
      r.on("error", () => resolve("left"));
      if (opts.sendOnly === undefined) r.end(body);
      else r.write(body.subarray(0, opts.sendOnly));
      if (opts.abortAfterMs !== undefined) setTimeout(() => r.destroy(), opts.abortAfterMs);
    });
  /** POSTs `size` bytes chunked, without a length, in 10 KB pieces 5 ms apart. */
  const postChunked = (size: number) =>
    new Promise<string>((resolve) => {
      const r = request({ host: "127.0.0.1", port, path: `/chunked-${size}`, method: "POST", agent: false }, (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve(`${res.statusCode} ${text}`));
      });
      r.on("error", () => resolve("left"));
      let sent = 0;
      const tick = setInterval(() => {
        if (sent >= size || r.destroyed) {
          clearInterval(tick);
          if (!r.destroyed) r.end();
          return;
        }
        r.write(Buffer.alloc(Math.min(10_000, size - sent), 0x62));
        sent += 10_000;
      }, 5);
    });
  return { seen, post, postChunked, close: () => server.close() };
}

test("at most `turns` requests are handled at once, each with its whole body; one whose client left while waiting is never handled", async () => {
  const { seen, post, close } = await gated(2, 60);
  try {
    const answers = await Promise.all([
      post("/1"),
      post("/2"),
      post("/3"),
      post("/gone", { abortAfterMs: 20 }),
      post("/4", { body: Buffer.alloc(12_000, 0x61) }),
      post("/5"),
    ]);
    assert.deepEqual(answers, ["200 issued", "200 issued", "200 issued", "left", "200 issued", "200 issued"]);
    assert.equal(seen.most, 2);
    // Connections may be accepted in another order than they were opened: compare as a set.
    assert.deepEqual(seen.handled.sort(), ["/1", "/2", "/3", "/4", "/5"]);
    assert.equal(seen.bodies.get("/4"), 12_000);
    assert.equal(seen.bodies.get("/1"), 11);
  } finally {
    close();
  }
});

test("while another request is answered, issuances enter one at a time, YIELD_MS apart unless it ends; then `turns` at a time again", async () => {
  const entered: { path: string; at: number }[] = [];
  let endList = () => {};
  let listing = false;
  let issuing = 0;
  let most = 0;
  const gate = createIssueTurns(
    2,
    (req, res) => {
      if (req.url === "/list") {
        listing = true;
        endList = () => {
          listing = false;
          res.end("listed");
        };
        return;
      }
      most = Math.max(most, ++issuing);
      entered.push({ path: req.url as string, at: performance.now() });
      req.resume();
      req.on("end", () =>
        setTimeout(() => {
          issuing--;
          res.end("issued");
        }, 5),
      );
    },
    (_req, res, status, message) => {
      res.writeHead(status);
      res.end(message);
    },
  );
  const server = createServer((req, res) => (req.url === "/list" ? gate.beside(req, res) : gate(req, res)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const send = (path: string, method: string) =>
    new Promise<string>((resolve, reject) => {
      const r = request({ host: "127.0.0.1", port, path, method, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(`${path} ${res.statusCode}`));
      });
      r.on("error", reject);
      r.end(method === "POST" ? "{}" : undefined);
    });
  try {
    const list = send("/list", "GET");
    while (!listing) await new Promise((r) => setTimeout(r, 5));
    const during = await Promise.all([send("/a", "POST"), send("/b", "POST"), send("/c", "POST")]);
    assert.deepEqual(during, ["/a 200", "/b 200", "/c 200"]);
    assert.equal(most, 1, "two issuances ran at once while the list was being answered");
    // the first entered at once (none had for a while); each next one waited YIELD_MS after the last
    for (let i = 1; i < entered.length; i++) {
      const gap = entered[i].at - entered[i - 1].at;
      assert.ok(gap >= YIELD_MS - 2, `an issuance entered ${gap.toFixed(1)} ms after the last, with the list open`);
    }
    // one waiting behind the open list enters as soon as the list is answered, not YIELD_MS later
    const waiting = send("/g", "POST");
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(entered.length, 3, "an issuance entered within YIELD_MS of the last, with the list open");
    const ended = performance.now();
    endList();
    await list;
    await waiting;
    assert.ok(entered[3].at - ended < YIELD_MS / 2, "the waiting issuance did not enter when the list ended");
    await Promise.all([send("/d", "POST"), send("/e", "POST"), send("/f", "POST")]);
    assert.equal(most, 2, "with nothing else in flight, two issuances take turns together");
  } finally {
    endList();
    server.closeAllConnections();
    server.close();
  }
});

test("a body that never arrives holds no turn, and one larger than 128 KB is refused before taking one", async () => {
  const { seen, post, postChunked, close } = await gated(1, 10);
  try {
    const stalled = post("/stalled", { body: Buffer.alloc(2_000, 0x61), sendOnly: 100, abortAfterMs: 1_500 });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    assert.equal(await post("/prompt"), "200 issued");
    assert.ok(Date.now() - started < 1_000, "the prompt request did not wait for the stalled one");
    // Said to be larger than the limit: refused at once, unread. (The client may see the connection
    // reset before it reads the answer, as with any refusal of a body still being sent: the server's
    // side is what is checked.)
    await post("/big", { body: Buffer.alloc(200_000, 0x61), sendOnly: 1_000, abortAfterMs: 3_000 });
    // A body of unstated length (chunked) is waited for until it is whole or fills the buffer.
    await postChunked(200_000);
    assert.deepEqual(seen.refused, [
      "/big 413 An issuance request's body is at most 128 KB.",
      "/chunked-200000 413 An issuance request's body is at most 128 KB.",
    ]);
    assert.equal(await postChunked(90_000), "200 issued");
    assert.equal(await stalled, "left");
    assert.deepEqual(seen.handled, ["/prompt", "/chunked-90000"]);
    assert.equal(seen.bodies.get("/chunked-90000"), 90_000);
  } finally {
    close();
  }
});
