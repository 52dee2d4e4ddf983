/** Every parameter in `paramIndex()` gets exactly one control, of the right kind, in its block's panel. */
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { paramIndex, defaultParams, createRegistry, RIG_CHAIN } from '../../src/dsp/rig/registry.ts';
import { defineBlock } from '../../src/dsp/rig/manifest.ts';
import { controlGroups, controlKind } from '../../src/ui/controls.ts';
import { RigControls } from '../../src/ui/components/RigControls.tsx';
import { App } from '../../src/ui/App.tsx';
import { createFakeTransport } from '../../src/ui/fake-transport.ts';

const count = (html: string, needle: string): number => html.split(needle).length - 1;

describe('controls from paramIndex()', () => {
  const index = paramIndex();

  it('groups every user parameter exactly once, by block, in chain order', () => {
    const groups = controlGroups(index);
    const ids = groups.flatMap((g) => g.controls.map((c) => c.param.id));
    expect(ids).toEqual(index.map((p) => p.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(groups.map((g) => g.blockId)).toEqual([...new Set(index.map((p) => p.blockId))]);
    expect(ids).not.toContain('cab.mix'); // an engine parameter: no control
  });

  it('on/off → toggle, enum → segmented, the rest → knob', () => {
    for (const p of index) {
      const kind = controlKind(p);
      if (p.spec.unit === 'on/off') expect(kind).toBe('toggle');
      else if (p.spec.unit === 'enum') expect(kind).toBe('segmented');
      else expect(kind).toBe('knob');
    }
    expect(controlKind(index.find((p) => p.id === 'output.mode')!)).toBe('segmented');
  });

  it('renders exactly one control element per parameter, with ARIA values', () => {
    const html = renderToStaticMarkup(createElement(RigControls, { index, values: defaultParams(), onChange: () => {} }));
    for (const p of index) expect(count(html, `data-param="${p.id}"`), p.id).toBe(1);
    const knobs = index.filter((p) => controlKind(p) === 'knob');
    expect(count(html, 'role="slider"')).toBe(knobs.length);
    expect(count(html, 'role="switch"')).toBe(index.filter((p) => p.spec.unit === 'on/off').length);
    expect(html).toContain('aria-valuemin="-20" aria-valuemax="20" aria-valuenow="0" aria-valuetext="0.0 dB"');
    expect(html).toContain('>Normalized</button>');
  });

  it('a new block appears without touching the UI', () => {
    const extra = defineBlock({
      id: 'delay',
      label: 'Delay',
      params: [
        { id: 'time', label: 'Time', min: 10, max: 2000, default: 300, unit: '', taper: 'log', step: 1 },
        { id: 'on', label: 'Delay', min: 0, max: 1, default: 0, unit: 'on/off', taper: 'linear', step: 1 },
      ],
      graph: (x) => x,
    });
    const reg = createRegistry([...RIG_CHAIN, extra]);
    const html = renderToStaticMarkup(createElement(RigControls, { index: reg.paramIndex(), values: reg.defaultParams(), onChange: () => {} }));
    expect(count(html, 'data-param="delay.time"')).toBe(1);
    expect(count(html, 'data-param="delay.on"')).toBe(1);
    expect(html).toContain('data-block="delay"');
  });

  it('the whole app renders on the fake transport', () => {
    const html = renderToStaticMarkup(createElement(App, { transport: createFakeTransport(), notice: 'preview' }));
    expect(html).toContain('No model loaded');
    expect(html).toContain('Bypass');
    for (const p of index) expect(count(html, `data-param="${p.id}"`), p.id).toBe(1);
  });
});
