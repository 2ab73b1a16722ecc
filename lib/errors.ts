/** Bad input from a user or API caller: shown next to the field, or as a 400 with fieldErrors. */
export class InputError extends Error {
  override name = "InputError";
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message);
  }

  static forField(field: string, message: string): InputError {
    return new InputError(message, { [field]: [message] });
  }
}

/** The request conflicts with what is stored (name taken, CA missing or already present): 409.
 * `details` are facts a caller can act on (counts, ids), passed on in the API's error object. */
export class ConflictError extends Error {
  override name = "ConflictError";
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The caller did not prove who it is (a renewal whose signature, time or serial does not hold): 401. */
export class UnauthorizedError extends Error {
  override name = "UnauthorizedError";
}

/** The caller is known but may not do this (a revoked certificate asking to renew, an auditor issuing): 403. */
export class ForbiddenError extends Error {
  override name = "ForbiddenError";
  /** The least role that would be allowed, for the API's answer. */
  constructor(
    message: string,
    readonly requiredRole?: string,
  ) {
    super(message);
  }
}

/** Too many requests of this kind from this caller for now: 429. */
export class TooManyRequestsError extends Error {
  override name = "TooManyRequestsError";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The thing asked for does not exist: 404. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** The thing exists but is gone for good (revoked certificate bundle): 410. */
export class GoneError extends Error {
  override name = "GoneError";
}

/** The request body is over the limit: 413. */
export class PayloadTooLargeError extends Error {
  override name = "PayloadTooLargeError";
}

/** dockpki cannot start (database, master key, configuration); the message says what to do. */
export class StartupError extends Error {
  override name = "StartupError";
}

export const DATABASE_DAMAGED =
  "The database is damaged or is not a dockpki database, so dockpki cannot use it. Stop dockpki and restore the latest backup (dockpki restore BACKUP.zip --force); the README's Troubleshooting section says how.";

/** SQLite says the file is corrupt or not a database (SQLITE_CORRUPT, SQLITE_NOTADB), anywhere in the cause chain. */
export function isDatabaseDamage(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, originalCode, originalMessage } = e as Record<string, unknown>;
    const text = [code, message, originalCode, originalMessage].filter((v) => typeof v === "string").join(" ");
    if (/SQLITE_(CORRUPT|NOTADB)|database disk image is malformed|file is not a database/.test(text)) return true;
  }
  return false;
}

const damage = globalThis as unknown as { dockpkiDatabaseDamaged?: boolean };

/** Whether this process has seen the database report damage (the health check and error page say so). */
export function databaseDamageSeen(): boolean {
  return damage.dockpkiDatabaseDamaged === true;
}

export interface ErrorReport {
  status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429 | 500 | 503;
  message: string;
  fieldErrors?: Record<string, string[]>;
  details?: Record<string, unknown>;
}

/** What a caller may be told about an error. Unexpected errors become one plain sentence; the
 * caller logs the original on the server. */
export function describeError(err: unknown): ErrorReport {
  if (err instanceof InputError) return { status: 400, message: err.message, fieldErrors: err.fieldErrors };
  if (err instanceof UnauthorizedError) return { status: 401, message: err.message };
  if (err instanceof ForbiddenError) {
    return {
      status: 403,
      message: err.message,
      details: err.requiredRole ? { requiredRole: err.requiredRole } : undefined,
    };
  }
  if (err instanceof TooManyRequestsError) {
    return { status: 429, message: err.message, details: { retryAfterSeconds: err.retryAfterSeconds } };
  }
  if (err instanceof NotFoundError) return { status: 404, message: err.message };
  if (err instanceof ConflictError) return { status: 409, message: err.message, details: err.details };
  if (err instanceof GoneError) return { status: 410, message: err.message };
  if (err instanceof PayloadTooLargeError) return { status: 413, message: err.message };
  if (err instanceof Error && err.name === "MasterKeyError") return { status: 500, message: err.message };
  if (isDatabaseDamage(err)) {
    damage.dockpkiDatabaseDamaged = true;
    return { status: 503, message: DATABASE_DAMAGED };
  }
  return { status: 500, message: "Something went wrong on the server; its log has the details." };
}

/** Field errors from a failed zod parse, keyed by the top-level field name. */
export function zodFieldErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.length ? String(issue.path[0]) : "_form";
    out[key] = [...(out[key] ?? []), issue.message];
  }
  return out;
}
