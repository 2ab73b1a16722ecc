/** Said where a form would be when the signed-in role may not use it: the same sentence the server answers. */
export function RoleNote({ children }: { children: string }) {
  return (
    <p className="muted" data-testid="role-note">
      {children}
    </p>
  );
}
