/** The result of "Share link": the link to copy, or, for a rig too large for a link, the bundle download. */
import type { ShareState } from '../library/use-library.ts';

export function ShareLinkPanel({ share, onClose }: { readonly share: ShareState; onClose(): void }) {
  return (
    <div className="share-panel" role="region" aria-label="Share link" data-testid="share-panel">
      {share.kind === 'working' && <span className="hint">Making the link…</span>}
      {share.kind === 'link' && (
        <>
          <input className="share-link" type="text" readOnly value={share.link} aria-label="Share link" data-testid="share-link" onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(share.link).catch(() => undefined)}>
            Copy
          </button>
          <span className="hint">{share.copied ? 'Copied. ' : ''}The link holds the whole rig ({Math.round(share.link.length / 1024)} KB): the model, the IR and every setting.</span>
        </>
      )}
      {share.kind === 'too-large' && (
        <>
          <span className="share-too-large" role="alert">
            {share.message}
          </span>
          <button type="button" className="primary" onClick={share.download}>
            Download .namrig
          </button>
        </>
      )}
      <button type="button" className="close" aria-label="Close" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
