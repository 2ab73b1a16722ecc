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
