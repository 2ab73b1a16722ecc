import "server-only";
import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import type { Alert } from "@/lib/monitoring/alert";
import { oneLine, renderEmail, renderSlackBody, renderWebhookBody } from "@/lib/monitoring/alert-render";

export type SmtpSecurity = "starttls" | "tls" | "none";
export interface SmtpConfig {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string | null;
  password: string | null;
  from: string;
  to: string[];
}
export type ChannelTarget =
  | { type: "webhook"; url: string; secret: string | null }
  | { type: "slack"; url: string }
  | { type: "email"; smtp: SmtpConfig };
export interface SendContext {
  sentAt: Date;
  dashboardUrl: string | null;
  channelName: string;
}
export type SendResult = { ok: true; detail: string } | { ok: false; error: string };

export const SIGNATURE_HEADER = "X-Dockpki-Signature-256";
const USER_AGENT = "dockpki-alerts/1";
const RESPONSE_READ_LIMIT = 4096;

/** One message with every alert; a failure is a plain sentence that never names a secret. */
export async function sendAlerts(
  target: ChannelTarget,
  alerts: Alert[],
  ctx: SendContext,
  opts: { timeoutMs?: number } = {},
): Promise<SendResult> {
  if (alerts.length === 0) return { ok: false, error: "nothing to send" };
  const timeoutMs = opts.timeoutMs ?? 10_000;
  try {
    if (target.type === "email") return await sendEmail(target.smtp, renderEmail(alerts, ctx), timeoutMs);
    const body = target.type === "webhook" ? renderWebhookBody(alerts, ctx) : renderSlackBody(alerts, ctx);
    const signature = target.type === "webhook" && target.secret ? signBody(body, target.secret) : null;
    return await postJson(target.url, body, signature, timeoutMs);
  } catch {
    // Nothing above should throw; if it does, its message might carry the URL, so it stays out.
    return { ok: false, error: "sending failed unexpectedly" };
  }
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** Removes every occurrence of the given secrets (a URL's path and query, a password) from a text. */
function redact(text: string, secrets: (string | null | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 2) out = out.split(s).join("[redacted]");
  return out;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** The underlying error code of a failed fetch or socket: the cause chain, or the first of an AggregateError. */
function errorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 6; depth++) {
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof code === "string" && !/^(UND_ERR$|ESOCKET$|ECONNECTION$)/.test(code)) return code;
    e = cause ?? errors?.[0];
  }
  return undefined;
}

/** The reason a connection failed, as the end of "could not connect to X: ...". */
function connectProblem(code: string | undefined): string {
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EDNS") return "its name does not resolve";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "the connection was closed before an answer";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "the host is unreachable";
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code))
    return `its TLS certificate is not trusted (${code})`;
  if (code && /SSL|TLS/.test(code)) return `TLS failed (${code}); does it speak TLS on this port?`;
  return code ? `the connection failed (${code})` : "the connection failed";
}

async function postJson(url: string, body: string, signature: string | null, timeoutMs: number): Promise<SendResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, error: "the URL is not valid" };
  }
  const { origin } = target;
  if (target.protocol !== "https:" && target.protocol !== "http:")
    return { ok: false, error: "the URL must start with https:// or http://" };
  if (target.username || target.password)
    return { ok: false, error: `the URL for ${origin} must not contain a user name or password` };
  // A Slack-style URL's path is its credential: no message may show it, even when the receiver echoes it.
  const path = target.pathname === "/" ? "" : target.pathname;
  const secrets = [url, `${path}${target.search}`, path, target.search];
  secrets.push(...secrets.map((s) => s && safeDecode(s)));
  try {
    const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": USER_AGENT };
    if (signature) headers[SIGNATURE_HEADER] = signature;
    const signal = AbortSignal.timeout(timeoutMs);
    const res = await fetch(target, { method: "POST", headers, body, redirect: "manual", signal });
    const said = oneLine(redact(await readSome(res), secrets)).slice(0, 200);
    if (res.status >= 200 && res.status < 300) return { ok: true, detail: `HTTP ${res.status}` };
    if ((res.status >= 300 && res.status < 400) || res.type === "opaqueredirect")
      return { ok: false, error: `${origin} answered HTTP ${res.status}; dockpki does not follow redirects` };
    return { ok: false, error: `${origin} answered HTTP ${res.status}${said ? `: ${said}` : ""}` };
  } catch (err) {
    if ((err as Error)?.name === "TimeoutError" || errorCode(err) === "UND_ERR_CONNECT_TIMEOUT")
      return { ok: false, error: `timed out after ${seconds(timeoutMs)} waiting for ${origin}` };
    return { ok: false, error: `could not connect to ${origin}: ${connectProblem(errorCode(err))}` };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The start of the answer (an error's explanation); the rest is discarded unread. */
async function readSome(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_READ_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
    await reader.cancel();
  } catch {
    // A body cut off or timed out: the status already says what matters.
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, RESPONSE_READ_LIMIT));
}

async function sendEmail(
  smtp: SmtpConfig,
  message: { subject: string; text: string; html: string },
  timeoutMs: number,
): Promise<SendResult> {
  const where = `SMTP server ${smtp.host}:${smtp.port}`;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === "tls",
    requireTLS: smtp.security === "starttls",
    ignoreTLS: smtp.security === "none",
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? "" } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  const clean = (s: unknown) => oneLine(redact(String(s ?? ""), [smtp.password])).slice(0, 200);
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: smtp.to,
      ...message,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    return { ok: true, detail: clean(info.response) || "accepted" };
  } catch (err) {
    const { code, response, message: text } = err as { code?: string; response?: unknown; message?: string };
    const answer = response ? `: ${clean(response)}` : "";
    if (code === "EAUTH") return { ok: false, error: `${where} refused the login${answer}` };
    if (code === "ENOAUTH") return { ok: false, error: `${where} needs a user name and password` };
    if (code === "ETLS") return { ok: false, error: `${where} does not offer STARTTLS; choose security tls or none` };
    if (code === "EENVELOPE") return { ok: false, error: `${where} refused the sender or a recipient${answer}` };
    if (code === "EMESSAGE") return { ok: false, error: `${where} refused the message${answer}` };
    if (code === "ETIMEDOUT") return { ok: false, error: `timed out after ${seconds(timeoutMs)} waiting for ${where}` };
    const underlying = errorCode(err) ?? /\b(E[A-Z]{4,}|ERR_[A-Z_]+)\b/.exec(text ?? "")?.[1];
    if (smtp.security === "tls" && (!underlying || /SSL|TLS|ECONNRESET/.test(underlying)))
      return { ok: false, error: `could not start TLS with ${where}; does it expect STARTTLS (usually port 587)?` };
    return { ok: false, error: `could not send through ${where}: ${connectProblem(underlying)}` };
  } finally {
    transport.close();
  }
}
