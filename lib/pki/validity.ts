import "server-only";
import { InputError } from "@/lib/errors";

const BACKDATE_MS = 5 * 60 * 1000; // clock skew between dockpki and the hosts
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_DAYS = 36_500;

/**
 * notBefore 5 minutes in the past and notAfter `days` later, capped by `cap` (the CA's own
 * notAfter); whole seconds, because that is all a certificate stores.
 */
export function validityPeriod(days: number, cap?: Date, now = new Date()): { notBefore: Date; notAfter: Date } {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw InputError.forField("days", `The validity must be a whole number of days from 1 to ${MAX_DAYS}.`);
  }
  const notBefore = wholeSeconds(now.getTime() - BACKDATE_MS);
  let notAfter = wholeSeconds(now.getTime() + days * DAY_MS);
  if (cap && cap < notAfter) notAfter = wholeSeconds(cap.getTime());
  if (notAfter <= now) {
    throw new InputError(`The CA expired on ${notAfter.toISOString()}; create or import a new CA before issuing.`);
  }
  return { notBefore, notAfter };
}

const wholeSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
