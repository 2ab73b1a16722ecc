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

/** The request conflicts with what is stored (name taken, CA missing or already present): 409. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** The thing asked for does not exist: 404. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** The thing exists but is gone for good (revoked certificate bundle): 410. */
export class GoneError extends Error {
  override name = "GoneError";
}

export interface ErrorReport {
  status: 400 | 404 | 409 | 410 | 500;
  message: string;
  fieldErrors?: Record<string, string[]>;
}

/** What a caller may be told about an error. Unexpected errors become one plain sentence; the
 * caller logs the original on the server. */
export function describeError(err: unknown): ErrorReport {
  if (err instanceof InputError) return { status: 400, message: err.message, fieldErrors: err.fieldErrors };
  if (err instanceof NotFoundError) return { status: 404, message: err.message };
  if (err instanceof ConflictError) return { status: 409, message: err.message };
  if (err instanceof GoneError) return { status: 410, message: err.message };
  if (err instanceof Error && err.name === "MasterKeyError") return { status: 500, message: err.message };
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
