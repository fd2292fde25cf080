export default function NodeNotFound() {
  return (
    <>
      <h1>Node not found</h1>
      <div className="notice" role="alert">
        <p>No node with this id or address is known (or its owner has hidden it).</p>
        <p><a href="/nodes">Browse the nodes list</a></p>
      </div>
    </>
  );
}
