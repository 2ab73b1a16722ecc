import "server-only";
import type { EnrollState } from "@/app/_components/enroll-form";
import { failure } from "@/app/_lib/action-result";
import type { Principal } from "@/lib/audit";
import { createEnrollment, type EnrollmentHolder } from "@/lib/renewal/enrollment";

/** The host's and client's "Enroll with one command" result. The command holds a secret token: it
 * reaches only this result, never a log, the page's data or a URL. */
export async function enrollmentResult(actor: Principal, holder: EnrollmentHolder): Promise<EnrollState> {
  try {
    const { command, expiresAt, warning } = await createEnrollment(actor, holder);
    const made = "Enrollment command made. Copy it now: it is not shown again.";
    return { ok: true, message: warning ? `${made} ${warning}` : made, command, expiresAt: expiresAt.toISOString() };
  } catch (err) {
    return failure(err);
  }
}
