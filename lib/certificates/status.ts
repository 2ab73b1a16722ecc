/** How a certificate stands today, as lists, badges and the API say it. */
export type CertificateState = "valid" | "expiring" | "expired" | "revoked" | "superseded";

export const EXPIRING_DAYS = 30;

export function certificateState(
  cert: { status: string; notAfter: Date },
  now = new Date(),
  expiringDays = EXPIRING_DAYS,
): CertificateState {
  if (cert.status === "revoked") return "revoked";
  if (cert.status === "superseded") return "superseded";
  const left = cert.notAfter.getTime() - now.getTime();
  if (left <= 0) return "expired";
  return left <= expiringDays * 86_400_000 ? "expiring" : "valid";
}
