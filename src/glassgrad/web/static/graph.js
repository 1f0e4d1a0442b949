// The network as an SVG: neurons in columns, one line per weight (width ∝ |w| or |∂L/∂w|, colour = sign),
// the loss on the right. On 2-D data every neuron is its picture over the input plane: what it outputs (left
// square) and the δ it receives (right square), as TensorFlow Playground draws the first and nobody the second.
// A walkthrough step highlights its neuron and the links its numbers travel along.

import { diverging, paintGrid, unpack } from './colours.js';

const NS = 'http://www.w3.org/2000/svg';
const XHTML = 'http://www.w3.org/1999/xhtml';
const W = 640, H = 360, LEFT = 50, RIGHT = 560, LOSS_X = 612;

function el(name, attrs, parent) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

export function short(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

function positions(sizes) {
  const columns = sizes.length;
  const widest = Math.max(...sizes);
  const gap = Math.min(44, (H - 50) / Math.max(widest, 1));
  const radius = Math.max(3, Math.min(11, gap * 0.38));
  const pos = sizes.map((n, l) => {
    const x = columns === 1 ? W / 2 : LEFT + (RIGHT - LEFT) * (l / (columns - 1));
    return Array.from({ length: n }, (_, k) => ({ x, y: H / 2 + (k - (n - 1) / 2) * gap }));
  });
  return { pos, radius, picture: Math.min(32, gap - 6) };
}

// One layer's pictures, decoded once per state: outputs and δ as (units × ny × nx) Float32Arrays.
export function decodePictures(neurons) {
  if (!neurons) return null;
  return {
    ...neurons,
    layers: neurons.layers.map((l) => ({
      ...l, outputs: unpack(l.outputs), deltas: l.deltas === null ? null : unpack(l.deltas),
    })),
  };
}

const canvases = new Map();  // kept from frame to frame: a new canvas and context per picture per frame is slow

function picture(parent, x, y, size, values, offset, grid, scale, attrs) {
  const fo = el('foreignObject', { x: x - size / 2, y: y - size / 2, width: size, height: size, ...attrs }, parent);
  const key = `${attrs.class}-${attrs['data-layer']}-${attrs['data-unit']}`;
  if (!canvases.has(key)) {
    const made = document.createElementNS(XHTML, 'canvas');
    made.setAttribute('class', 'picture');
    canvases.set(key, made);
  }
  const canvas = canvases.get(key);
  fo.appendChild(canvas);
  const s = scale > 0 ? scale : 1;
  paintGrid(canvas, values, offset, grid.nx, grid.ny, (v) => diverging(v / s));
  el('rect', { x: x - size / 2, y: y - size / 2, width: size, height: size, class: 'frame' }, parent);
  return canvas;
}

// values: {`${layer},${unit}`: text} shown above neurons; selected, hovered: link ids `${l}-${k}-${j}`; highlight: {nodes: Set, links: Set, loss: bool};
// pictures: decodePictures(state.neurons) or null; names: the network's inputs
export function drawGraph(svg, { sizes, layers, showGrads, values, highlight, selected, hovered, pictures, names,
  onLink }) {
  svg.replaceChildren();
  el('rect', { x: 0, y: 0, width: W, height: H, fill: 'transparent' }, svg);
  const { pos, radius, picture: size } = positions(sizes);
  const withPictures = pictures && size >= 12;
  const pick = (layer) => (showGrads ? layer.weight_grad : layer.weight) || layer.weight.map((r) => r.map(() => 0));
  const magnitudes = layers.flatMap((layer) => pick(layer).flat().map(Math.abs));
  const biggest = Math.max(1e-12, ...magnitudes);
  const links = el('g', {}, svg);
  const hits = el('g', {}, svg);
  layers.forEach((layer, i) => {
    const l = i + 1;
    const shown = pick(layer);
    shown.forEach((row, k) => row.forEach((v, j) => {
      const from = pos[l - 1][j], to = pos[l][k];
      const id = `${l}-${k}-${j}`;
      const cls = ['link'];
      if (highlight.links.has(id)) cls.push('path');
      if (selected === id) cls.push('selected');
      if (hovered === id) cls.push('hovered');
      el('line', {
        id: `link-${id}`, class: cls.join(' '), x1: from.x, y1: from.y, x2: to.x, y2: to.y,
        stroke: v >= 0 ? 'var(--pos)' : 'var(--neg)', 'stroke-width': (0.6 + 4.5 * Math.abs(v) / biggest).toFixed(2),
        opacity: (0.25 + 0.75 * Math.abs(v) / biggest).toFixed(2),
      }, links);
      const hit = el('line', {
        class: 'link-hit', 'data-layer': l, 'data-row': k, 'data-col': j,
        x1: from.x, y1: from.y, x2: to.x, y2: to.y,
      }, hits);
      hit.addEventListener('click', () => onLink(l, k, j));
    }));
  });
  const out = pos[pos.length - 1];
  const lossY = H / 2;
  out.forEach((p) => el('line', { x1: p.x, y1: p.y, x2: LOSS_X - 16, y2: lossY, stroke: '#94a3b8' }, links));
  const lossNode = el('g', { class: 'loss-node' + (highlight.loss ? ' active' : ''), id: 'node-loss' }, svg);
  el('rect', { x: LOSS_X - 16, y: lossY - 13, width: 32, height: 26, rx: 5 }, lossNode);
  el('text', { x: LOSS_X, y: lossY + 4 }, lossNode).textContent = 'L';
  if (values.loss !== undefined) el('text', { x: LOSS_X, y: lossY + 26, class: 'val' }, lossNode).textContent = values.loss;
  const cell = pictures ? pictures.nx * pictures.ny : 0;
  pos.forEach((column, l) => {
    el('text', { x: column[0] ? column[0].x : 0, y: 14, class: 'layer-label' }, svg).textContent =
      l === 0 ? 'input' : l === pos.length - 1 ? 'output' : `layer ${l}`;
    column.forEach((p, k) => {
      const g = el('g', { class: 'neuron' + (highlight.nodes.has(`${l},${k}`) ? ' active' : ''), id: `node-${l}-${k}` }, svg);
      let top = p.y - radius;
      if (withPictures) {
        const pics = pictures.layers[l];
        const at = { 'data-layer': l, 'data-unit': k };
        if (pics.deltas === null) {
          picture(g, p.x, p.y, size, pics.outputs, k * cell, pictures, pics.output_scale, { ...at, class: 'pic-a' });
        } else {
          picture(g, p.x - size / 2 - 1, p.y, size, pics.outputs, k * cell, pictures, pics.output_scale,
            { ...at, class: 'pic-a' });
          picture(g, p.x + size / 2 + 1, p.y, size, pics.deltas, k * cell, pictures, pics.delta_scale,
            { ...at, class: 'pic-delta' });
        }
        top = p.y - size / 2;
      } else {
        el('circle', { cx: p.x, cy: p.y, r: radius }, g);
      }
      if (l === 0 && names && (withPictures || radius >= 6)) {
        el('text', { x: p.x - (withPictures ? size / 2 : radius) - 4, y: p.y + 3, class: 'input-name' }, g)
          .textContent = names[k];
      }
      const text = values[`${l},${k}`];
      if (text !== undefined && (withPictures || radius >= 6)) {
        el('text', { x: p.x, y: top - 3, class: 'val' }, g).textContent = text;
      }
    });
  });
  if (withPictures) {
    el('text', { x: pos[1] ? pos[1][0].x : W / 2, y: H - 6, class: 'layer-label' }, svg).textContent =
      'each neuron: its output a | its δ, over the input plane';
  }
}
