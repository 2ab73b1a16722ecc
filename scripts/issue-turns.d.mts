import type { IncomingMessage, ServerResponse } from "node:http";

export function isIssuing(req: IncomingMessage): boolean;
export function issueTurnsFromEnv(): number;
export function bodyArrived(req: IncomingMessage): Promise<void>;
export function createIssueTurns(
  turns: number,
  handle: (req: IncomingMessage, res: ServerResponse) => unknown,
  refuse: (req: IncomingMessage, res: ServerResponse, status: number, message: string) => unknown,
): ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** Any other request: handled at once, and while it is answered issuances enter one at a time. */
  beside(req: IncomingMessage, res: ServerResponse): unknown;
};
