// Issuances over the API take turns before Next sees them: DOCKPKI_ISSUE_CONCURRENCY at a time (2,
// as lib/certificates/issue-slots.ts), the rest wait in order, their bodies unread. lib's own turns
// bound the issuing itself, but an issuance request also costs the event loop Next's routing, the
// token check and the answer: sixteen of those at once leave a host list or a zip download queued
// behind every one of their steps. Waiting here costs nothing but the open connection.

/** The API requests that issue a certificate: a host's or client's, a re-issue, a renewal, an enrollment. */
const ISSUING =
  /^\/api\/v1\/(?:(?:hosts|clients)\/[^/?]+\/certificates|certificates\/[^/?]+\/reissue|renew|enroll)\/?(?:\?|$)/;

/** @param {import("node:http").IncomingMessage} req */
export function isIssuing(req) {
  return req.method === "POST" && ISSUING.test(req.url ?? "");
}

export function issueTurnsFromEnv() {
  const configured = Number(process.env.DOCKPKI_ISSUE_CONCURRENCY);
  return Number.isInteger(configured) && configured > 0 ? configured : 2;
}

/**
 * A gate of `turns` places in front of `handle`: a request enters when a place is free and leaves
 * it when its answer is finished or its connection closes. A client that left while waiting is
 * skipped, never handled.
 * @param {number} turns
 * @param {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => unknown} handle
 */
export function createIssueTurns(turns, handle) {
  let inside = 0;
  /** @type {[import("node:http").IncomingMessage, import("node:http").ServerResponse][]} */
  const waiting = [];
  const enter = (req, res) => {
    inside++;
    res.once("close", () => {
      inside--;
      for (let next = waiting.shift(); next; next = waiting.shift()) {
        if (!next[1].destroyed && !next[0].socket.destroyed) return enter(next[0], next[1]);
      }
    });
    handle(req, res);
  };
  return (req, res) => {
    if (inside < turns) enter(req, res);
    else waiting.push([req, res]);
  };
}
