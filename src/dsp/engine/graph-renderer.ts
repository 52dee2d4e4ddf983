/**
 * Off-audio-thread graph building: a thin helper around `@elemaudio/core`'s `Renderer`.
 *
 *   const g = createGraphRenderer((batch) => proc.applyBatch(batch)); // or post it to the audio side
 *   g.render(el.mul(el.in({ channel: 0 }), 0.5));
 *
 * `Renderer` diffs each new graph against what it has mounted and hands the instruction batch
 * to `onBatch` synchronously, before `render` returns (its promise only carries stats). If
 * `onBatch` throws, `render` throws, but the Renderer already counts the nodes as mounted.
 *
 * Root fades default to 0 ms here instead of Elementary's 20 ms; pass other values for
 * click-free root swaps. Even at 0 ms a new root's gain starts at 0: the first sample after
 * activating a graph is silent, and at a swap that sample still comes from the old graph.
 * Any change below a root makes a new root (its hash covers the children); only ref setters
 * change props in place. Re-rendering a graph that holds a ref restores the ref's creation props.
 *
 * Rendering allocates, so it belongs on the main thread (or a second isolate). Batches are
 * plain arrays of numbers, strings and prop values: they survive structured clone, and JSON
 * when the props are JSON-safe; apply them on the audio side between blocks.
 */
import { Renderer, type ElemNode, type NodeRepr_t } from '@elemaudio/core';
import type { ElementaryInstructionBatch } from './elementary-runtime.ts';

export interface GraphRendererOptions {
  /** Fade-in of newly activated roots, ms (default 0). */
  rootFadeInMs?: number;
  /** Fade-out of deactivated roots, ms (default 0). */
  rootFadeOutMs?: number;
}

export interface GraphRenderer {
  /** Renders one root per output channel; `onBatch` has run when this returns. */
  render(...roots: ElemNode[]): void;
  /**
   * A node whose props can be changed later without re-rendering (knobs): the setter sends a
   * SET_PROPERTY batch through `onBatch`. Render the node before calling the setter.
   */
  createRef(kind: string, props: Record<string, unknown>, children: ElemNode[]): [NodeRepr_t, (props: Record<string, unknown>) => void];
  /** Forget nodes the runtime's `gc()` freed, so a later render recreates them. */
  prune(nodeIds: readonly number[]): void;
}

export function createGraphRenderer(onBatch: (batch: ElementaryInstructionBatch) => void, options: GraphRendererOptions = {}): GraphRenderer {
  const fades = { rootFadeInMs: options.rootFadeInMs ?? 0, rootFadeOutMs: options.rootFadeOutMs ?? 0 };
  const renderer = new Renderer((batch: ElementaryInstructionBatch) => {
    onBatch(batch);
  });
  return {
    render(...roots) {
      void renderer.renderWithOptions(fades, ...roots);
    },
    createRef(kind, props, children) {
      const [node, set] = renderer.createRef(kind, props, children);
      return [node, (p: Record<string, unknown>) => void set(p)];
    },
    prune(nodeIds) {
      renderer.prune(nodeIds);
    },
  };
}
