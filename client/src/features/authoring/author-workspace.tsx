/**
 * Placeholder for the author workspace (item bank, blueprints, forms, item statistics). Loaded lazily, so none of it
 * is in the candidate's bundle. Replace this file with the real feature.
 */
export default function AuthorWorkspace() {
  return (
    <section className="card" aria-labelledby="author-title">
      <h1 id="author-title" tabIndex={-1}>
        Author workspace
      </h1>
      <p>Coming soon: the item-bank workspace. Until then, authors use the command line and the API (see /docs).</p>
    </section>
  );
}
