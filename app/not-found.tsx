export default function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <a href="/">Go to the network overview</a>.
      </p>
    </>
  );
}
