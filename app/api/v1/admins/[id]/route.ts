import { z } from "zod";
import { deleteAdmin, getAdmin, setAdminPassword } from "@/lib/admins";
import { PASSWORD_IS_USERNAME, passwordRepeatsUsername, passwordSchema } from "@/lib/admins.schema";
import { InputError } from "@/lib/errors";
import { apiRoute, readJson } from "../../_lib/handler";
import { routeId } from "../../_lib/params";
import { adminJson } from "../../_lib/serialize";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ params }) =>
  Response.json(adminJson(await getAdmin(routeId(params.id, "admin")))),
);

/** `{password}`: a new password, which ends every session of that admin. */
export const PATCH = apiRoute<Params>(async ({ request, principal, params }) => {
  const admin = await getAdmin(routeId(params.id, "admin"));
  const { password } = await readJson(request, z.object({ password: passwordSchema }));
  if (passwordRepeatsUsername(password, admin.username)) throw InputError.forField("password", PASSWORD_IS_USERNAME);
  await setAdminPassword(principal, admin.username, password);
  return Response.json(adminJson(await getAdmin(admin.id)));
});

/** Removes the admin, ends their sessions and revokes their API tokens; the last admin stays (409). */
export const DELETE = apiRoute<Params>(async ({ principal, params }) => {
  await deleteAdmin(principal, routeId(params.id, "admin"));
  return new Response(null, { status: 204 });
});
