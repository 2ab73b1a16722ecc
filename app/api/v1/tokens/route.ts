import { z } from "zod";
import { createApiToken, listApiTokens } from "@/lib/api-tokens";
import { tokenNameSchema } from "@/lib/api-tokens.schema";
import { apiRoute, readJson } from "../_lib/handler";
import { tokenJson } from "../_lib/serialize";

/** Every token without its secret (only a hash is stored). */
export const GET = apiRoute(async () => Response.json({ tokens: (await listApiTokens()).map(tokenJson) }));

/** `{name}`; the answer holds the token itself, the one time it is shown. */
export const POST = apiRoute(async ({ request, principal }) => {
  const { name } = await readJson(request, z.object({ name: tokenNameSchema }));
  const created = await createApiToken(principal, name);
  return Response.json(
    { id: created.id, name: created.name, prefix: created.prefix, token: created.token },
    { status: 201 },
  );
});
