import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { countAdmins } from "@/lib/admins";
import { PASSWORD_MIN } from "@/lib/admins.schema";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage() {
  if ((await countAdmins()) > 0) redirect("/login");
  return (
    <main className="auth-wrap">
      <div className="auth-card">
        <div className="brand">
          dock<span>pki</span>
        </div>
        <h1>Welcome</h1>
        <p className="muted">No admin exists yet. Create the first one; admins can add more later under Settings.</p>
        <SetupForm minLength={PASSWORD_MIN} />
      </div>
    </main>
  );
}
