/** The message a page shows instead of its data when its query string does not validate. */
export function InputError({ title = 'Invalid request', issues, resetHref }: { title?: string; issues: string[]; resetHref: string }) {
  return (
    <div className="notice error" role="alert">
      <h2>{title}</h2>
      <p>The address has parameters this page does not accept:</p>
      <ul>
        {issues.map((issue) => (
          <li key={issue}>{issue}</li>
        ))}
      </ul>
      <p>
        <a href={resetHref}>Start again without them</a>
      </p>
    </div>
  );
}
