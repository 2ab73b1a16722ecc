import "server-only";
import { randomBytes } from "node:crypto";

/**
 * A certificate serial: 16 random bytes as 32 lowercase hex digits. The first byte is 0x01-0x7f:
 * below 0x80 because forge writes the bytes as a signed INTEGER and Go rejects negative serials,
 * and not 0x00 because a leading zero byte is a non-minimal DER INTEGER, which Go rejects too.
 */
export function randomSerialHex(): string {
  for (;;) {
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f;
    if (bytes[0] !== 0) return bytes.toString("hex");
  }
}

/** The start of a serial, enough to tell certificates apart in a sentence ("4eaf12c09b1d…"). */
export function shortSerial(serial: string): string {
  return serial.length > 12 ? `${serial.slice(0, 12)}…` : serial;
}
