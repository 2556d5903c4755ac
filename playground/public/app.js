// The Playground page: plain ES module, no build. Every text from the server, the model or a
// tool is set with textContent, never parsed as markup. The conversation lives in this tab only and
// is sent whole with each turn (the server is stateless). Element ids and data attributes are
// the contract with the browser tests: see docs/playground.md.

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, text) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

const ui = {
  user: $('pg-user'),
  version: $('pg-version'),
  error: $('pg-error'),
  conversation: $('pg-conversation'),
  form: $('pg-form'),
  model: $('pg-model'),
  modelStatus: $('pg-model-status'),
  question: $('pg-question'),
  send: $('pg-send'),
  stop: $('pg-stop'),
  reset: $('pg-reset'),
  status: $('pg-status'),
};

/** Completed turns, oldest first: [{role: 'user'|'assistant', content}]. */
let history = [];
let turns = 0;
let controller = null;
let modelsReady = false;

function showError(message, { signIn = false } = {}) {
  ui.error.replaceChildren(el('span', { 'data-part': 'message' }, message));
  if (signIn) {
    ui.error.append(' ', el('a', { id: 'pg-error-sign-in', href: '/oauth2/sign_in?rd=%2F' }, 'Sign in again'));
  }
  ui.error.hidden = false;
}
function clearError() {
  ui.error.hidden = true;
  ui.error.replaceChildren();
}

function setBusy(busy) {
  ui.send.disabled = busy || !modelsReady;
  ui.stop.hidden = !busy;
  ui.model.disabled = busy || !modelsReady;
  ui.form.setAttribute('aria-busy', String(busy));
}

async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  return { status: res.status, ok: res.ok, body };
}

function errorText(status, body, fallback) {
  return body?.error?.message ?? `${fallback} (HTTP ${status})`;
}

async function loadSession() {
  try {
    const { status, ok, body } = await getJson('/api/session');
    if (!ok) {
      showError(errorText(status, body, 'Your session could not be read'), { signIn: status === 401 });
      return;
    }
    ui.user.textContent = body.user || 'unknown user';
    ui.version.textContent = `kube-mcp-playground ${body.version}`;
  } catch {
    showError('The Playground cannot be reached, or your sign-in has expired. Reload the page.');
  }
}

async function loadModels() {
  ui.modelStatus.textContent = 'Loading models…';
  try {
    const { status, ok, body } = await getJson('/api/models');
    if (!ok) {
      ui.model.replaceChildren(el('option', { value: '' }, 'No models'));
      ui.modelStatus.textContent = '';
      ui.model.dataset.state = 'error';
      showError(errorText(status, body, 'The models could not be listed'), { signIn: status === 401 });
      return;
    }
    const models = body.models ?? [];
    if (models.length === 0) {
      ui.model.replaceChildren(el('option', { value: '' }, 'No models'));
      ui.model.dataset.state = 'empty';
      ui.modelStatus.textContent = '';
      showError('Llama Stack serves no LLM model; ask the administrator to register one.');
      return;
    }
    ui.model.replaceChildren(
      ...models.map((m) => {
        const o = el('option', { value: m.id }, m.provider ? `${m.id} (${m.provider})` : m.id);
        if (m.id === body.defaultModel) o.selected = true;
        return o;
      }),
    );
    ui.model.dataset.state = 'ready';
    ui.modelStatus.textContent = `${models.length} model${models.length === 1 ? '' : 's'}`;
    modelsReady = true;
    setBusy(false);
  } catch {
    ui.model.dataset.state = 'error';
    ui.modelStatus.textContent = '';
    showError('The Playground cannot be reached, or your sign-in has expired. Reload the page.');
  }
}

function addTurn(role, content) {
  turns += 1;
  const article = el('article', { id: `pg-turn-${turns}`, class: 'turn', 'data-role': role, 'data-turn': String(turns) });
  article.append(el('p', { class: 'who' }, role === 'user' ? 'You' : 'Assistant'));
  if (content !== undefined) article.append(el('p', { class: 'text question', 'data-part': 'question' }, content));
  ui.conversation.append(article);
  ui.conversation.dataset.turns = String(turns);
  return article;
}

function prettyJson(text) {
  if (!text) return '(none)';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The assistant turn being streamed: tool calls first as they happen, the answer below. */
function assistantTurn() {
  const article = addTurn('assistant');
  article.dataset.state = 'streaming';
  const tools = el('div', { class: 'tools', 'data-part': 'tools' });
  const answer = el('p', { id: `pg-answer-${turns}`, class: 'text answer', 'data-part': 'answer', 'aria-live': 'polite', 'aria-busy': 'true' });
  article.append(tools, answer);
  const calls = new Map();
  const call = (ev) => {
    let box = calls.get(ev.id);
    if (!box) {
      box = el('div', { class: 'tool-call', 'data-part': 'tool-call', 'data-tool-call-id': ev.id, 'data-tool-name': ev.name, 'data-status': 'running' });
      const head = el('p', { class: 'tool-head' });
      head.append(
        el('span', { 'data-part': 'tool-name' }, `Tool ${ev.server} · ${ev.name}`),
        el('span', { class: 'badge', 'data-part': 'tool-status' }, 'running'),
      );
      const args = el('details', { open: '' });
      args.append(el('summary', {}, 'Arguments'), el('pre', { 'data-part': 'tool-arguments' }, prettyJson(ev.arguments)));
      const result = el('details', { open: '' });
      result.append(el('summary', {}, 'Result'), el('pre', { 'data-part': 'tool-result' }, '…'));
      box.append(head, args, result);
      tools.append(box);
      calls.set(ev.id, box);
    }
    return box;
  };
  return {
    article,
    text: '',
    onEvent(ev) {
      switch (ev.type) {
        case 'text':
          this.text += ev.delta;
          answer.textContent = this.text;
          break;
        case 'tools':
          tools.append(
            el(
              'p',
              { class: 'hint', 'data-part': 'tools-listed', 'data-tool-count': String(ev.tools.length) },
              ev.error
                ? `Tools of ${ev.server} could not be listed: ${ev.error}`
                : `${ev.tools.length} tool${ev.tools.length === 1 ? '' : 's'} of ${ev.server} available`,
            ),
          );
          break;
        case 'tool_call':
          call(ev);
          break;
        case 'tool_result': {
          const box = call(ev);
          const status = ev.forbidden ? 'forbidden' : ev.error ? 'error' : 'ok';
          box.dataset.status = status;
          box.querySelector('[data-part="tool-status"]').textContent = ev.forbidden ? 'Forbidden' : ev.error ? 'error' : 'ok';
          box.querySelector('[data-part="tool-arguments"]').textContent = prettyJson(ev.arguments);
          box.querySelector('[data-part="tool-result"]').textContent = ev.error ?? ev.output ?? '(no output)';
          break;
        }
        case 'done':
          if (!this.text && ev.text) {
            this.text = ev.text;
            answer.textContent = ev.text;
          }
          if (!this.text) answer.textContent = '(no answer)';
          this.finish('done');
          break;
        case 'error':
          this.fail(ev.message, ev.code);
          break;
        default:
          break;
      }
    },
    finish(state) {
      article.dataset.state = state;
      answer.setAttribute('aria-busy', 'false');
    },
    fail(message, code) {
      const p = el('p', { class: 'turn-error', 'data-part': 'error', 'data-code': code, role: 'alert' }, message);
      if (code === 'unauthorized' || code === 'login_required') p.append(' ', el('a', { href: '/oauth2/sign_in?rd=%2F' }, 'Sign in again'));
      article.append(p);
      this.finish('error');
    },
  };
}

/** Reads an NDJSON body, calling onEvent per line. */
async function readEvents(res, onEvent) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) onEvent(JSON.parse(line));
    }
  }
  if (buf.trim()) onEvent(JSON.parse(buf));
}

async function ask(question) {
  clearError();
  const model = ui.model.value;
  addTurn('user', question);
  const turn = assistantTurn();
  const messages = [...history, { role: 'user', content: question }];
  controller = new AbortController();
  setBusy(true);
  ui.status.textContent = 'Answering…';
  let ended = false;
  try {
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
      credentials: 'same-origin',
      body: JSON.stringify({ model, messages }),
      signal: controller.signal,
    });
    if (!res.ok) {
      let body = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      turn.fail(errorText(res.status, body, 'The question could not be sent'), body?.error?.code ?? (res.status === 401 ? 'login_required' : 'failed'));
      ended = true;
    } else {
      await readEvents(res, (ev) => {
        if (ev.type === 'done' || ev.type === 'error') ended = true;
        turn.onEvent(ev);
      });
      if (!ended) {
        turn.fail('The answer was cut off. Try again.', 'failed');
        ended = true;
      }
    }
  } catch (e) {
    if (e?.name === 'AbortError') {
      turn.fail('Stopped.', 'stopped');
    } else {
      turn.fail('The Playground cannot be reached, or your sign-in has expired. Reload the page.', 'unreachable');
    }
  } finally {
    controller = null;
    setBusy(false);
  }
  if (turn.article.dataset.state === 'done' && turn.text) {
    history = [...messages, { role: 'assistant', content: turn.text }];
  }
  ui.status.textContent = turn.article.dataset.state === 'done' ? 'Answer complete.' : 'The answer failed.';
  ui.question.focus();
}

ui.form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (controller || !modelsReady) return;
  const question = ui.question.value.trim();
  if (!question) {
    ui.status.textContent = 'Type a question first.';
    ui.question.focus();
    return;
  }
  ui.question.value = '';
  void ask(question);
});
ui.question.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    ui.form.requestSubmit();
  }
});
ui.stop.addEventListener('click', () => controller?.abort());
ui.reset.addEventListener('click', () => {
  controller?.abort();
  history = [];
  turns = 0;
  ui.conversation.replaceChildren();
  ui.conversation.dataset.turns = '0';
  clearError();
  ui.status.textContent = 'New conversation.';
  ui.question.focus();
});

document.body.dataset.ready = 'false';
await Promise.all([loadSession(), loadModels()]);
document.body.dataset.ready = 'true';
ui.question.focus();
