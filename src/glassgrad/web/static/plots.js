// The training read-outs: decision boundary (or regression output) with the data, loss curves, gradient norms.

import { BLUE, CLASS_COLOURS, boundaryColour, css, diverging, mix, paintGrid } from './colours.js';
import { set, write } from './dom.js';

const offscreen = document.createElement('canvas');

// The boundary's 100 × 100 values (decoded once per state), painted as pixels and scaled up smoothly; the training
// points on top, with a white ring, and the test points with a black one.
export function drawBoundary(canvas, boundary, values, data, classes) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (!boundary) {
    ctx.fillStyle = '#667085';
    ctx.font = '13px system-ui';
    ctx.fillText('The boundary is drawn for 2 input columns;', 12, height / 2 - 8);
    ctx.fillText(`this data has ${data ? data.x[0].length : '?'}.`, 12, height / 2 + 10);
    return;
  }
  paintGrid(offscreen, values, 0, boundary.nx, boundary.ny, boundaryColour(boundary));
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(offscreen, 0, 0, width, height);
  if (!data) return;
  const sx = (x) => ((x - boundary.x_min) / (boundary.x_max - boundary.x_min)) * width;
  const sy = (y) => ((boundary.y_max - y) / (boundary.y_max - boundary.y_min)) * height;
  const [lo, hi] = boundary.range;
  const colour = (label) => (boundary.kind === 'regression' ? diverging((2 * (label - lo)) / (hi - lo) - 1)
    : classes >= 2 ? CLASS_COLOURS[Math.round(label) % 10] : mix(BLUE, label));
  for (const test of [false, true]) {  // test points last, so they stay visible
    data.x.forEach((p, i) => {
      if (Boolean(data.test[i]) !== test) return;
      ctx.beginPath();
      ctx.arc(sx(p[0]), sy(p[1]), test ? 3.5 : 3, 0, 2 * Math.PI);
      ctx.fillStyle = css(colour(data.y[i]));
      ctx.fill();
      ctx.lineWidth = test ? 1.5 : 1;
      ctx.strokeStyle = test ? '#111827' : '#fff';
      ctx.stroke();
    });
  }
}

// The colour scale of the boundary, with its ends labelled (or one swatch per class); drawn again only when it
// changes, not on every frame of Play.
export function drawLegend(canvas, boundary, classes) {
  const key = boundary ? `${boundary.kind} ${boundary.range} ${classes}` : '';
  if (canvas.dataset.drawn === key) return;
  canvas.dataset.drawn = key;
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (!boundary) return;
  ctx.font = '11px system-ui';
  if (boundary.kind === 'classes') {
    const w = width / classes;
    for (let c = 0; c < classes; c += 1) {
      ctx.fillStyle = css(CLASS_COLOURS[c % 10]);
      ctx.fillRect(c * w + 2, 0, 12, 10);
      ctx.fillStyle = '#475569';
      ctx.fillText(`class ${c}`, c * w + 17, 9);
    }
    ctx.fillText('paler: the winning class is less sure', 0, height - 2);
    return;
  }
  for (let x = 0; x < width; x += 1) {
    ctx.fillStyle = css(diverging((2 * x) / (width - 1) - 1));
    ctx.fillRect(x, 0, 1, 10);
  }
  const [lo, hi] = boundary.range;
  const ends = boundary.kind === 'regression' ? [`ŷ = ${lo.toPrecision(3)}`, `ŷ = ${hi.toPrecision(3)}`]
    : ['ŷ = 0 (class 0)', 'ŷ = 1 (class 1)'];
  const mid = boundary.kind === 'regression' ? ((lo + hi) / 2).toPrecision(3) : '0.5';
  ctx.fillStyle = '#475569';
  ctx.fillText(ends[0], 0, height - 2);
  ctx.fillText(ends[1], width - ctx.measureText(ends[1]).width, height - 2);
  ctx.fillText(mid, width / 2 - ctx.measureText(mid).width / 2, height - 2);
}

// A polyline in pixels, at most four points per pixel column: its first, lowest, highest and last, in their order.
// It draws as the full line would (every column spans the same heights), but 2,000 steps cost ~1,200 points, not
// 2,000 segments, per curve per frame.
function thin(points) {
  const out = [];
  for (let i = 0; i < points.length;) {
    const column = Math.floor(points[i][0]);
    let low = i, high = i, j = i + 1;
    for (; j < points.length && Math.floor(points[j][0]) === column; j += 1) {
      if (points[j][1] < points[low][1]) low = j;
      if (points[j][1] > points[high][1]) high = j;
    }
    [...new Set([i, Math.min(low, high), Math.max(low, high), j - 1])].forEach((k) => out.push(points[k]));
    i = j;
  }
  return out;
}

// Loss curves: the minimized loss of each step's batch (grey), the training loss and the test loss over the
// whole training and test rows (teal, and purple dashed) as recorded after each train request.
export function drawLoss(canvas, losses, history, step) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (losses.length < 2) return;
  const step0 = step - losses.length;
  const last = step;
  const kept = history.filter((h) => h.step >= step0);
  const all = losses.concat(kept.flatMap((h) => [h.loss, h.test_loss].filter((v) => v !== null)));
  const positive = all.every((v) => v > 0);
  const hi = Math.max(...all), lo = Math.min(...all);
  const log = positive && hi / lo > 100;  // a loss falling by orders of magnitude reads better on a log axis
  const t = log ? Math.log10 : (v) => v;
  const top = t(hi), bottom = log ? t(lo) : Math.min(0, lo);
  const x = (step) => 4 + ((step - step0) / Math.max(1, last - step0)) * (width - 8);
  const y = (v) => height - 6 - ((t(v) - bottom) / (top - bottom || 1)) * (height - 18);
  const line = (points, colour, width_, dash) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width_;
    ctx.setLineDash(dash);
    ctx.beginPath();
    thin(points.map(([s, v]) => [x(s), y(v)])).forEach(([px, py], i) => (i ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line(losses.map((v, i) => [step0 + i + 1, v]), '#cbd5e1', 1, []);
  line(kept.filter((h) => h.loss !== null).map((h) => [h.step, h.loss]), '#0f766e', 1.8, []);
  line(kept.filter((h) => h.test_loss !== null).map((h) => [h.step, h.test_loss]), '#7c3aed', 1.8, [5, 3]);
  ctx.fillStyle = '#667085';
  ctx.font = '11px system-ui';
  ctx.fillText(`max ${hi.toPrecision(3)}${log ? ' (log scale)' : ''}`, 6, 11);
}

// Bars on a log scale: a layer whose norm is 100× smaller than the largest is flagged (vanishing gradients). The
// bars are made once per number of layers; each frame sets their widths and numbers.
export function drawNorms(container, layers) {
  const norms = layers.map((l) => l.grad_norm);
  if (norms.some((n) => n === null)) {
    write(container, 'Train a step to see the gradients.');
    return;
  }
  if (container.querySelectorAll('.bar').length !== layers.length) {
    container.replaceChildren(...layers.map(() => {
      const bar = document.createElement('div');
      const track = document.createElement('span');
      track.appendChild(Object.assign(document.createElement('span'), { className: 'fill' }));
      bar.append(document.createElement('span'), track, Object.assign(document.createElement('span'),
        { className: 'norm-value' }));
      return bar;
    }));
  }
  const logs = norms.map((n) => Math.log10(Math.max(n, 1e-12)));
  const hi = Math.max(...logs), lo = Math.min(...logs, hi - 3);
  [...container.children].forEach((bar, i) => {
    const [name, track, value] = bar.children;
    set(bar, 'class', 'bar' + (norms[i] * 100 < Math.max(...norms) ? ' small' : ''));
    track.firstChild.style.width = `${Math.max(2, ((logs[i] - lo) / (hi - lo || 1)) * 100)}%`;
    write(name, layers[i].name);
    write(value, norms[i].toExponential(2));
  });
}
