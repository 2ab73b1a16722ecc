import { parseArgs } from "node:util";
import { createApiToken, listApiTokens, revokeApiToken } from "@/lib/api-tokens";
import { tokenCreateSchema } from "@/lib/api-tokens.schema";
import { UsageError } from "@/lib/cli/io";
import { formatDateTime } from "@/lib/dates";
import { InputError, zodFieldErrors } from "@/lib/errors";

const USAGE =
  "usage: dockpki token create --name N [--role admin|operator|auditor | --scope read|issue|metrics] [--expires 30d] | revoke --name N | --id ID | list";

export async function tokenCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: "string" },
      id: { type: "string" },
      role: { type: "string" },
      scope: { type: "string" },
      expires: { type: "string" },
    },
  });
  if (sub === "create") {
    const parsed = tokenCreateSchema.safeParse({
      name: values.name ?? "",
      role: values.role,
      scope: values.scope,
      expires: values.expires,
    });
    if (!parsed.success) throw new InputError(Object.values(zodFieldErrors(parsed.error.issues)).flat().join(" "));
    const created = await createApiToken({ kind: "cli" }, parsed.data);
    // The token goes to stdout alone so scripts can capture it; it is never shown again.
    const until = created.expiresAt ? `, until ${formatDateTime(created.expiresAt)}` : "";
    console.error(`Token ${created.name} created (${created.scope}${until}). It is shown once; store it now.`);
    console.log(created.token);
  } else if (sub === "revoke") {
    if (!values.name && !values.id) throw new UsageError("usage: dockpki token revoke --name N | --id ID");
    await revokeApiToken({ kind: "cli" }, values.id ? { id: values.id } : { name: values.name as string });
    console.log(`Revoked token ${values.name ?? values.id}.`);
  } else if (sub === "list") {
    for (const t of await listApiTokens()) {
      const state = t.revokedAt
        ? "  (revoked)"
        : t.expiresAt
          ? `  (${t.expiresAt <= new Date() ? "expired" : "expires"} ${formatDateTime(t.expiresAt)})`
          : "";
      console.log(`${t.id}  ${t.prefix}…  ${t.name}  ${t.scope}${state}`);
    }
  } else {
    throw new UsageError(USAGE);
  }
}
