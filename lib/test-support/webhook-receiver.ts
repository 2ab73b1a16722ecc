// A webhook endpoint for the alert tests, on 127.0.0.1: it records what it was sent and checks the
// signature itself, with node:crypto rather than the code under test.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
  /** null when the receiver has no secret to check against. */
  signatureOk: boolean | null;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  setStatus(n: number): void;
  close(): Promise<void>;
}

function signatureMatches(header: string | string[] | undefined, body: string, secret: string): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Answers every request with the configured status; a 3xx points back at /followed, so a client
 * that follows redirects shows up as a second request. An error answer echoes the request path, as
 * many frameworks do ("Cannot POST /path"), to prove the sender keeps it out of its messages. */
export async function startWebhookReceiver(
  opts: { status?: number | (() => number); secret?: string } = {},
): Promise<WebhookReceiver> {
  let status = opts.status ?? 200;
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const signatureOk = opts.secret
        ? signatureMatches(req.headers["x-dockpki-signature-256"], body, opts.secret)
        : null;
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json, signatureOk });
      const code = typeof status === "function" ? status() : status;
      const headers: Record<string, string> = { "Content-Type": "text/plain", Connection: "close" };
      if (code >= 300 && code < 400) headers.Location = "/followed";
      res.writeHead(code, headers);
      res.end(code >= 400 ? `Cannot ${req.method} ${req.url}` : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setStatus(n) {
      status = n;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
