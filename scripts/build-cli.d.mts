export const CLI_OUT: string;
export function freshCli(root: string): string | null;
export function buildCli(root: string): Promise<string>;
