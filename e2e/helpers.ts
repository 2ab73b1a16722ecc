export const ADMIN = { username: "admin", password: "correct horse battery staple" };
export const AUTH_FILE = "e2e/.auth/admin.json";
