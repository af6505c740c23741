/**
 * A picture in the item editor, the stem's or an option's. Choosing a file sends it to POST /api/bank/media, where it
 * gets exactly the checks an image in a bank file gets (PNG or JPEG by their bytes, a static SVG, the size limits) and
 * is stored by its hash; the editor then holds its `sha256:` reference. Alt text is required: the server refuses a
 * picture without it when the item is saved, and that problem is shown at this field. Saving makes a new item version;
 * the versions before keep their own pictures.
 */
import { useEffect, useRef, useState } from 'react';
import { bankImageUrl, uploadImage, type ImageRef } from './api.ts';
import { bytesToBase64 } from './author-helpers.ts';

const ACCEPT = '.png,.jpg,.jpeg,.svg,image/png,image/jpeg,image/svg+xml';

/** A stored image of the bank (`sha256:<hex>`), fetched from the staff media route, with its alt text. */
export function BankImage({ image, small }: { image: ImageRef; small?: boolean }) {
  return <img className={small ? 'option-image' : 'author-image'} src={bankImageUrl(image.src)} alt={image.alt} />;
}

export function ImageField(props: {
  /** The alt text input's id: where the save's problems about this picture point (the error summary links to it). */
  id: string;
  /** "for the stem", "for option B". */
  label: string;
  image: ImageRef | null;
  onChange: (image: ImageRef | null) => void;
  /** The save's problems about this picture, already rendered, and the id they carry. */
  error: React.ReactNode;
  errorId: string | undefined;
}) {
  const { id, label, image, onChange } = props;
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const altRef = useRef<HTMLInputElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  // Focus follows the change: to the alt text once a picture is added, back to the file button once it is removed.
  const [moved, setMoved] = useState<'added' | 'removed' | null>(null);
  useEffect(() => {
    const target = moved === 'added' ? altRef.current : moved === 'removed' ? fileRef.current : null;
    if (!target) return;
    target.focus();
    setMoved(null);
  }, [moved, image]);

  async function choose(e: React.ChangeEvent<HTMLInputElement>) {
    const input = e.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setUploading(true);
    setUploadError(null);
    const r = await uploadImage(file.name, bytesToBase64(new Uint8Array(await file.arrayBuffer())));
    setUploading(false);
    input.value = '';
    if (!r.ok) {
      setUploadError(`${file.name} was not added: ${r.error.message}`);
      return;
    }
    onChange({ src: r.data.src, alt: '' });
    setMoved('added');
  }

  const altHint = `${id}-hint`;
  const fileHint = `${id}-file-hint`;
  const uploadErrorId = `${id}-upload-error`;
  return (
    <div className="author-image-field" data-testid="image-field">
      {image ? (
        <>
          <BankImage image={image} small />
          <div className="author-field">
            <label htmlFor={id}>Alt text of the picture {label} (required)</label>
            <input
              id={id}
              ref={altRef}
              value={image.alt}
              required
              aria-invalid={!!props.error}
              aria-describedby={[altHint, props.errorId].filter(Boolean).join(' ')}
              onChange={(e) => onChange({ ...image, alt: e.currentTarget.value })}
            />
            <span id={altHint} className="muted">
              What a screen reader says instead of the picture: what a candidate needs from it, on one line.
            </span>
            {props.error}
          </div>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              onChange(null);
              setMoved('removed');
            }}
          >
            Remove the picture {label}
          </button>
        </>
      ) : (
        <div className="author-field">
          <label htmlFor={`${id}-file`}>Add a picture {label}</label>
          <input
            type="file"
            id={`${id}-file`}
            ref={fileRef}
            accept={ACCEPT}
            onChange={(e) => void choose(e)}
            aria-describedby={[fileHint, uploadError ? uploadErrorId : undefined].filter(Boolean).join(' ')}
            aria-invalid={!!uploadError || undefined}
          />
          <span id={fileHint} className="muted">
            PNG or JPEG up to 2 MB, or SVG up to 512 KB; you give its alt text next.
          </span>
          {uploading && (
            <span role="status" className="muted">
              Adding the picture…
            </span>
          )}
          {uploadError && (
            <span id={uploadErrorId} role="alert" className="author-field-error">
              {uploadError}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
