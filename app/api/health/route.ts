import { db } from "@/lib/db";
import { DATABASE_DAMAGED, databaseDamageSeen, isDatabaseDamage } from "@/lib/errors";

/**
 * For load balancers and for the error page: 200 when the database answers, 503 with a sentence
 * when it is damaged or unreachable. Open to anyone; it says nothing else.
 */
export async function GET() {
  let message: string | null = databaseDamageSeen() ? DATABASE_DAMAGED : null;
  if (!message) {
    try {
      await db.$queryRaw`SELECT 1 FROM "_prisma_migrations" LIMIT 1`;
    } catch (err) {
      message = isDatabaseDamage(err) ? DATABASE_DAMAGED : "The database does not answer; the server log says why.";
    }
  }
  return Response.json(message ? { status: "unavailable", message } : { status: "ok" }, {
    status: message ? 503 : 200,
    headers: { "Cache-Control": "no-store" },
  });
}
