import "server-only";
import { createHash, randomBytes } from "node:crypto";

/** Random secret for session cookies and API tokens: 32 bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** Only hashes of secrets are stored, so a copy of the database cannot be used to sign in. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
