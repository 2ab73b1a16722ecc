import { createApiToken, listApiTokens } from "@/lib/api-tokens";
import { tokenCreateSchema } from "@/lib/api-tokens.schema";
import { apiRoute, readJson } from "../_lib/handler";
import { tokenJson } from "../_lib/serialize";

/** Every token without its secret (only a hash is stored). */
export const GET = apiRoute(async () => Response.json({ tokens: (await listApiTokens()).map(tokenJson) }), {
  permission: "tokens",
});

/**
 * `{name, role?, scope?, expires?}`: role admin|operator|auditor or scope read|issue|metrics (admin
 * when neither is given); expires "30d", "12h", "2w" or a date. The answer holds the token itself,
 * the one time it is shown. Admins only.
 */
export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, tokenCreateSchema);
    const created = await createApiToken(principal, input);
    return Response.json(
      {
        id: created.id,
        name: created.name,
        prefix: created.prefix,
        scope: created.scope,
        expiresAt: created.expiresAt?.toISOString() ?? null,
        token: created.token,
      },
      { status: 201 },
    );
  },
  { permission: "tokens" },
);
