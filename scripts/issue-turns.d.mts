import type { IncomingMessage, ServerResponse } from "node:http";

export function isIssuing(req: IncomingMessage): boolean;
export function issueTurnsFromEnv(): number;
/** While other requests are answered, the longest an issuance is kept waiting after the last one entered. */
export const YIELD_MS: number;
export function bodyArrived(req: IncomingMessage): Promise<void>;
export function createIssueTurns(
  turns: number,
  handle: (req: IncomingMessage, res: ServerResponse) => unknown,
  refuse: (req: IncomingMessage, res: ServerResponse, status: number, message: string) => unknown,
): ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** Any other request: handled at once; while it is answered, issuances enter one at a time, after it or YIELD_MS apart. */
  beside(req: IncomingMessage, res: ServerResponse): unknown;
};
