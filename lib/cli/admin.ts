import { parseArgs } from "node:util";
import { createAdmin, setAdminPassword } from "@/lib/admins";
import { adminCreateSchema, PASSWORD_IS_USERNAME, passwordRepeatsUsername, passwordSchema } from "@/lib/admins.schema";
import { readStdin, UsageError } from "@/lib/cli/io";
import { InputError, zodFieldErrors } from "@/lib/errors";

function flattenErrors(issues: Parameters<typeof zodFieldErrors>[0]): string {
  return Object.values(zodFieldErrors(issues)).flat().join(" ");
}

export async function adminCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { username: { type: "string" }, "password-stdin": { type: "boolean" } },
  });
  if (!values.username || !values["password-stdin"]) {
    throw new UsageError(`usage: dockpki admin ${sub ?? "create"} --username U --password-stdin`);
  }
  const password = await readStdin();
  if (sub === "create") {
    const parsed = adminCreateSchema.safeParse({ username: values.username, password });
    if (!parsed.success) throw new InputError(flattenErrors(parsed.error.issues));
    const admin = await createAdmin({ kind: "cli" }, parsed.data);
    console.log(`Admin ${admin.username} created.`);
  } else if (sub === "reset-password") {
    const parsed = passwordSchema.safeParse(password);
    if (!parsed.success) throw new InputError(flattenErrors(parsed.error.issues));
    if (passwordRepeatsUsername(parsed.data, values.username)) throw new InputError(PASSWORD_IS_USERNAME);
    await setAdminPassword({ kind: "cli" }, values.username, parsed.data);
    console.log(`Password of ${values.username} changed; their sessions have ended.`);
  } else {
    throw new UsageError("usage: dockpki admin create|reset-password --username U --password-stdin");
  }
}
