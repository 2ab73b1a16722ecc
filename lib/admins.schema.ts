import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";

export const roleSchema = z.enum(ROLES, `Choose one of ${ROLES.join(", ")}.`);

export const usernameSchema = z
  .string()
  .trim()
  .min(1, "Enter a username.")
  .max(64, "A username is at most 64 characters.")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
    "Use letters, digits, '.', '_', '@' or '-', starting with a letter or digit.",
  );

export const PASSWORD_MIN = 12;

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, `A password needs at least ${PASSWORD_MIN} characters.`)
  .max(1024, "A password is at most 1024 characters.")
  .refine((p) => p.trim() !== "", "A password cannot be only spaces.")
  .refine((p) => !/\p{Cc}/u.test(p), "A password cannot contain control characters (tabs, line breaks and the like).");

/** A password that merely repeats the username is the first guess anyone makes. */
export function passwordRepeatsUsername(password: string, username: string): boolean {
  return password.trim().toLowerCase() === username.trim().toLowerCase();
}

export const PASSWORD_IS_USERNAME = "The password cannot be the username.";

export const adminCreateSchema = z
  .object({
    username: usernameSchema,
    password: passwordSchema,
    confirm: z.string().optional(),
    role: roleSchema.optional(),
  })
  .refine((v) => !passwordRepeatsUsername(v.password, v.username), {
    message: PASSWORD_IS_USERNAME,
    path: ["password"],
  })
  .refine((v) => v.confirm === undefined || v.confirm === v.password, {
    message: "The two passwords differ.",
    path: ["confirm"],
  });

export const loginSchema = z.object({
  username: z.string().trim().min(1, "Enter your username.").max(64, "Unknown username or wrong password."),
  password: z.string().min(1, "Enter your password.").max(1024, "Unknown username or wrong password."),
});

export type AdminCreateInput = z.infer<typeof adminCreateSchema>;
