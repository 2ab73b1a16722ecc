/** What every server action returns to its form. */
export interface FormState {
  message?: string;
  fieldErrors?: Record<string, string[]>;
  ok?: boolean;
}
