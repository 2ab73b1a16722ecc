import type { IncomingMessage, ServerResponse } from "node:http";

export function isIssuing(req: IncomingMessage): boolean;
export function issueTurnsFromEnv(): number;
export function createIssueTurns(
  turns: number,
  handle: (req: IncomingMessage, res: ServerResponse) => unknown,
): (req: IncomingMessage, res: ServerResponse) => void;
