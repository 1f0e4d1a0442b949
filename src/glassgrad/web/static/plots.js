// The training read-outs: decision boundary with the data, loss curve, and gradient norm per layer.

const CLASS_COLOURS = [[234, 88, 12], [37, 99, 235], [22, 163, 74], [147, 51, 234], [219, 39, 119],
  [202, 138, 4], [8, 145, 178], [100, 116, 139], [190, 18, 60], [77, 124, 15]];

function mix(c, t) {  // from white (t = 0) to colour c (t = 1)
  return c.map((v) => Math.round(255 + (v - 255) * Math.max(0, Math.min(1, t))));
}

export function drawBoundary(canvas, boundary, data, classes) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (!boundary) {
    ctx.fillStyle = '#667085';
    ctx.font = '13px system-ui';
    ctx.fillText('The boundary is drawn for 2 input features;', 12, height / 2 - 8);
    ctx.fillText(`this data has ${data ? data.x[0].length : '?'}.`, 12, height / 2 + 10);
    return;
  }
  const cw = width / boundary.nx, ch = height / boundary.ny;
  boundary.values.forEach((v, i) => {
    const cx = i % boundary.nx, cy = Math.floor(i / boundary.nx);
    let rgb;
    if (boundary.classes) rgb = mix(CLASS_COLOURS[boundary.classes[i] % 10], (v - 0.3) * 0.6);
    else rgb = v >= 0.5 ? mix(CLASS_COLOURS[1], (v - 0.5) * 1.3) : mix(CLASS_COLOURS[0], (0.5 - v) * 1.3);
    ctx.fillStyle = `rgb(${rgb.join(',')})`;
    ctx.fillRect(cx * cw, cy * ch, cw + 1, ch + 1);
  });
  if (!data) return;
  const sx = (x) => ((x - boundary.x_min) / (boundary.x_max - boundary.x_min)) * width;
  const sy = (y) => ((boundary.y_max - y) / (boundary.y_max - boundary.y_min)) * height;
  data.x.forEach((p, i) => {
    const label = data.y[i];
    const c = classes >= 2 ? CLASS_COLOURS[Math.round(label) % 10] : mix(CLASS_COLOURS[1], label);
    ctx.beginPath();
    ctx.arc(sx(p[0]), sy(p[1]), 3, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${c.join(',')})`;
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.stroke();
  });
}

export function drawLoss(canvas, losses) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (losses.length < 2) return;
  const positive = losses.every((v) => v > 0);
  const hi = Math.max(...losses), lo = Math.min(...losses);
  const log = positive && hi / lo > 100;  // a loss falling by orders of magnitude reads better on a log axis
  const t = log ? Math.log10 : (v) => v;
  const top = t(hi), bottom = log ? t(lo) : Math.min(0, lo);
  const x = (i) => 4 + (i / (losses.length - 1)) * (width - 8);
  const y = (v) => height - 6 - ((t(v) - bottom) / (top - bottom || 1)) * (height - 18);
  ctx.strokeStyle = '#0f766e';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  losses.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
  ctx.stroke();
  ctx.fillStyle = '#667085';
  ctx.font = '11px system-ui';
  ctx.fillText(`max ${hi.toPrecision(3)}${log ? ' (log scale)' : ''}`, 6, 11);
  ctx.fillText(`last ${losses[losses.length - 1].toPrecision(3)}`, width - 80, 11);
}

// Bars on a log scale: a layer whose norm is 100× smaller than the largest is flagged (vanishing gradients).
export function drawNorms(container, layers) {
  container.replaceChildren();
  const norms = layers.map((l) => l.grad_norm);
  if (norms.some((n) => n === null)) {
    container.textContent = 'Train a step to see the gradients.';
    return;
  }
  const logs = norms.map((n) => Math.log10(Math.max(n, 1e-12)));
  const hi = Math.max(...logs), lo = Math.min(...logs, hi - 3);
  layers.forEach((layer, i) => {
    const bar = document.createElement('div');
    bar.className = 'bar' + (norms[i] * 100 < Math.max(...norms) ? ' small' : '');
    const fill = document.createElement('span');
    fill.className = 'fill';
    fill.style.width = `${Math.max(2, ((logs[i] - lo) / (hi - lo || 1)) * 100)}%`;
    const track = document.createElement('span');
    track.appendChild(fill);
    const name = document.createElement('span');
    name.textContent = layer.name;
    const value = document.createElement('span');
    value.textContent = norms[i].toExponential(2);
    value.className = 'norm-value';
    bar.append(name, track, value);
    container.appendChild(bar);
  });
}
