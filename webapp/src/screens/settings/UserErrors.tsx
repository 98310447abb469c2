// The userErrors of a mutation, as the server words them (the form checks the usual ones first,
// in the current language, so these are the rare ones).
export function UserErrors({ errors }: { errors: readonly { message: string; code: string }[] }) {
  if (errors.length === 0) return null;
  return (
    <div role="alert">
      {errors.map((error) => (
        <p class="field-error" key={error.code + error.message}>
          {error.message}
        </p>
      ))}
    </div>
  );
}
