import { InputError, zodFieldErrors } from "@/lib/errors";
import { getSettings, saveSettings } from "@/lib/settings";
import { settingsPatchSchema, settingsSchema } from "@/lib/settings.schema";
import { apiRoute, readJson } from "../_lib/handler";

export const GET = apiRoute(async () => Response.json(await getSettings()));

/** Changes the settings it names; the others keep their values. Answers every setting. */
export const PATCH = apiRoute(
  async ({ request, principal }) => {
    const patch = await readJson(request, settingsPatchSchema);
    const merged = settingsSchema.safeParse({ ...(await getSettings()), ...patch });
    if (!merged.success) throw new InputError("Some fields are invalid.", zodFieldErrors(merged.error.issues));
    await saveSettings(principal, merged.data);
    return Response.json(await getSettings());
  },
  { permission: "settings" },
);
