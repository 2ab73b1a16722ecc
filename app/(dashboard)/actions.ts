"use server";

import { redirect } from "next/navigation";
import { recordAudit } from "@/lib/audit";
import { clientIp, requireAdmin, takeSessionCookie } from "@/lib/auth/current";
import { deleteSession } from "@/lib/auth/sessions";
import { db } from "@/lib/db";

/** Ends the session on the server, not just in the browser. */
export async function logoutAction(): Promise<void> {
  const admin = await requireAdmin();
  const token = await takeSessionCookie();
  if (token) await deleteSession(token);
  await recordAudit(db, { actor: admin, action: "auth.logout", ip: await clientIp() });
  redirect("/login");
}
