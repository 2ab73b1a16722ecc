// The dashboard's HTTP server: Next's request handler behind the few checks that need Node's own
// request, before Next (or anything a client sent) can speak for it:
// - the peer address: only the socket knows it. Next copies it into X-Forwarded-For only when the
//   request has none, so that header alone lets any client choose its address. The socket address
//   goes into a header of ours, stamped with a secret of this process (lib/auth/client-address.ts
//   checks both), and whatever a client sent under that name is dropped.
// - request bodies over 1 MiB are refused with 413 before a byte of them is read (outside /api a
//   body must say its length: 411);
// - TRACE answers 405 (Node's parser already refuses TRACK and other unknown methods with 400);
// - an issuance is answered uncompressed (below).
// `npm start` (scripts/start.mjs) and `npm run dev` run it; `node scripts/server.mjs [--dev]`.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { createIssueTurns, isIssuing, issueTurnsFromEnv } from "./issue-turns.mjs";

// The same names and limit as lib/auth/client-address.ts and app/api/v1/_lib/handler.ts.
const PEER_HEADER = "x-dockpki-peer";
const PEER_TOKEN = Symbol.for("dockpki.peer-token");
const MAX_BODY_BYTES = 1024 * 1024;

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT || 3000);
const token = randomBytes(18).toString("base64url");
globalThis[PEER_TOKEN] = token;

/** A refusal in the shape of the JSON API under /api, plain text elsewhere. */
function refuse(req, res, status, message, headers = {}) {
  const api = (req.url ?? "").startsWith("/api/");
  res.writeHead(status, {
    "Content-Type": api ? "application/json" : "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
    Connection: "close",
    ...headers,
  });
  res.end(api ? JSON.stringify({ error: { message } }) : `${message}\n`);
}

const root = path.resolve(import.meta.dirname, "..");
const app = next({ dev, dir: root, port });
const handle = app.getRequestHandler();

// Issuances over the API take turns before Next sees them (scripts/issue-turns.mjs).
const issueInTurn = createIssueTurns(issueTurnsFromEnv(), (req, res) => handle(req, res), refuse);

function onRequest(req, res) {
  if (req.method === "TRACE") {
    return refuse(req, res, 405, `${req.method} is not allowed.`, { Allow: "GET, HEAD, POST, PATCH, DELETE" });
  }
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > MAX_BODY_BYTES) {
    return refuse(req, res, 413, "The request body is larger than 1 MB; dockpki accepts no more.");
  }
  // Browsers always say how long a form's body is; a chunked one could not be limited before Next
  // (and its proxy, which buffers up to 10 MB) had read it. The JSON API cuts chunked bodies off itself.
  if (req.headers["transfer-encoding"] !== undefined && !(req.url ?? "").startsWith("/api/")) {
    return refuse(req, res, 411, "A request body needs a Content-Length here.");
  }
  delete req.headers[PEER_HEADER];
  req.headers[PEER_HEADER] = `${token} ${req.socket.remoteAddress ?? ""}`;
  if (isIssuing(req)) {
    // An issuance answers one certificate: a few KB of JSON. Next would gzip it (it gzips every text
    // answer it streams, whatever the size), and a deflate stream's set-up on each side cost more than
    // the kilobyte it saved: 2 ms of a 20 ms issuance, 6 ms after the server had paused for a second.
    // Pages, lists and exports stay compressed.
    delete req.headers["accept-encoding"];
    return issueInTurn(req, res);
  }
  return issueInTurn.beside(req, res);
}

// Next runs instrumentation.ts (lib/startup.ts: migrations, data directory, master key) when the
// first request arrives, and would then answer 500 to every request. Joining that registration here
// makes a dockpki that cannot work exit non-zero before it listens.
async function runStartupChecks() {
  const { ensureInstrumentationRegistered } = await import(
    "next/dist/server/lib/router-utils/instrumentation-globals.external.js"
  );
  await ensureInstrumentationRegistered(root, dev ? ".next/dev" : ".next");
}

try {
  await app.prepare();
  if (!dev) await runStartupChecks();
} catch (err) {
  // lib/startup.ts has already said what is wrong in a sentence (master key, database).
  if (!(err instanceof Error && err.name === "StartupError")) console.error(err);
  process.exit(1);
}
// A request buffers up to 128 KB of its body unread (Node's default is 16 KB): an issuance request
// waits for its whole body before it takes a turn (scripts/issue-turns.mjs), and a CSR may be 64 KB.
const server = createServer({ highWaterMark: 128 * 1024 }, onRequest);
// Behind a load balancer, an idle keep-alive connection must outlive the balancer's own idle timeout (often 60 s):
// with Node's default of 5 s the server closes connections the balancer is about to reuse, which it reports as
// 502s. (Headers must arrive within a little more than that.)
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, () => {
  console.log(`dockpki: listening on http://localhost:${port}${dev ? " (development)" : ""}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
