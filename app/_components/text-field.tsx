import type { InputHTMLAttributes, ReactNode } from "react";
import { Field } from "@/app/_components/field";

/** A labelled input with its hint and errors: the one shape of every text, number and password field. */
export function TextField({
  name,
  id = name,
  label,
  hint,
  errors,
  type = "text",
  ...input
}: {
  name: string;
  id?: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id">) {
  return (
    <Field name={id} label={label} hint={hint} errors={errors}>
      <input id={id} name={name} type={type} {...input} />
    </Field>
  );
}
