import { z } from "zod";
import { deleteAdmin, getAdmin, setAdminPassword, setAdminRole } from "@/lib/admins";
import { PASSWORD_IS_USERNAME, passwordRepeatsUsername, passwordSchema, roleSchema } from "@/lib/admins.schema";
import { authorize } from "@/lib/auth/authorize";
import { InputError } from "@/lib/errors";
import { apiRoute, readJson } from "../../_lib/handler";
import { routeId } from "../../_lib/params";
import { adminJson } from "../../_lib/serialize";

type Params = { id: string };

const patchSchema = z
  .object({ password: passwordSchema.optional(), role: roleSchema.optional() })
  .refine((v) => v.password !== undefined || v.role !== undefined, "Send a password, a role, or both.");

export const GET = apiRoute<Params>(
  async ({ params }) => Response.json(adminJson(await getAdmin(routeId(params.id, "admin")))),
  {
    permission: "admins",
  },
);

/**
 * `{password?, role?}`: a new password (which ends every session of that admin) and/or a new role. Admins only.
 * Answers the admin and `revokedTokens`: the names of their tokens the new role does not cover.
 */
export const PATCH = apiRoute<Params>(
  async ({ request, principal, params }) => {
    authorize(principal, "admins");
    const admin = await getAdmin(routeId(params.id, "admin"));
    const { password, role } = await readJson(request, patchSchema);
    if (password !== undefined && passwordRepeatsUsername(password, admin.username)) {
      throw InputError.forField("password", PASSWORD_IS_USERNAME);
    }
    const { revokedTokens } =
      role !== undefined ? await setAdminRole(principal, admin.id, role) : { revokedTokens: [] };
    if (password !== undefined) await setAdminPassword(principal, admin.username, password);
    return Response.json({ ...adminJson(await getAdmin(admin.id)), revokedTokens });
  },
  { permission: "admins" },
);

/** Removes the admin, ends their sessions and revokes their API tokens; the last admin stays (409). Admins only. */
export const DELETE = apiRoute<Params>(
  async ({ principal, params }) => {
    await deleteAdmin(principal, routeId(params.id, "admin"));
    return new Response(null, { status: 204 });
  },
  { permission: "admins" },
);
