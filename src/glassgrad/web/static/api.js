// The playground's JSON API: one function per endpoint; a non-2xx reply throws an Error carrying its message.

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const reply = await fetch(path, init);
  const type = reply.headers.get('Content-Type') || '';
  const payload = type.includes('json') ? await reply.json() : await reply.text();
  if (!reply.ok) {
    const detail = payload && payload.detail;
    const message = Array.isArray(detail)
      ? detail.map((d) => `${(d.loc || []).slice(1).join('.')}: ${d.msg}`).join('; ')
      : (detail || String(payload) || reply.statusText);
    throw new Error(message);
  }
  return payload;
}

const session = (sid) => `/api/sessions/${encodeURIComponent(sid)}`;

export const api = {
  options: () => call('GET', '/api/options'),
  create: (config) => call('POST', '/api/sessions', config),
  reconfigure: (sid, config) => call('PUT', `${session(sid)}/config`, config),
  reset: (sid) => call('POST', `${session(sid)}/reset`),
  train: (sid, request) => call('POST', `${session(sid)}/train`, request),
  data: (sid) => call('GET', `${session(sid)}/data`),
  walkthrough: (sid, example) => call('GET', `${session(sid)}/walkthrough?example=${example}`),
  weight: (sid, layer, row, col, example) =>
    call('GET', `${session(sid)}/weights/${layer}/${row}/${col}?example=${example}`),
  upload: (sid, file, target) => {
    const form = new FormData();
    form.append('file', file);
    if (target) form.append('target', target);
    return call('POST', `${session(sid)}/dataset`, form);
  },
  downloadUrl: (sid) => `${session(sid)}/model.safetensors`,
  explanationUrl: (sid, example, format) => `${session(sid)}/explanation?example=${example}&format=${format}`,
};
