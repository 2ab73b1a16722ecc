import { parseArgs } from "node:util";
import { createApiToken, listApiTokens, revokeApiToken } from "@/lib/api-tokens";
import { tokenNameSchema, tokenScopeSchema } from "@/lib/api-tokens.schema";
import { UsageError } from "@/lib/cli/io";
import { InputError } from "@/lib/errors";

export async function tokenCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: "string" }, id: { type: "string" }, scope: { type: "string" } },
  });
  if (sub === "create") {
    const parsed = tokenNameSchema.safeParse(values.name ?? "");
    if (!parsed.success) throw new InputError(parsed.error.issues[0].message);
    const scope = tokenScopeSchema.safeParse(values.scope ?? "admin");
    if (!scope.success) throw new InputError(scope.error.issues[0].message);
    const created = await createApiToken({ kind: "cli" }, parsed.data, scope.data);
    // The token goes to stdout alone so scripts can capture it; it is never shown again.
    console.error(`Token ${created.name} created. It is shown once; store it now.`);
    console.log(created.token);
  } else if (sub === "revoke") {
    if (!values.name && !values.id) throw new UsageError("usage: dockpki token revoke --name N | --id ID");
    const count = await revokeApiToken(
      { kind: "cli" },
      values.id ? { id: values.id } : { name: values.name as string },
    );
    console.log(`Revoked ${count} token${count === 1 ? "" : "s"}.`);
  } else if (sub === "list") {
    for (const t of await listApiTokens()) {
      console.log(`${t.id}  ${t.prefix}…  ${t.name}  ${t.scope}${t.revokedAt ? "  (revoked)" : ""}`);
    }
  } else {
    throw new UsageError("usage: dockpki token create --name N | revoke --name N | list");
  }
}
