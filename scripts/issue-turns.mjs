// Issuances over the API take turns before Next sees them: DOCKPKI_ISSUE_CONCURRENCY at a time (2,
// as lib/certificates/issue-slots.ts), the rest wait in order. lib's own turns bound the issuing
// itself, but an issuance request also costs the event loop Next's routing, the token check and the
// answer: sixteen of those at once leave a host list or a zip download queued behind every one of
// their steps. A request queues for a turn only once its body has arrived, so a client that sends
// its body slowly, or never, holds no turn from anyone. Such a body is small (a JSON object, a CSR of
// at most 64 KB): one larger than the request buffers unread (its highWaterMark, which
// scripts/server.mjs sets to 128 KB) is refused before it could hold a turn.

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
 * Resolves once the request's body is here: the whole message parsed, or as much as its stream holds
 * before it stops reading from the socket. Nothing is read from it: Next reads it all afterwards.
 * @param {import("node:http").IncomingMessage} req
 */
export function bodyArrived(req) {
  const here = () => req.complete || req.destroyed || req.readableLength >= req.readableHighWaterMark;
  if (here()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!here()) return;
      req.off("readable", check);
      req.off("close", check);
      resolve();
    };
    // A 'readable' listener buffers without consuming; once it is removed, and nothing else listens, the
    // stream flows again for whoever reads it next.
    req.on("readable", check);
    req.on("close", check);
  });
}

/**
 * A gate of `turns` places in front of `handle`: a request whose body has arrived enters when a place
 * is free and leaves it when its answer is finished or its connection closes. A client that left
 * while waiting is skipped, never handled.
 * @param {number} turns
 * @param {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => unknown} handle
 * @param {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, status: number, message: string) => unknown} refuse
 */
export function createIssueTurns(turns, handle, refuse) {
  let inside = 0;
  /** @type {[import("node:http").IncomingMessage, import("node:http").ServerResponse][]} */
  const waiting = [];
  const gone = (req, res) => res.destroyed || req.socket.destroyed;
  const enter = (req, res) => {
    inside++;
    res.once("close", () => {
      inside--;
      for (let next = waiting.shift(); next; next = waiting.shift()) {
        if (!gone(...next)) return enter(...next);
      }
    });
    handle(req, res);
  };
  return (req, res) => {
    const tooLarge = () =>
      refuse(req, res, 413, `An issuance request's body is at most ${req.readableHighWaterMark / 1024} KB.`);
    if (Number(req.headers["content-length"] ?? 0) > req.readableHighWaterMark) return tooLarge();
    bodyArrived(req).then(() => {
      if (gone(req, res)) return;
      // Still not whole with the buffer full: a chunked body larger than the limit.
      if (!req.complete) return tooLarge();
      if (inside < turns) enter(req, res);
      else waiting.push([req, res]);
    });
  };
}
