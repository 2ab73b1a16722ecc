import { cookies } from "next/headers";
import { decodeFlash, FLASH_COOKIE } from "@/lib/flash";
import { FlashMessage } from "./flash-message";

/** The notice an action left behind, at the top of the content; the browser clears it once shown. */
export async function FlashNotice() {
  const flash = decodeFlash((await cookies()).get(FLASH_COOKIE)?.value);
  return <FlashMessage flash={flash} />;
}
