/**
 * Placeholder for the proctor console (live sessions of a test center, admit, pause, extend, terminate). Loaded
 * lazily, so none of it is in the candidate's bundle. Replace this file with the real feature.
 */
export default function ProctorConsole() {
  return (
    <section className="card" aria-labelledby="proctor-title">
      <h1 id="proctor-title" tabIndex={-1}>
        Proctor console
      </h1>
      <p>Coming soon: the live console for your test center. Until then, proctors use the API (see /docs).</p>
    </section>
  );
}
