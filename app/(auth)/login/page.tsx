import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { countAdmins } from "@/lib/admins";
import { getSessionAdmin } from "@/lib/auth/current";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage() {
  if ((await countAdmins()) === 0) redirect("/setup");
  if (await getSessionAdmin()) redirect("/");
  return (
    <main className="auth-wrap">
      <div className="auth-card">
        <div className="brand">
          dock<span>pki</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">Certificates for your Docker daemons and their clients.</p>
        <LoginForm />
      </div>
    </main>
  );
}
