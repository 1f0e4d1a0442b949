// The whole run in the URL's hash: config fields, lesson, example, how many steps were trained, steps per frame.
// Reloading (or opening a shared link) rebuilds the same network from the same seed and replays the steps.

const FIELDS = {
  ds: ['dataset', String], n: ['samples', Number], noise: ['noise', Number], lr: ['lr', Number],
  bs: ['batch_size', Number], seed: ['seed', Number], loss: ['loss', String], opt: ['optimizer', String],
  reg: ['regularization', String], rate: ['regularization_rate', Number], test: ['test_fraction', Number],
};

export function encode({ config, lesson, example, steps, perFrame }) {
  const p = new URLSearchParams();
  if (lesson) p.set('lesson', lesson);
  for (const [key, [field]] of Object.entries(FIELDS)) p.set(key, String(config[field]));
  p.set('h', config.hidden.join(','));
  p.set('act', config.activations.join(','));
  p.set('bias', config.bias ? '1' : '0');
  if (config.features) p.set('feat', config.features.join(','));
  p.set('ex', String(example));
  p.set('steps', String(steps));
  p.set('spf', String(perFrame));
  return '#' + p.toString();
}

// Returns {lesson, overrides, example, steps, perFrame}: overrides holds only the config fields in the hash.
export function decode(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const overrides = {};
  for (const [key, [field, type]] of Object.entries(FIELDS)) {
    if (p.has(key)) overrides[field] = type(p.get(key));
  }
  if (p.has('h')) overrides.hidden = p.get('h') === '' ? [] : p.get('h').split(',').map(Number);
  if (p.has('act')) overrides.activations = p.get('act').split(',');
  if (p.has('bias')) overrides.bias = p.get('bias') === '1';
  if (p.has('feat')) overrides.features = p.get('feat').split(',');
  return {
    lesson: p.get('lesson') || '',
    overrides,
    example: Number(p.get('ex') || 0),
    steps: Number(p.get('steps') || 0),
    perFrame: Number(p.get('spf') || 1),
  };
}
