// Issuances over the API take turns before Next sees them: DOCKPKI_ISSUE_CONCURRENCY at a time (2,
// as lib/certificates/issue-slots.ts), the rest wait in order. lib's own turns bound the issuing
// itself, but an issuance request also costs the event loop Next's routing, the token check and the
// answer: sixteen of those at once leave a host list or a zip download queued behind every one of
// their steps. While any other request is being answered (a page, a list, a download), issuances
// enter one at a time, and only once the others are answered or YIELD_MS after the last one
// entered, whichever comes first: the one event loop then serves the admin before the flood, and
// a turn is never withheld longer than that, so a long download slows issuing without stopping it.
// (Admitting the next issuance the moment one ended let downloads pile up behind a loop kept busy
// with issuing: with sixteen clients issuing and downloading, half a dozen zips were in flight at
// once and each took 120-160 ms.)
// A request queues for a turn only once its body has arrived, so a client that sends
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

/** While other requests are answered, the longest an issuance is kept waiting after the last one entered. */
export const YIELD_MS = 50;

/**
 * A gate of `turns` places in front of `handle`: a request whose body has arrived enters when a place
 * is free and leaves it when its answer is finished or its connection closes. While requests let
 * through with `beside` are being answered, one place is free at most, and it is given once they are
 * answered or YIELD_MS after the last entry. A client that left while waiting is skipped, never handled.
 * @param {number} turns
 * @param {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => unknown} handle
 * @param {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, status: number, message: string) => unknown} refuse
 */
export function createIssueTurns(turns, handle, refuse) {
  let inside = 0;
  let others = 0;
  let lastEntered = Number.NEGATIVE_INFINITY;
  let timerSet = false;
  /** @type {[import("node:http").IncomingMessage, import("node:http").ServerResponse][]} */
  const waiting = [];
  const gone = (req, res) => res.destroyed || req.socket.destroyed;
  /** Lets the next waiting request in, skipping those whose client left; false when none was left. */
  const enterNext = () => {
    while (waiting.length > 0) {
      const next = /** @type {[any, any]} */ (waiting.shift());
      if (!gone(...next)) {
        enter(...next);
        return true;
      }
    }
    return false;
  };
  const admit = () => {
    if (others === 0) {
      while (inside < turns && enterNext());
      return;
    }
    if (inside > 0 || waiting.length === 0) return;
    const wait = lastEntered + YIELD_MS - performance.now();
    if (wait <= 0) enterNext();
    else if (!timerSet) {
      timerSet = true;
      setTimeout(() => {
        timerSet = false;
        admit();
      }, wait);
    }
  };
  const enter = (req, res) => {
    inside++;
    lastEntered = performance.now();
    res.once("close", () => {
      inside--;
      admit();
    });
    handle(req, res);
  };
  /** Any other request: straight through, counted while it is answered. */
  const beside = (req, res) => {
    others++;
    res.once("close", () => {
      others--;
      admit();
    });
    return handle(req, res);
  };
  const issue = (req, res) => {
    const tooLarge = () =>
      refuse(req, res, 413, `An issuance request's body is at most ${req.readableHighWaterMark / 1024} KB.`);
    if (Number(req.headers["content-length"] ?? 0) > req.readableHighWaterMark) return tooLarge();
    bodyArrived(req).then(() => {
      if (gone(req, res)) return;
      // Still not whole with the buffer full: a chunked body larger than the limit.
      if (!req.complete) return tooLarge();
      waiting.push([req, res]);
      admit();
    });
  };
  return Object.assign(issue, { beside });
}
