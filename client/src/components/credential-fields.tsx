/** Username and password inputs with the autocomplete hints password managers need (sign-in and sign-in again). */
export function CredentialFields(props: { username: string; password: string; onUsername: (v: string) => void; onPassword: (v: string) => void }) {
  return (
    <>
      <label>
        Username
        <input autoComplete="username" value={props.username} onChange={(e) => props.onUsername(e.target.value)} required />
      </label>
      <label>
        Password
        <input type="password" autoComplete="current-password" value={props.password} onChange={(e) => props.onPassword(e.target.value)} required />
      </label>
    </>
  );
}
