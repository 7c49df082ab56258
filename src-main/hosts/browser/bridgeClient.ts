// The script the browser host serves as /skiff-bridge.js: it fills `window.skiff` (the same
// SkiffBridge the Electron preload exposes) over a WebSocket carrying the session token.
export const BRIDGE_CLIENT_JS = `(() => {
  const token = new URLSearchParams(location.search).get('token') || sessionStorage.getItem('skiff-token') || '';
  sessionStorage.setItem('skiff-token', token);
  const pending = new Map();
  const listeners = new Map();
  let nextId = 1;
  let ws;
  let ready;
  function connect() {
    ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws?token=' + encodeURIComponent(token));
    ready = new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    ws.onmessage = (m) => {
      let msg;
      try { msg = JSON.parse(m.data); } catch { return; }
      if (msg.kind === 'result') {
        const p = pending.get(msg.id);
        if (p) { pending.delete(msg.id); p(msg.result); }
      } else if (msg.kind === 'event') {
        for (const l of listeners.get(msg.event) || []) l(msg.payload);
      }
    };
    ws.onclose = () => {
      for (const [, p] of pending) p({ ok: false, error: { code: 'INTERNAL', message: 'Lost the connection to Skiff.', fix: 'Reload the page.' } });
      pending.clear();
    };
  }
  connect();
  window.skiff = Object.freeze({
    async invoke(method, input) {
      await ready;
      const id = nextId++;
      return new Promise((resolve) => { pending.set(id, resolve); ws.send(JSON.stringify({ id, method, input })); });
    },
    async stageFile(file) {
      // The page cannot read file paths: copy the file to the host (same machine) and use that copy.
      // The upload is removed by the host once versions.add has used it.
      const res = await fetch('/stage?token=' + encodeURIComponent(token) + '&name=' + encodeURIComponent(file.name), { method: 'POST', body: file });
      if (!res.ok) throw new Error('Staging the file failed (HTTP ' + res.status + '): ' + ((await res.text().catch(() => '')).trim() || 'no details'));
      return (await res.json()).path;
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return () => listeners.get(event).delete(listener);
    },
  });
})();`;
