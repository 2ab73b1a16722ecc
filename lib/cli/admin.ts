import { parseArgs } from "node:util";
import { createAdmin, listAdmins, setAdminPassword, setAdminRole } from "@/lib/admins";
import {
  adminCreateSchema,
  PASSWORD_IS_USERNAME,
  passwordRepeatsUsername,
  passwordSchema,
  roleSchema,
} from "@/lib/admins.schema";
import { readStdin, UsageError } from "@/lib/cli/io";
import { InputError, NotFoundError, zodFieldErrors } from "@/lib/errors";

const USAGE =
  "usage: dockpki admin create --username U [--role admin|operator|auditor] --password-stdin | reset-password --username U --password-stdin | set-role --username U --role R | list";

function flattenErrors(issues: Parameters<typeof zodFieldErrors>[0]): string {
  return Object.values(zodFieldErrors(issues)).flat().join(" ");
}

export async function adminCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { username: { type: "string" }, role: { type: "string" }, "password-stdin": { type: "boolean" } },
  });
  if (sub === "list") {
    for (const a of await listAdmins()) console.log(`${a.username}  ${a.role}`);
    return;
  }
  if (sub === "set-role") {
    if (!values.username || !values.role) throw new UsageError("usage: dockpki admin set-role --username U --role R");
    const role = roleSchema.safeParse(values.role);
    if (!role.success) throw new InputError(role.error.issues[0].message);
    const admin = (await listAdmins()).find((a) => a.username === values.username);
    if (!admin) throw new NotFoundError(`There is no admin called ${values.username}.`);
    const { revokedTokens } = await setAdminRole({ kind: "cli" }, admin.id, role.data);
    console.log(`${admin.username} is now ${role.data}.`);
    if (revokedTokens.length > 0) console.log(`Revoked their API tokens beyond it: ${revokedTokens.join(", ")}.`);
    return;
  }
  if (sub !== "create" && sub !== "reset-password") throw new UsageError(USAGE);
  if (!values.username || !values["password-stdin"]) {
    throw new UsageError(`usage: dockpki admin ${sub} --username U --password-stdin`);
  }
  const password = await readStdin();
  if (sub === "create") {
    const parsed = adminCreateSchema.safeParse({ username: values.username, password, role: values.role });
    if (!parsed.success) throw new InputError(flattenErrors(parsed.error.issues));
    const admin = await createAdmin({ kind: "cli" }, parsed.data);
    console.log(`Admin ${admin.username} created (${admin.role}).`);
  } else {
    const parsed = passwordSchema.safeParse(password);
    if (!parsed.success) throw new InputError(flattenErrors(parsed.error.issues));
    if (passwordRepeatsUsername(parsed.data, values.username)) throw new InputError(PASSWORD_IS_USERNAME);
    await setAdminPassword({ kind: "cli" }, values.username, parsed.data);
    console.log(`Password of ${values.username} changed; their sessions have ended.`);
  }
}
