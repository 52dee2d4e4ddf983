/**
 * Composes the rig's graph from the registry's chain.
 *
 * The NAM model cannot run inside an Elementary graph (no JavaScript nodes exist), so the graph is
 * built in two halves around it:
 *
 *   pre  = blocks before the model, applied to the input          → modelInput
 *          each later block's sidechain, applied to modelInput    → sidechains (by block id)
 *   post = blocks after the model, applied to the model's output, each given its sidechain
 *
 * The engine renders `pre` with modelInput and the sidechains as separate output channels, runs the
 * model on the first, carries the sidechains across (delayed by whatever latency the model stage adds)
 * and feeds both into `post`. `buildRig` joins the halves with a model function, for when the model
 * stage is itself a graph (tests use the identity).
 */
import type { NodeRepr_t } from '@elemaudio/core';
import type { AnyBlock, RigContext } from './manifest.ts';
import { bindParams, type ParamSource } from './param-source.ts';
import { isModelStage, rig, type ChainEntry, type RigRegistry } from './registry.ts';

export interface PreModelGraph {
  /** The signal the model is fed. */
  readonly modelInput: NodeRepr_t;
  /** Each post-model block's sidechain output, by block id, in chain order. */
  readonly sidechains: ReadonlyMap<string, NodeRepr_t>;
}

function split(chain: readonly ChainEntry[]): { pre: AnyBlock[]; post: AnyBlock[] } {
  const at = chain.findIndex(isModelStage);
  const blocks = (entries: readonly ChainEntry[]): AnyBlock[] => entries.filter((e): e is AnyBlock => !isModelStage(e));
  return { pre: blocks(chain.slice(0, at)), post: blocks(chain.slice(at + 1)) };
}

export function buildPreModel(input: NodeRepr_t, source: ParamSource, ctx: RigContext, registry: RigRegistry = rig): PreModelGraph {
  const { pre, post } = split(registry.chain);
  const modelInput = pre.reduce((x, b) => b.graph(x, bindParams(registry, b, source), ctx), input);
  const sidechains = new Map<string, NodeRepr_t>();
  for (const b of post) {
    if (b.sidechain) sidechains.set(b.id, b.sidechain.graph(modelInput, bindParams(registry, b, source), ctx));
  }
  return { modelInput, sidechains };
}

export function buildPostModel(modelOutput: NodeRepr_t, sidechains: ReadonlyMap<string, NodeRepr_t>, source: ParamSource, ctx: RigContext, registry: RigRegistry = rig): NodeRepr_t {
  const { post } = split(registry.chain);
  return post.reduce((x, b) => b.graph(x, bindParams(registry, b, source), ctx, sidechains.get(b.id)), modelOutput);
}

/** The whole rig as one graph, with `model` standing in for the NAM model stage. */
export function buildRig(input: NodeRepr_t, model: (x: NodeRepr_t) => NodeRepr_t, source: ParamSource, ctx: RigContext, registry: RigRegistry = rig): NodeRepr_t {
  const { modelInput, sidechains } = buildPreModel(input, source, ctx, registry);
  return buildPostModel(model(modelInput), sidechains, source, ctx, registry);
}
