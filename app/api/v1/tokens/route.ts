import { z } from "zod";
import { createApiToken, listApiTokens } from "@/lib/api-tokens";
import { tokenNameSchema, tokenScopeSchema } from "@/lib/api-tokens.schema";
import { apiRoute, readJson } from "../_lib/handler";
import { tokenJson } from "../_lib/serialize";

/** Every token without its secret (only a hash is stored). */
export const GET = apiRoute(async () => Response.json({ tokens: (await listApiTokens()).map(tokenJson) }));

/** `{name, scope?: "admin"|"metrics"}`; the answer holds the token itself, the one time it is shown. */
export const POST = apiRoute(async ({ request, principal }) => {
  const { name, scope } = await readJson(
    request,
    z.object({ name: tokenNameSchema, scope: tokenScopeSchema.default("admin") }),
  );
  const created = await createApiToken(principal, name, scope);
  return Response.json(
    { id: created.id, name: created.name, prefix: created.prefix, scope: created.scope, token: created.token },
    { status: 201 },
  );
});
