import { createAdmin, getAdmin, listAdmins } from "@/lib/admins";
import { adminCreateSchema } from "@/lib/admins.schema";
import { apiRoute, readJson } from "../_lib/handler";
import { adminJson } from "../_lib/serialize";

export const GET = apiRoute(async () => Response.json({ admins: (await listAdmins()).map(adminJson) }), {
  permission: "admins",
});

/** `{username, password, role?}` (role: admin, operator or auditor; admin when left out). Admins only. */
export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, adminCreateSchema);
    const created = await createAdmin(principal, input);
    return Response.json(adminJson(await getAdmin(created.id)), { status: 201 });
  },
  { permission: "admins" },
);
